"""The sending primitives every Telegram delivery shares: messages in chunks, files,
steps that resume where a retry left off, and where a ticket's thread is."""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import ClientDecodeError
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message

from adapters.telegram.errors import accepted_result
from adapters.telegram.facts import ChatFacts
from adapters.telegram.markup import CAPTION_LIMIT, MESSAGE_LIMIT
from adapters.telegram.places import Place, message_ref, parse_message_ref, reply_parameters
from adapters.telegram.render import Keyboard, OutMessage
from adapters.telegram.uploads import FileSends
from core.delivery import PermanentFailure
from core.events import Event, event_to_json
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

# The line a message sent again carries (see TelegramSender.send_again); set only for that one task.
_AGAIN_TAG: ContextVar[str | None] = ContextVar("telegram_again_tag", default=None)

Step = Callable[[], Awaitable[None]]


@contextmanager
def sent_again(tag: str) -> Iterator[None]:
    """Within this block every message and file sent carries `tag` (already HTML-escaped)."""
    token = _AGAIN_TAG.set(tag)
    try:
        yield
    finally:
        _AGAIN_TAG.reset(token)


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
            for row in keyboard
        ]
    )


class Posting:
    def __init__(self, bot: Bot, refs: RefStore, facts: ChatFacts, files: FileSends) -> None:
        self.bot = bot
        self.refs = refs
        self.facts = facts
        self.files = files

    @property
    def agents_chat_id(self) -> int | None:
        return self.facts.agents_chat_id

    async def message(self, call: Awaitable[Message], chat_id: int) -> Message:
        """The message a call sent; one Telegram accepted but aiogram could not parse is
        stood in for by its id, so it is not sent again."""
        try:
            return await call
        except ClientDecodeError as error:
            result = accepted_result(error)
            if result is None:
                raise
            log.warning("telegram accepted a message whose answer could not be read")
            return _stand_in(result, chat_id)

    async def send_out(self, place: Place, out: OutMessage) -> list[Message]:
        """Every chunk of `out` at `place` (each a reply, to stay in a card's thread);
        the last one carries the buttons."""
        sent: list[Message] = []
        for index, chunk in enumerate(out.chunks):
            last = index == len(out.chunks) - 1
            if last and (tag := _AGAIN_TAG.get()):
                chunk = _tagged(chunk, tag, MESSAGE_LIMIT)
            call = self.bot.send_message(
                chat_id=place.chat_id,
                text=chunk,
                parse_mode=ParseMode.HTML,
                message_thread_id=place.thread_id,
                reply_parameters=reply_parameters(place),
                reply_markup=markup(out.keyboard) if last else None,
            )
            sent.append(await self.message(call, place.chat_id))
        return sent

    async def steps(self, event: Event, steps: list[Step]) -> None:
        """Run `steps` in order, resuming after the last one that succeeded."""
        if len(steps) <= 1:
            for step in steps:
                await step()
            return
        key = hashlib.sha256(event_to_json(event).encode()).hexdigest()[:40]
        done = int(await self.refs.get("progress", key) or 0)
        for index in range(done, len(steps)):
            await steps[index]()
            await self.refs.put("progress", key, str(index + 1))
        await self.refs.delete("progress", key)

    def chunk_steps(
        self, place: Place, out: OutMessage, keep: list[Message], ticket: int | None = None
    ) -> list[Step]:
        """One step per chunk; with `ticket`, each sent message is noted as the ticket's."""
        steps: list[Step] = []
        for index, chunk in enumerate(out.chunks):
            single = OutMessage((chunk,), out.keyboard if index == len(out.chunks) - 1 else ())

            async def step(single: OutMessage = single) -> None:
                sent = await self.send_out(place, single)
                keep.extend(sent)
                if ticket is not None:
                    for message in sent:
                        await self.remember_thread_message(message, ticket)

            steps.append(step)
        return steps

    async def send_file(
        self, place: Place, attachment: str, caption: str | None, source: str | None = None
    ) -> Message:
        if tag := _AGAIN_TAG.get():
            caption = _tagged(caption or "", tag, CAPTION_LIMIT)
        sent = self.files.send(place, attachment, caption, source)
        return await self.message(sent, place.chat_id)

    # to a person

    def agents_chat(self) -> int:
        if self.agents_chat_id is None:
            raise PermanentFailure("TELEGRAM_AGENTS_CHAT_ID is not set")
        return self.agents_chat_id

    def chat_at(self, place: str | None) -> int:
        """A team's agents' group as it is now (followed if it became a supergroup); the
        default group when the team has none."""
        if place and place.lstrip("-").isdigit():
            return self.facts.current(int(place))
        return self.agents_chat()

    async def topic(self, number: int, chat_id: int) -> int | None:
        """The ticket's topic in `chat_id`, if it has one there."""
        found = topic_in(await self.refs.get("topic", str(number)), self.agents_chat_id)
        return found[1] if found is not None and found[0] == chat_id else None

    async def thread_place(self, number: int, chat_id: int | None = None) -> Place:
        """The ticket's topic, or a reply to its card; the group itself before either exists."""
        chat_id = chat_id if chat_id is not None else self.agents_chat()
        topic = await self.topic(number, chat_id)
        if topic is not None:
            return Place(chat_id, topic)
        card = await self.refs.get("card", str(number))
        where = parse_message_ref(card) if card else None
        if where is not None and where[0] == chat_id:
            return Place(where[0], None, where[1])
        return Place(chat_id)

    async def remember_thread_message(self, message: Message, ticket: int) -> None:
        """So that replies and reactions to this message find their ticket."""
        await self.refs.put("thread", message_ref(message.chat.id, message.message_id), str(ticket))


def _tagged(html_text: str, tag: str, limit: int) -> str:
    """`html_text` with the "sent again" line below it, when both fit in `limit` visible
    characters (a chunk already at the limit goes out untagged rather than split)."""
    line = f"<i>{tag}</i>"
    if not html_text:
        return line
    if _visible_length(html_text) + len(html.unescape(tag)) + 2 > limit:
        return html_text
    return f"{html_text}\n\n{line}"


def _visible_length(html_text: str) -> int:
    return len(html.unescape(re.sub(r"<[^>]+>", "", html_text)))


def _stand_in(result: dict[str, Any], chat_id: int) -> Message:
    """A sent message known only by the id in Telegram's unparsable answer."""
    message_id = result.get("message_id")
    return Message.model_construct(
        message_id=message_id if isinstance(message_id, int) else 0,
        date=datetime.now(UTC),
        chat=Chat.model_construct(id=chat_id, type="private"),
    )


def topic_value(chat_id: int, topic: int, default_chat: int | None) -> str:
    """How a ticket's topic is stored: its id in the default group, `chat:id` elsewhere."""
    return str(topic) if chat_id == default_chat else f"{chat_id}:{topic}"


def topic_in(stored: str | None, default_chat: int | None) -> tuple[int, int] | None:
    """(chat, topic) of a stored topic; None when there is none."""
    if stored is None:
        return None
    chat, _, topic = stored.rpartition(":")
    if not chat:
        return (default_chat, int(topic)) if default_chat is not None else None
    return int(chat), int(topic)
