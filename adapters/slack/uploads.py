"""A file's bytes uploaded into a Slack conversation, from wherever they were read.

The way https://api.slack.com/messaging/files#uploading_files describes:
files.getUploadURLExternal, a POST of the bytes to the URL it gives, then
files.completeUploadExternal sharing the file into the channel (and thread). The bytes
stream through when their length is known; nothing is kept on disk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import ErrorKind, error_code, is_kind
from adapters.slack.file_hosts import STREAM_TIMEOUT
from core.files import FileUnavailable, OpenedFile, read_at_most


async def upload(
    client: AsyncWebClient,
    opened: OpenedFile,
    max_bytes: int,
    channel: str,
    thread_ts: str | None,
) -> str:
    """The uploaded copy's file id; FileUnavailable when it cannot be done for good. Errors
    a retry may mend (the network, 5xx, a rate limit) are raised for the outbox to retry."""
    if opened.size is not None and opened.size > max_bytes:
        raise FileUnavailable.too_large(opened.name, max_bytes)
    size = opened.size
    body: bytes | AsyncIterator[bytes] = opened.chunks
    if size is None:  # the upload URL is asked for with the length
        body = await read_at_most(opened, max_bytes)
        size = len(body)
    try:
        target = await client.files_getUploadURLExternal(filename=opened.name, length=size)
        await _post(client, str(target["upload_url"]), body, size, opened.name)
        await client.files_completeUploadExternal(
            files=[{"id": str(target["file_id"]), "title": opened.name}],
            channel_id=channel,
            thread_ts=thread_ts,
        )
    except SlackApiError as error:
        if not is_kind(error, ErrorKind.PERMANENT):
            raise
        raise FileUnavailable(opened.name, reason=error_code(error)) from error
    return str(target["file_id"])


async def _post(
    client: AsyncWebClient, url: str, body: bytes | AsyncIterator[bytes], size: int, name: str
) -> None:
    session = client.session
    own = session is None
    session = session or aiohttp.ClientSession()
    try:
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        async with session.post(url, data=body, headers=headers, timeout=STREAM_TIMEOUT) as sent:
            if sent.status >= 500:
                sent.raise_for_status()
            if sent.status != 200:
                raise FileUnavailable(name, reason=f"upload refused ({sent.status})")
    finally:
        if own:
            await session.close()
