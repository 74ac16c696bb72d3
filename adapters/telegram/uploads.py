"""A relayed message's files sent into a Telegram chat.

Telegram's own files go by file id, never downloaded
(https://core.telegram.org/bots/api#sending-files: "There are no limits for files sent
this way"). A file shared on another platform is read there (core.files) and uploaded
with multipart/form-data, the bytes streaming through: up to 50 MB for a bot (the same
page), as a photo when it is a JPEG or PNG of at most 10 MB
(https://core.telegram.org/bots/api#sendphoto), else as a document that keeps its name.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramEntityTooLarge
from aiogram.types import BufferedInputFile, InputFile, Message

from adapters.telegram.places import Place, reply_parameters
from core.files import MB, FileUnavailable, ForeignFiles, OpenedFile, read_at_most

if TYPE_CHECKING:
    from collections.abc import Awaitable

UPLOAD_LIMIT = 50 * MB
PHOTO_LIMIT = 10 * MB
PHOTO_TYPES = ("image/jpeg", "image/png")
# Upload within the outbox's 30 s for a send, longer than the Bot API calls' own 20 s.
UPLOAD_TIMEOUT = 28


class FileSends:
    def __init__(self, bot: Bot, foreign: ForeignFiles, upload_limit: int = UPLOAD_LIMIT) -> None:
        self.bot = bot
        self.foreign = foreign
        self.upload_limit = upload_limit

    async def send(
        self, place: Place, attachment: str, caption: str | None, source: str | None
    ) -> Message:
        """`attachment` sent to `place` with `caption`; FileUnavailable when a file of
        another platform cannot be passed on for good."""
        if self.foreign.crossing(source):
            return await self._upload(place, attachment, caption, source or "")
        return await self._by_id(place, attachment, caption)

    def _common(self, place: Place, caption: str | None) -> dict[str, Any]:
        return {
            "chat_id": place.chat_id,
            "message_thread_id": place.thread_id,
            "reply_parameters": reply_parameters(place),
            "caption": caption,
            "parse_mode": ParseMode.HTML if caption else None,
        }

    async def _by_id(self, place: Place, attachment: str, caption: str | None) -> Message:
        kind, _, file_id = attachment.partition(":")
        common = self._common(place, caption)
        call: Awaitable[Message]
        if kind == "photo":
            call = self.bot.send_photo(photo=file_id, **common)
        elif kind == "voice":
            call = self.bot.send_voice(voice=file_id, **common)
        elif kind == "video":
            call = self.bot.send_video(video=file_id, **common)
        elif kind == "audio":
            call = self.bot.send_audio(audio=file_id, **common)
        elif kind == "animation":
            call = self.bot.send_animation(animation=file_id, **common)
        elif kind == "video_note":
            call = self.bot.send_video_note(
                chat_id=place.chat_id,
                video_note=file_id,
                message_thread_id=place.thread_id,
                reply_parameters=reply_parameters(place),
            )
        else:
            call = self.bot.send_document(document=file_id, **common)
        return await call

    async def _upload(self, place: Place, ref: str, caption: str | None, platform: str) -> Message:
        async with self.foreign.open(platform, ref) as opened:
            as_photo = (
                opened.mime_type in PHOTO_TYPES
                and opened.size is not None
                and opened.size <= PHOTO_LIMIT
            )
            try:
                return await self._post(place, opened, caption, as_photo=as_photo)
            except TelegramBadRequest as error:
                if not as_photo or not _photo_refused(error):
                    raise
        # An image Telegram will not take as a photo (its sides, its format): a document.
        async with self.foreign.open(platform, ref) as opened:
            return await self._post(place, opened, caption, as_photo=False)

    async def _post(
        self, place: Place, opened: OpenedFile, caption: str | None, *, as_photo: bool
    ) -> Message:
        if opened.size is not None and opened.size > self.upload_limit:
            raise FileUnavailable.too_large(opened.name, self.upload_limit)
        upload: InputFile
        if opened.size is None:  # counted here, so a file over the limit is not sent at all
            data = await read_at_most(opened, self.upload_limit)
            upload = BufferedInputFile(data, filename=opened.name)
        else:
            upload = _Streamed(opened)
        common = self._common(place, caption)
        try:
            if as_photo:
                return await self.bot.send_photo(
                    photo=upload, request_timeout=UPLOAD_TIMEOUT, **common
                )
            return await self.bot.send_document(
                document=upload, request_timeout=UPLOAD_TIMEOUT, **common
            )
        except TelegramEntityTooLarge as error:
            raise FileUnavailable.too_large(opened.name, self.upload_limit) from error


class _Streamed(InputFile):
    """The bytes of a file being read from its platform, passed to the upload as they come."""

    def __init__(self, opened: OpenedFile) -> None:
        super().__init__(filename=opened.name)
        self.opened = opened

    async def read(self, bot: Bot) -> AsyncGenerator[bytes, None]:
        async for chunk in self.opened.chunks:
            yield chunk


def _photo_refused(error: TelegramBadRequest) -> bool:
    """Telegram will not make a photo of these bytes (https://core.telegram.org/bots/api#sendphoto:
    at most 10000 px in total of width and height, a ratio of at most 20)."""
    text = error.message.upper()
    return "PHOTO_" in text or "IMAGE_PROCESS_FAILED" in text
