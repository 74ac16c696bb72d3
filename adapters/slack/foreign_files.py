"""Files shared on another platform, uploaded into Slack where the other side is.

The bytes are read from their own platform (core.files) and uploaded as Slack's own files
are (adapters.slack.uploads). Each file is passed on once (recorded as Slack's own are,
adapters.slack.files.CopiedFiles, so a withdrawn message takes them along);
one that cannot be gets a note where it would have been, and when an agent's file does
not reach the requester the card shows it too.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from adapters.common.file_notes import not_passed_note
from adapters.slack.files import MAX_FILE_BYTES, CopiedFiles
from adapters.slack.mrkdwn import escape
from adapters.slack.uploads import upload
from core.delivery import PermanentFailure
from core.events import Relay
from core.files import FileUnavailable, ForeignFiles
from core.storage.refs import RefStore

log = logging.getLogger(__name__)


class CrossingFiles:
    def __init__(
        self,
        client: AsyncWebClient,
        refs: RefStore,
        foreign: ForeignFiles,
        max_bytes: int = MAX_FILE_BYTES,
    ) -> None:
        self.client = client
        self.copied = CopiedFiles(refs)
        self.foreign = foreign
        self.max_bytes = max_bytes

    def crossing(self, relay: Relay) -> bool:
        return bool(relay.attachments) and self.foreign.crossing(relay.source_platform)

    async def pass_files(
        self, relay: Relay, channel: str, thread_ts: str | None, lang: str
    ) -> None:
        """Each file of `relay` uploaded into `channel` (and thread), once."""
        platform = relay.source_platform or ""
        missing: list[FileUnavailable] = []
        for attachment in relay.attachments:
            if await self.copied.tried(relay.message_id, attachment):
                continue
            try:
                passed = await self._pass_on(platform, attachment, channel, thread_ts)
            except FileUnavailable as problem:
                log.warning("slack: a %s file was not passed on: %s", platform, problem)
                await self.client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    text=escape(not_passed_note(lang, problem)),
                )
                missing.append(problem)
                passed = None
            await self.copied.record(relay.message_id, attachment, passed)
        if missing and relay.author_role == "agent":
            # The agent works on another platform: the card there shows what was lost.
            raise PermanentFailure(
                "slack could not pass on a file: " + "; ".join(str(m) for m in missing)
            )

    async def _pass_on(self, platform: str, ref: str, channel: str, thread_ts: str | None) -> str:
        """The uploaded copy's file id; FileUnavailable when it cannot be done for good."""
        async with self.foreign.open(platform, ref) as opened:
            return await upload(self.client, opened, self.max_bytes, channel, thread_ts)
