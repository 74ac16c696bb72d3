"""Slack's files read for another platform: files.info, then the private download link.

A file shared in a DM opens for the people in it only, so it is read with the bot token
the way https://api.slack.com/types/file#auth describes: `url_private_download` with the
token in an Authorization header (https://api.slack.com/methods/files.info needs
files:read; without it the link answers with Slack's sign-in page instead of the file).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.codecs import parse_file_ref
from adapters.slack.errors import ErrorKind, error_code, is_kind
from adapters.slack.file_hosts import CHUNK, STREAM_TIMEOUT, FileHosts
from core.files import FileUnavailable, OpenedFile, ref_label

log = logging.getLogger(__name__)


class SlackFileSource:
    """Reads `slack-file:ID/name` references (adapters.slack.codecs.file_ref)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.hosts = FileHosts(client)

    @asynccontextmanager
    async def open(self, ref: str, max_bytes: int | None = None) -> AsyncIterator[OpenedFile]:
        """The file `ref` names, open for reading; with `max_bytes`, a larger file is
        refused (FileUnavailable) before any of it is downloaded."""
        parsed = parse_file_ref(ref)
        if parsed is None:
            raise FileUnavailable(ref_label(ref), reason="not a Slack file")
        file_id, name = parsed
        try:
            info = await self.client.files_info(file=file_id)
        except SlackApiError as error:
            if is_kind(error, ErrorKind.PERMANENT):
                raise FileUnavailable(name, reason=error_code(error)) from error
            raise
        found: Any = info.get("file") or {}
        name = str(found.get("name") or name)
        size = found.get("size")
        url = str(found.get("url_private_download") or found.get("url_private") or "")
        if max_bytes is not None and isinstance(size, int) and size > max_bytes:
            raise FileUnavailable.too_large(name, max_bytes)
        if not url:
            raise FileUnavailable(name, reason="no download link")
        if not await self.hosts.token_may_go_to(url):
            log.warning("file %s not fetched: %s is not a Slack file host", file_id, url[:80])
            raise FileUnavailable(name, reason="not a Slack file")
        session = self.client.session
        own = session is None
        session = session or aiohttp.ClientSession()
        try:
            headers = {"Authorization": f"Bearer {self.client.token}"}
            async with session.get(url, headers=headers, timeout=STREAM_TIMEOUT) as download:
                if download.status >= 500:
                    download.raise_for_status()  # Slack's trouble: the outbox retries
                if download.status != 200 or download.content_type == "text/html":
                    raise FileUnavailable(name, reason="no access to the file (files:read)")
                yield OpenedFile(
                    name=name,
                    mime_type=str(found.get("mimetype") or "application/octet-stream"),
                    size=int(size) if isinstance(size, int) else None,
                    chunks=download.content.iter_chunked(CHUNK),
                )
        finally:
            if own:
                await session.close()
