"""Files passed on between a requester's DM and the agents' thread, as files the other side opens.

A file shared in a DM is visible to the people in that DM only; a permalink to it opens
for nobody else. So the file itself is passed on: read with the bot token
(`url_private_download`, https://api.slack.com/types/file#auth) and uploaded again where
the other side is, the way https://api.slack.com/messaging/files#uploading_files describes:
files.getUploadURLExternal, a POST of the bytes to the URL it gives, then
files.completeUploadExternal sharing it into the channel (and thread). The bytes stream
through; nothing is kept on disk or in memory whole.

The bot token goes only to Slack's own file hosts (adapters.slack.file_hosts); an external
file is not fetched, and the card notes it was not passed on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.codecs import parse_file_ref
from adapters.slack.errors import ErrorKind, error_code, is_kind
from adapters.slack.file_hosts import CHUNK, STREAM_TIMEOUT, FileHosts
from adapters.slack.mrkdwn import escape
from core.events import Relay
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
    def __init__(self, client: AsyncWebClient, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.client = client
        self.max_bytes = min(max_bytes, SLACK_FILE_LIMIT)
        self.hosts = FileHosts(client)

    @property
    def max_mb(self) -> int:
        return self.max_bytes // (1024 * 1024)

    async def pass_on(
        self, file_id: str, name: str, channel: str, thread_ts: str | None
    ) -> str | NotPassed:
        """Upload a copy of file `file_id` into `channel` (and thread): the copy's id, or
        why it could not be done for good. Errors a retry may mend (the network, 5xx,
        a rate limit) are raised for the outbox to retry."""
        try:
            info = await self.client.files_info(file=file_id)
        except SlackApiError as error:
            if is_kind(error, ErrorKind.PERMANENT):
                return NotPassed(name, reason=error_code(error))
            raise
        found: Any = info.get("file") or {}
        name = str(found.get("name") or name)
        size = int(found.get("size") or 0)
        url = str(found.get("url_private_download") or found.get("url_private") or "")
        if size > self.max_bytes:
            return NotPassed(name, too_large=True)
        if not url:
            return NotPassed(name, reason="no download link")
        if not await self.hosts.token_may_go_to(url):
            log.warning("file %s not fetched: %s is not a Slack file host", file_id, url[:80])
            return NotPassed(name, reason="not a Slack file")
        try:
            upload = await self.client.files_getUploadURLExternal(filename=name, length=size)
            await self._copy(url, str(upload["upload_url"]), size)
            await self.client.files_completeUploadExternal(
                files=[{"id": str(upload["file_id"]), "title": name}],
                channel_id=channel,
                thread_ts=thread_ts,
            )
        except SlackApiError as error:
            if is_kind(error, ErrorKind.PERMANENT):
                return NotPassed(name, reason=error_code(error))
            raise
        except _Refused as refused:
            return NotPassed(name, reason=str(refused))
        return str(upload["file_id"])

    async def _copy(self, source: str, target: str, size: int) -> None:
        """Stream the file from Slack's private URL to the upload URL."""
        session = self.client.session
        own = session is None
        session = session or aiohttp.ClientSession()
        try:
            headers = {"Authorization": f"Bearer {self.client.token}"}
            async with session.get(source, headers=headers, timeout=STREAM_TIMEOUT) as download:
                if download.status >= 500:
                    download.raise_for_status()
                # Without files:read Slack answers with its sign-in page, not the file.
                if download.status != 200 or download.content_type == "text/html":
                    raise _Refused("no access to the file (files:read)")
                body = download.content.iter_chunked(CHUNK)
                upload_headers = {
                    "Content-Type": "application/octet-stream",
                    "Content-Length": str(size),
                }
                async with session.post(
                    target, data=body, headers=upload_headers, timeout=STREAM_TIMEOUT
                ) as uploaded:
                    if uploaded.status >= 500:
                        uploaded.raise_for_status()
                    if uploaded.status != 200:
                        raise _Refused(f"upload refused ({uploaded.status})")
        finally:
            if own:
                await session.close()


class _Refused(Exception):
    """Slack will not give or take this file; trying again will not change it."""


KIND_FILE = "file"  # "message id:file id" -> the copy's file id ("-": could not be passed on)
KIND_FILE_COPIES = "file_copies"  # message id -> the copies' file ids, comma-separated


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

    async def pass_files(
        self, relay: Relay, channel: str, thread_ts: str | None, lang: str
    ) -> None:
        """Each Slack file of the message uploaded where the other side is, once; one that
        cannot be passed on gets a note in the card's thread."""
        for attachment in relay.attachments:
            parsed = parse_file_ref(attachment)
            if parsed is None:
                continue  # a link: the text carries it
            file_id, name = parsed
            key = f"{relay.message_id}:{file_id}"
            if await self.refs.get(KIND_FILE, key) is not None:
                continue
            passed = await self.passer.pass_on(file_id, name, channel, thread_ts)
            if isinstance(passed, NotPassed):
                await self._note(relay.ticket_number, lang, passed)
                passed = "-"
            else:
                known = await self.refs.get(KIND_FILE_COPIES, str(relay.message_id))
                copies = f"{known},{passed}" if known else passed
                await self.refs.put(KIND_FILE_COPIES, str(relay.message_id), copies)
            await self.refs.put(KIND_FILE, key, passed)

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
