"""Relayed messages in Telegram: their copies (text and files, sent in resumable steps),
edits of those copies, and their withdrawal."""

from __future__ import annotations

import logging

from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message

from adapters.common.file_notes import not_passed_note
from adapters.telegram.errors import file_refused, not_modified
from adapters.telegram.markup import Rich
from adapters.telegram.places import (
    Place,
    copy_kind,
    message_ref,
    more_kind,
    parse_message_ref,
)
from adapters.telegram.posting import Posting, Step
from adapters.telegram.render import (
    OutMessage,
    plain,
    relay_caption,
    relay_edited_rich,
    render_payload,
)
from core.delivery import PermanentFailure
from core.events import Relay, RelayEdited, RelayRetracted
from core.files import FileUnavailable
from core.i18n import t

log = logging.getLogger(__name__)

UNCAPTIONED = ("video_note",)  # https://core.telegram.org/bots/api#sendvideonote has no caption


class Relays:
    def __init__(self, post: Posting) -> None:
        self.post = post
        self.bot = post.bot
        self.refs = post.refs

    def steps(
        self, place: Place, lang: str, relay: Relay, ticket: int | None, *, to_agents: bool
    ) -> list[Step]:
        """The message (and its files: by file id, or uploaded from another platform)
        plus a note of where the copy is.

        A file Telegram refuses to send on, or one from another platform that cannot
        cross, is left out, its caption sent as text; it is named in the thread, and
        to a requester as a permanent failure as well, which the card then shows.
        """
        copies: list[Message] = []
        files = list(relay.attachments)
        captioned = bool(files) and files[0].partition(":")[0] not in UNCAPTIONED
        caption = relay_caption(lang, relay) if captioned else None
        steps: list[Step] = []
        refused: list[str] = []
        missing: list[str] = []  # files of another platform that could not cross
        if caption is None:
            steps += self.post.chunk_steps(place, render_payload(lang, relay), copies)
        for index, attachment in enumerate(files):
            first_caption = caption if index == 0 else None

            async def send_file(
                attachment: str = attachment, cap: str | None = first_caption
            ) -> None:
                try:
                    copies.append(
                        await self.post.send_file(place, attachment, cap, relay.source_platform)
                    )
                except FileUnavailable as problem:
                    log.warning("telegram: a file was not passed on: %s", problem)
                    missing.append(str(problem))
                    lines = (cap,) if cap is not None else ()
                    note = plain(not_passed_note(lang, problem))
                    copies.extend(await self.post.send_out(place, OutMessage(lines + note.chunks)))
                except TelegramBadRequest as error:
                    if not file_refused(error):
                        raise
                    log.warning("telegram refused to pass on a file: %s", error.message)
                    refused.append(attachment.partition(":")[0])
                    if cap is not None:
                        copies.extend(await self.post.send_out(place, OutMessage((cap,))))

            steps.append(send_file)

        async def remember() -> None:
            if copies:
                first = copies[0]
                kind = "c" if caption is not None and not refused and not missing else "t"
                await self.refs.put(
                    copy_kind(relay.mirrored_from),
                    str(relay.message_id),
                    f"{message_ref(first.chat.id, first.message_id)}:{kind}",
                )
                # the other messages of a long text or of several files, withdrawn with it
                for index, copy in enumerate(copies[1:], start=1):
                    text_or_media = "t" if copy.text is not None else "c"
                    await self.refs.put(
                        more_kind(copy_kind(relay.mirrored_from)),
                        f"{relay.message_id}:{index}",
                        f"{message_ref(copy.chat.id, copy.message_id)}:{text_or_media}",
                    )
                if ticket is not None:
                    for copy in copies:
                        await self.post.remember_thread_message(copy, ticket)
            if missing and (not to_agents or ticket is None):
                raise PermanentFailure("telegram could not pass on a file: " + "; ".join(missing))
            if not refused:
                return
            kinds = ", ".join(refused)
            if not to_agents or ticket is None:
                # The card shows a delivery problem to the requester.
                raise PermanentFailure(f"telegram could not pass on a file ({kinds})")
            note = plain("⚠️ " + t(lang, "telegram.file_not_passed_on", kinds=kinds))
            for message in await self.post.send_out(place, note):
                await self.post.remember_thread_message(message, ticket)

        steps.append(remember)
        return steps

    async def edited(self, place: Place, lang: str, edited: RelayEdited) -> None:
        stored = await self.refs.get(copy_kind(edited.mirrored_from), str(edited.message_id))
        rich = relay_edited_rich(lang, edited)
        where = parse_message_ref(stored) if stored else None
        if stored is None or where is None:
            await self.post.send_out(place, OutMessage(tuple(rich.chunks())))
            return
        chat_id, message_id = where
        try:
            if stored.endswith(":c"):
                await self.bot.edit_message_caption(
                    chat_id=chat_id,
                    message_id=message_id,
                    caption=rich.chunks(1024)[0],
                    parse_mode=ParseMode.HTML,
                )
            else:
                await self.bot.edit_message_text(
                    chat_id=chat_id,
                    message_id=message_id,
                    text=rich.chunks()[0],
                    parse_mode=ParseMode.HTML,
                )
        except TelegramBadRequest as error:
            if not not_modified(error):
                raise

    async def retract(self, lang: str, retracted: RelayRetracted) -> None:
        """deleteMessage of every relayed copy (a long text or several files went as
        several messages); where Telegram refuses (a message older than 48 h,
        https://core.telegram.org/bots/api#deletemessage) a neutral placeholder."""
        stored = [await self.refs.get("relay", str(retracted.message_id))]
        key = str(retracted.message_id)
        index = 1
        while (more := await self.refs.get(more_kind("relay"), f"{key}:{index}")) is not None:
            stored.append(more)
            index += 1
        for copy in stored:
            if copy is not None:
                await self._withdraw_copy(lang, copy)

    async def _withdraw_copy(self, lang: str, stored: str) -> None:
        where = parse_message_ref(stored)
        if where is None:
            return  # no copy was ever sent
        chat_id, message_id = where
        try:
            await self.bot.delete_message(chat_id=chat_id, message_id=message_id)
            return
        except TelegramBadRequest as error:
            if "not found" in error.message:
                return  # deleted already (a retry of this withdrawal)
            log.info("relayed copy not deleted (%s); replacing it", error.message)
        placeholder = Rich().add(t(lang, "relay.withdrawn_mark"), "italic").chunks()[0]
        try:
            if stored.endswith(":c"):
                await self.bot.edit_message_caption(
                    chat_id=chat_id,
                    message_id=message_id,
                    caption=placeholder,
                    parse_mode=ParseMode.HTML,
                )
            else:
                await self.bot.edit_message_text(
                    chat_id=chat_id,
                    message_id=message_id,
                    text=placeholder,
                    parse_mode=ParseMode.HTML,
                )
        except TelegramBadRequest as error:
            if not not_modified(error):
                log.info("relayed copy not replaced either: %s", error.message)

    # to the agents' thread of a ticket
