"""Files shared on another platform, uploaded into Slack where the other side is.

The bytes are read from their own platform (core.files) and uploaded the way
https://api.slack.com/messaging/files#uploading_files describes, as adapters/slack/files.py
does for Slack's own files: files.getUploadURLExternal, a POST of the bytes, then
files.completeUploadExternal sharing the file into the channel (and thread). Each file is
passed on once (the same refs as Slack's own, so a withdrawn message takes them along);
one that cannot be gets a note where it would have been, and when an agent's file does
not reach the requester the card shows it too.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.common.file_notes import not_passed_note
from adapters.slack.errors import ErrorKind, error_code, is_kind
from adapters.slack.files import KIND_FILE, KIND_FILE_COPIES, MAX_FILE_BYTES
from adapters.slack.mrkdwn import escape
from core.delivery import PermanentFailure
from core.events import Relay
from core.files import FileUnavailable, ForeignFiles, OpenedFile, read_at_most
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

_STREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=20)


class CrossingFiles:
    def __init__(
        self,
        client: AsyncWebClient,
        refs: RefStore,
        foreign: ForeignFiles,
        max_bytes: int = MAX_FILE_BYTES,
    ) -> None:
        self.client = client
        self.refs = refs
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
            key = f"{relay.message_id}:{attachment}"
            if await self.refs.get(KIND_FILE, key) is not None:
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
                passed = "-"
            else:
                known = await self.refs.get(KIND_FILE_COPIES, str(relay.message_id))
                copies = f"{known},{passed}" if known else passed
                await self.refs.put(KIND_FILE_COPIES, str(relay.message_id), copies)
            await self.refs.put(KIND_FILE, key, passed)
        if missing and relay.author_role == "agent":
            # The agent works on another platform: the card there shows what was lost.
            raise PermanentFailure(
                "slack could not pass on a file: " + "; ".join(str(m) for m in missing)
            )

    async def _pass_on(self, platform: str, ref: str, channel: str, thread_ts: str | None) -> str:
        """The uploaded copy's file id; FileUnavailable when it cannot be done for good."""
        async with self.foreign.open(platform, ref) as opened:
            if opened.size is not None and opened.size > self.max_bytes:
                raise FileUnavailable.too_large(opened.name, self.max_bytes)
            size = opened.size
            body: bytes | AsyncIterator[bytes] = opened.chunks
            if size is None:  # the upload URL is asked for with the length
                body = await read_at_most(opened, self.max_bytes)
                size = len(body)
            try:
                upload = await self.client.files_getUploadURLExternal(
                    filename=opened.name, length=size
                )
                await self._post(str(upload["upload_url"]), body, size, opened)
                await self.client.files_completeUploadExternal(
                    files=[{"id": str(upload["file_id"]), "title": opened.name}],
                    channel_id=channel,
                    thread_ts=thread_ts,
                )
            except SlackApiError as error:
                if not is_kind(error, ErrorKind.PERMANENT):
                    raise
                raise FileUnavailable(opened.name, reason=error_code(error)) from error
        return str(upload["file_id"])

    async def _post(
        self, url: str, body: bytes | AsyncIterator[bytes], size: int, opened: OpenedFile
    ) -> None:
        session = self.client.session
        own = session is None
        session = session or aiohttp.ClientSession()
        try:
            headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
            async with session.post(
                url, data=body, headers=headers, timeout=_STREAM_TIMEOUT
            ) as uploaded:
                if uploaded.status >= 500:
                    uploaded.raise_for_status()
                if uploaded.status != 200:
                    raise FileUnavailable(opened.name, reason=f"upload refused ({uploaded.status})")
        finally:
            if own:
                await session.close()
