"""Telegram's files read for another platform: getFile, then the download link it gives.

https://core.telegram.org/bots/api#getfile: "bots can download files of up to 20MB in
size"; a larger one is refused ("file is too big"). The file is then at
`https://api.telegram.org/file/bot<token>/<file_path>` (aiogram's `file_url` builds it,
also for a Bot API server of one's own), a link valid for at least an hour: it is asked
for anew each time the file is read.
"""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from core.files import MB, FileUnavailable, OpenedFile

DOWNLOAD_LIMIT = 20 * MB
_CHUNK = 256 * 1024
# The whole file within one delivery (the outbox gives a send 30 s); the stream only
# has to keep moving.
_STREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=20)

# What a file of each kind is when its path says nothing (no extension).
_DEFAULT_TYPE = {
    "photo": ("image/jpeg", ".jpg"),
    "voice": ("audio/ogg", ".ogg"),
    "video": ("video/mp4", ".mp4"),
    "video_note": ("video/mp4", ".mp4"),
    "animation": ("video/mp4", ".mp4"),
    "audio": ("audio/mpeg", ".mp3"),
}


class TelegramFileSource:
    """Reads `kind:file_id` references, the way Telegram's relays keep their files."""

    def __init__(self, bot: Bot, limit_bytes: int = DOWNLOAD_LIMIT) -> None:
        self.bot = bot
        self.limit_bytes = limit_bytes

    @asynccontextmanager
    async def open(self, ref: str) -> AsyncIterator[OpenedFile]:
        kind, _, file_id = ref.partition(":")
        if not file_id:
            raise FileUnavailable(ref, reason="not a Telegram file")
        try:
            found = await self.bot.get_file(file_id)
        except TelegramBadRequest as error:
            if "too big" in error.message.lower():
                raise FileUnavailable.too_large(kind, self.limit_bytes) from error
            raise FileUnavailable(kind, reason=error.message) from error
        name, mime_type = _name_and_type(kind, found.file_path or "")
        if found.file_size is not None and found.file_size > self.limit_bytes:
            raise FileUnavailable.too_large(name, self.limit_bytes)
        if not found.file_path:
            raise FileUnavailable(name, reason="Telegram gave no download path")
        url = self.bot.session.api.file_url(self.bot.token, found.file_path)
        async with (
            aiohttp.ClientSession(timeout=_STREAM_TIMEOUT) as session,
            session.get(url) as download,
        ):
            if download.status >= 500:
                download.raise_for_status()  # Telegram's trouble: the outbox retries
            if download.status != 200:
                raise FileUnavailable(name, reason=f"download refused ({download.status})")
            yield OpenedFile(
                name=name,
                mime_type=mime_type,
                size=found.file_size,
                chunks=download.content.iter_chunked(_CHUNK),
            )


def _name_and_type(kind: str, file_path: str) -> tuple[str, str]:
    """A name with an extension (the other side shows and opens files by it) and a type."""
    name = file_path.rpartition("/")[2] or kind
    guessed, _ = mimetypes.guess_type(name)
    default_type, extension = _DEFAULT_TYPE.get(kind, ("application/octet-stream", ""))
    if "." not in name:
        name += extension
    return name, guessed or default_type
