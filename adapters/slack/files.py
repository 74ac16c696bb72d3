"""Files passed on between a requester's DM and the agents' thread, as files the other side opens.

A file shared in a DM is visible to the people in that DM only; a permalink to it opens
for nobody else. So the file itself is passed on: read with the bot token as any Slack
file is read (adapters.slack.file_source) and uploaded again where the other side is
(adapters.slack.uploads). The bytes stream through; nothing is kept on disk or in memory
whole.

The bot token goes only to Slack's own file hosts (adapters.slack.file_hosts); an external
file is not fetched, and the card notes it was not passed on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.codecs import parse_file_ref
from adapters.slack.errors import error_code
from adapters.slack.file_source import SlackFileSource
from adapters.slack.mrkdwn import escape
from adapters.slack.uploads import upload
from core.events import Relay
from core.files import FileUnavailable
from core.i18n import t
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

# https://api.slack.com/methods/files.upload ("File size limit"): 1 GB a file. What is
# passed on must also stream down and up again within one delivery (the outbox gives a
# send 30 s): 20 MB does on a 12 Mbit/s link. Larger files are noted on the card at once
# (SLACK_MAX_FILE_MB raises the limit where the links are faster).
SLACK_FILE_LIMIT = 1024**3
MAX_FILE_BYTES = 20 * 1024**2


@dataclass(frozen=True)
class NotPassed:
    """Why a file could not be passed on, for the note on the card."""

    name: str
    too_large: bool = False
    reason: str = ""


class FilePasser:
    def __init__(
        self,
        client: AsyncWebClient,
        max_bytes: int = MAX_FILE_BYTES,
        source: SlackFileSource | None = None,
    ) -> None:
        self.client = client
        self.max_bytes = min(max_bytes, SLACK_FILE_LIMIT)
        # the same reader other platforms' senders use: one host list, one auth.test
        self.source = source or SlackFileSource(client)

    @property
    def max_mb(self) -> int:
        return self.max_bytes // (1024 * 1024)

    async def pass_on(self, ref: str, channel: str, thread_ts: str | None) -> str | NotPassed:
        """Upload a copy of the Slack file `ref` into `channel` (and thread): the copy's id,
        or why it could not be done for good. Errors a retry may mend (the network, 5xx,
        a rate limit) are raised for the outbox to retry."""
        try:
            async with self.source.open(ref, max_bytes=self.max_bytes) as opened:
                return await upload(self.client, opened, self.max_bytes, channel, thread_ts)
        except FileUnavailable as problem:
            too_large = problem.limit_mb is not None
            return NotPassed(problem.name, too_large=too_large, reason=problem.reason)


KIND_FILE = "file"  # "message id:file" -> the copy's file id ("-": could not be passed on)
KIND_FILE_COPIES = "file_copies"  # message id -> the copies' file ids, comma-separated


class CopiedFiles:
    """Which files of a relayed message were passed on (each once), and the copies made,
    for Slack's own files and other platforms' alike (`file`: the Slack file id, or the
    other platform's reference)."""

    def __init__(self, refs: RefStore) -> None:
        self.refs = refs

    async def tried(self, message_id: int, file: str) -> bool:
        return await self.refs.get(KIND_FILE, f"{message_id}:{file}") is not None

    async def record(self, message_id: int, file: str, copy_id: str | None) -> None:
        """`copy_id` None: the file could not be passed on (and is not tried again)."""
        if copy_id is not None:
            known = await self.refs.get(KIND_FILE_COPIES, str(message_id))
            copies = f"{known},{copy_id}" if known else copy_id
            await self.refs.put(KIND_FILE_COPIES, str(message_id), copies)
        await self.refs.put(KIND_FILE, f"{message_id}:{file}", copy_id or "-")


class RelayedFiles:
    """The files of relayed messages: passed on once each, noted when they cannot be,
    and deleted with the message when it is withdrawn."""

    def __init__(
        self,
        client: AsyncWebClient,
        refs: RefStore,
        agents_channel: str,
        card_ts: Callable[[int], Awaitable[str | None]],
        passer: FilePasser,
    ) -> None:
        self.client = client
        self.refs = refs
        self.agents_channel = agents_channel
        self.card_ts = card_ts
        self.passer = passer
        self.copied = CopiedFiles(refs)

    async def pass_files(
        self, relay: Relay, channel: str, thread_ts: str | None, lang: str
    ) -> None:
        """Each Slack file of the message uploaded where the other side is, once; one that
        cannot be passed on gets a note in the card's thread."""
        for attachment in relay.attachments:
            parsed = parse_file_ref(attachment)
            if parsed is None:
                continue  # a link: the text carries it
            file_id = parsed[0]
            if await self.copied.tried(relay.message_id, file_id):
                continue
            passed = await self.passer.pass_on(attachment, channel, thread_ts)
            if isinstance(passed, NotPassed):
                await self._note(relay.ticket_number, lang, passed)
            await self.copied.record(
                relay.message_id, file_id, None if isinstance(passed, NotPassed) else passed
            )

    async def _note(self, number: int, lang: str, problem: NotPassed) -> None:
        if problem.too_large:
            text = t(lang, "relay.file_too_large", file=problem.name, limit=self.passer.max_mb)
        else:
            text = t(lang, "relay.file_failed", file=problem.name, reason=problem.reason)
        await self.client.chat_postMessage(
            channel=self.agents_channel, thread_ts=await self.card_ts(number), text=escape(text)
        )

    async def withdraw(self, message_id: int) -> None:
        """files.delete of the copies uploaded for a withdrawn message
        (https://api.slack.com/methods/files.delete: the uploader may delete them)."""
        copies = await self.refs.get(KIND_FILE_COPIES, str(message_id))
        for file_id in (copies or "").split(","):
            if not file_id:
                continue
            try:
                await self.client.files_delete(file=file_id)
            except SlackApiError as error:
                if error_code(error) not in ("file_not_found", "file_deleted"):
                    raise
        if copies:
            await self.refs.delete(KIND_FILE_COPIES, str(message_id))
