"""Delivers core events through the Bot API; the outbox dispatcher calls `send`.

Errors become the dispatcher's vocabulary through errors.py's one list.
An event that needs several API calls records how far it got, so a retry
after a 429 in the middle does not send the first part twice. A message
Telegram accepted but whose answer aiogram could not parse counts as sent.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramBadRequest
from aiogram.types import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReactionTypeEmoji,
    ReplyParameters,
)

from adapters.telegram.errors import (
    accepted_result,
    message_gone,
    not_modified,
    topic_not_modified,
    verdict,
)
from adapters.telegram.facts import ChatFacts
from adapters.telegram.places import Place, message_ref, parse_message_ref
from adapters.telegram.reactions import NOTE_EMOJI
from adapters.telegram.render import (
    Keyboard,
    OutMessage,
    card_overflow,
    change_line,
    relay_caption,
    relay_edited_rich,
    render_card,
    render_payload,
    topic_name,
)
from core.delivery import PermanentFailure
from core.domain import TicketState
from core.events import (
    CardChange,
    Event,
    Notice,
    PersonTarget,
    Relay,
    RelayEdited,
    TicketCard,
    TicketThreadTarget,
    TicketView,
    event_to_json,
    ticket_number_of,
)
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

Step = Callable[[], Awaitable[None]]


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
            for row in keyboard
        ]
    )


class TelegramSender:
    def __init__(self, bot: Bot, refs: RefStore, facts: ChatFacts) -> None:
        self.bot = bot
        self.refs = refs
        self.facts = facts

    @property
    def agents_chat_id(self) -> int | None:
        return self.facts.agents_chat_id

    async def send(self, event: Event) -> None:
        try:
            if isinstance(event.target, PersonTarget):
                await self._to_person(event, event.target)
            else:
                await self._to_thread(event, event.target)
        except TelegramAPIError as error:
            judged = verdict(error)
            if judged is None:
                raise
            raise judged from error
        except ClientDecodeError as error:
            if accepted_result(error) is None:
                raise
            log.warning(
                "telegram accepted a call whose answer could not be read: %s", error.message
            )

    async def _message(self, call: Awaitable[Message], chat_id: int) -> Message:
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

    # sending primitives

    async def send_out(self, place: Place, out: OutMessage) -> list[Message]:
        """Every chunk of `out` at `place` (each a reply, to stay in a card's thread);
        the last one carries the buttons."""
        sent: list[Message] = []
        for index, chunk in enumerate(out.chunks):
            last = index == len(out.chunks) - 1
            call = self.bot.send_message(
                chat_id=place.chat_id,
                text=chunk,
                parse_mode=ParseMode.HTML,
                message_thread_id=place.thread_id,
                reply_parameters=_reply(place),
                reply_markup=markup(out.keyboard) if last else None,
            )
            sent.append(await self._message(call, place.chat_id))
        return sent

    async def _steps(self, event: Event, steps: list[Step]) -> None:
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

    def _chunk_steps(
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
                        await self._remember_thread_message(message, ticket)

            steps.append(step)
        return steps

    async def _send_file(self, place: Place, attachment: str, caption: str | None) -> Message:
        kind, _, file_id = attachment.partition(":")
        common = {
            "chat_id": place.chat_id,
            "message_thread_id": place.thread_id,
            "reply_parameters": _reply(place),
            "caption": caption,
            "parse_mode": ParseMode.HTML if caption else None,
        }
        call: Awaitable[Message]
        if kind == "photo":
            call = self.bot.send_photo(photo=file_id, **common)  # type: ignore[arg-type]
        elif kind == "voice":
            call = self.bot.send_voice(voice=file_id, **common)  # type: ignore[arg-type]
        elif kind == "video":
            call = self.bot.send_video(video=file_id, **common)  # type: ignore[arg-type]
        elif kind == "audio":
            call = self.bot.send_audio(audio=file_id, **common)  # type: ignore[arg-type]
        else:
            call = self.bot.send_document(document=file_id, **common)  # type: ignore[arg-type]
        return await self._message(call, place.chat_id)

    # to a person

    async def _to_person(self, event: Event, target: PersonTarget) -> None:
        place = Place.decode(target.context) or Place(int(target.user_id))
        payload = event.payload
        if isinstance(payload, Notice) and payload.key == "ticket.note_added" and place.reply_to:
            # A note is acknowledged on the note itself, not with a message in the thread.
            await self.bot.set_message_reaction(
                chat_id=place.chat_id,
                message_id=place.reply_to,
                reaction=[ReactionTypeEmoji(emoji=NOTE_EMOJI)],
            )
            return
        if isinstance(payload, RelayEdited):
            await self._relay_edited(place, event.lang, payload)
            return
        # Every message about a ticket is a place to reply to: a reply goes to that ticket.
        ticket = ticket_number_of(payload)
        if isinstance(payload, Relay):
            await self._steps(event, self._relay_steps(place, event.lang, payload, ticket))
            return
        out = render_payload(event.lang, payload)
        await self._steps(event, self._chunk_steps(place, out, [], ticket))

    def _relay_steps(self, place: Place, lang: str, relay: Relay, ticket: int | None) -> list[Step]:
        """The message (and its files, by file id) plus a note of where the copy is."""
        copies: list[Message] = []
        caption = relay_caption(lang, relay) if relay.attachments else None
        steps: list[Step] = []
        files = list(relay.attachments)
        if caption is None:
            steps += self._chunk_steps(place, render_payload(lang, relay), copies)
        for index, attachment in enumerate(files):
            first_caption = caption if index == 0 else None

            async def send_file(
                attachment: str = attachment, cap: str | None = first_caption
            ) -> None:
                copies.append(await self._send_file(place, attachment, cap))

            steps.append(send_file)

        async def remember() -> None:
            if not copies:
                return
            first = copies[0]
            kind = "c" if caption is not None else "t"
            await self.refs.put(
                "relay",
                str(relay.message_id),
                f"{message_ref(first.chat.id, first.message_id)}:{kind}",
            )
            if ticket is not None:
                for copy in copies:
                    await self._remember_thread_message(copy, ticket)

        steps.append(remember)
        return steps

    async def _relay_edited(self, place: Place, lang: str, edited: RelayEdited) -> None:
        stored = await self.refs.get("relay", str(edited.message_id))
        rich = relay_edited_rich(lang, edited)
        where = parse_message_ref(stored) if stored else None
        if stored is None or where is None:
            await self.send_out(place, OutMessage(tuple(rich.chunks())))
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

    # to the agents' thread of a ticket

    def _agents_chat(self) -> int:
        if self.agents_chat_id is None:
            raise PermanentFailure("TELEGRAM_AGENTS_CHAT_ID is not set")
        return self.agents_chat_id

    async def thread_place(self, number: int) -> Place:
        """The ticket's topic, or a reply to its card; the group itself before either exists."""
        topic = await self.refs.get("topic", str(number))
        if topic is not None:
            return Place(self._agents_chat(), int(topic))
        card = await self.refs.get("card", str(number))
        where = parse_message_ref(card) if card else None
        if where is not None:
            return Place(where[0], None, where[1])
        return Place(self._agents_chat())

    async def _remember_thread_message(self, message: Message, ticket: int) -> None:
        """So that replies and reactions to this message find their ticket."""
        await self.refs.put("thread", message_ref(message.chat.id, message.message_id), str(ticket))

    async def _to_thread(self, event: Event, target: TicketThreadTarget) -> None:
        payload = event.payload
        number = target.ticket_number
        if isinstance(payload, TicketCard):
            await self._card(event, payload)
            return
        place = await self.thread_place(number)
        if isinstance(payload, RelayEdited):
            await self._relay_edited(place, event.lang, payload)
            return
        if isinstance(payload, Relay):
            await self._steps(event, self._relay_steps(place, event.lang, payload, number))
            return
        sent: list[Message] = []
        steps = self._chunk_steps(place, render_payload(event.lang, payload), sent)
        await self._steps(event, steps)
        for message in sent:
            await self._remember_thread_message(message, number)

    async def _card(self, event: Event, card: TicketCard) -> None:
        lang, view = event.lang, card.ticket
        key = str(view.number)
        out = render_card(lang, card)
        steps: list[Step] = []
        existing = await self.refs.get("card", key)
        if existing is None:

            async def post_card() -> None:
                await self._post_card(key, out, view)

            steps.append(post_card)
            overflow = card_overflow(lang, view)
            if overflow is not None:

                async def post_overflow() -> None:
                    await self.send_out(await self.thread_place(view.number), overflow)

                steps.append(post_overflow)
        else:

            async def edit_card() -> None:
                await self._edit_card(key, existing, out, view)

            async def post_change() -> None:
                sent = await self.send_out(
                    await self.thread_place(view.number), change_line(lang, card)
                )
                for message in sent:
                    await self._remember_thread_message(message, view.number)

            steps += [edit_card, post_change]

        async def topic_state() -> None:
            await self._topic_state(key, card)

        steps.append(topic_state)
        await self._steps(event, steps)

    async def _post_card(self, key: str, out: OutMessage, view: TicketView) -> None:
        chat_id = self._agents_chat()
        place = Place(chat_id)
        if await self.facts.is_forum():
            topic = await self.refs.get("topic", key)
            if topic is None:
                topic = await self._create_topic(key, view)
            if topic is not None:
                place = Place(chat_id, int(topic))
        sent = await self.send_out(place, out)
        card = sent[0]
        await self.refs.put("card", key, message_ref(card.chat.id, card.message_id))
        await self._remember_thread_message(card, int(key))

    async def _create_topic(self, key: str, view: TicketView) -> str | None:
        try:
            created = await self.bot.create_forum_topic(
                chat_id=self._agents_chat(), name=topic_name(view)
            )
        except TelegramBadRequest as error:
            # No "Manage topics" right, or topics were just switched off: fall back to a card.
            log.warning("cannot create a topic for ticket %s: %s", key, error.message)
            return None
        topic = str(created.message_thread_id)
        await self.refs.put("topic", key, topic)
        return topic

    async def _edit_card(self, key: str, stored: str, out: OutMessage, view: TicketView) -> None:
        where = parse_message_ref(stored)
        if where is None:
            return
        try:
            await self.bot.edit_message_text(
                chat_id=where[0],
                message_id=where[1],
                text=out.chunks[0],
                parse_mode=ParseMode.HTML,
                reply_markup=markup(out.keyboard),
            )
        except TelegramBadRequest as error:
            if not_modified(error):
                return
            if message_gone(error):
                # Someone deleted the card: post it again rather than lose the ticket.
                await self.refs.delete("card", key)
                await self._post_card(key, out, view)
                return
            raise

    async def _topic_state(self, key: str, card: TicketCard) -> None:
        topic = await self.refs.get("topic", key)
        if topic is None:
            return
        chat_id = self._agents_chat()
        try:
            if card.ticket.state in (TicketState.RESOLVED, TicketState.CANCELLED):
                if card.change in (CardChange.RESOLVED, CardChange.CANCELLED):
                    await self.bot.close_forum_topic(chat_id, int(topic))
            elif card.change is CardChange.REOPENED:
                await self.bot.reopen_forum_topic(chat_id, int(topic))
        except TelegramBadRequest as error:
            if not topic_not_modified(error):
                raise


def _stand_in(result: dict[str, Any], chat_id: int) -> Message:
    """A sent message known only by the id in Telegram's unparsable answer."""
    message_id = result.get("message_id")
    return Message.model_construct(
        message_id=message_id if isinstance(message_id, int) else 0,
        date=datetime.now(UTC),
        chat=Chat.model_construct(id=chat_id, type="private"),
    )


def _reply(place: Place) -> ReplyParameters | None:
    if place.reply_to is None:
        return None
    return ReplyParameters(message_id=place.reply_to, allow_sending_without_reply=True)
