"""Delivers core events through the Bot API; the outbox dispatcher calls `send`.

Errors become the dispatcher's vocabulary through errors.py's one list.
An event that needs several API calls records how far it got, so a retry
after a 429 in the middle does not send the first part twice. A message
Telegram accepted but whose answer aiogram could not parse counts as sent.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramMigrateToChat,
)
from aiogram.types import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReactionTypeEmoji,
)

from adapters.common.file_notes import not_passed_note
from adapters.common.triage import PendingTriage
from adapters.telegram import PLATFORM, migration
from adapters.telegram.errors import (
    accepted_result,
    file_refused,
    message_gone,
    not_modified,
    thread_gone,
    topic_closed,
    topic_not_modified,
    verdict,
)
from adapters.telegram.facts import ChatFacts
from adapters.telegram.markup import CAPTION_LIMIT, MESSAGE_LIMIT, Rich
from adapters.telegram.places import (
    Place,
    copy_kind,
    message_ref,
    more_kind,
    parse_message_ref,
    reply_parameters,
)
from adapters.telegram.reactions import NOTE_EMOJI
from adapters.telegram.render import (
    Keyboard,
    OutMessage,
    card_overflow,
    change_line,
    plain,
    relay_caption,
    relay_edited_rich,
    render_card,
    render_payload,
    topic_name,
)
from adapters.telegram.uploads import FileSends
from core.delivery import PermanentFailure
from core.domain import TicketState
from core.events import (
    AgentsTarget,
    CardChange,
    Event,
    Notice,
    PersonTarget,
    Relay,
    RelayEdited,
    RelayRetracted,
    TicketCard,
    TicketThreadTarget,
    TicketView,
    TriageStep,
    event_to_json,
    ticket_number_of,
)
from core.files import FileSources, FileUnavailable, ForeignFiles
from core.i18n import t
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

# The line a message sent again carries (see send_again); set only for that one task.
_AGAIN_TAG: ContextVar[str | None] = ContextVar("telegram_again_tag", default=None)

Step = Callable[[], Awaitable[None]]
TicketViews = Callable[[int], Awaitable[TicketView | None]]
"""A ticket as its card shows it now, for re-posting a card that was lost."""
CLOSED_STATES = (TicketState.RESOLVED, TicketState.CANCELLED)
UNCAPTIONED = ("video_note",)  # https://core.telegram.org/bots/api#sendvideonote has no caption
# "relay id:n" -> the n-th further copy of a relay sent as several messages ("chat:msg:t|c")


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
    def __init__(
        self,
        bot: Bot,
        refs: RefStore,
        facts: ChatFacts,
        views: TicketViews | None = None,
        foreign_files: FileSources | None = None,
    ) -> None:
        self.bot = bot
        self.refs = refs
        self.facts = facts
        self.views = views
        # Files shared on the other platforms, read there (the composition root fills it).
        foreign = foreign_files if foreign_files is not None else {}
        self.files = FileSends(bot, ForeignFiles(foreign, PLATFORM))

    @property
    def agents_chat_id(self) -> int | None:
        return self.facts.agents_chat_id

    async def send(self, event: Event) -> None:
        try:
            try:
                await self._deliver(event)
            except TelegramMigrateToChat as error:
                moved = self._moved(event, error) if await self._follow(error) else None
                if moved is None:
                    raise
                await self._deliver(moved)
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

    async def send_again(self, event: Event) -> None:
        """Send `event` once more after an answer was lost: Telegram cannot be asked whether
        the first copy arrived, so this copy says that it may be a second one."""
        token = _AGAIN_TAG.set(html.escape(t(event.lang, "delivery.sent_again")))
        try:
            await self.send(event)
        finally:
            _AGAIN_TAG.reset(token)

    async def _deliver(self, event: Event) -> None:
        if isinstance(event.target, PersonTarget):
            await self._to_person(event, event.target)
        elif isinstance(event.target, AgentsTarget):
            place = Place(self._chat_at(event.target.place))
            await self._steps(
                event, self._chunk_steps(place, render_payload(event.lang, event.payload), [])
            )
        else:
            await self._to_thread_kept(event, event.target)

    def _moved(self, event: Event, error: TelegramMigrateToChat) -> Event | None:
        """`event` sent to where the agents' group moved; None if it was not sent there."""
        target = event.target
        if not isinstance(target, PersonTarget):
            return None  # a thread that could not be made again in the new group
        place = Place.decode(target.context)
        if place is None or place.chat_id >= 0:
            return None
        # A person answered where they wrote in the old group: answer in the new one.
        moved = Place(error.migrate_to_chat_id, place.thread_id)
        return event.model_copy(
            update={"target": target.model_copy(update={"context": moved.encode()})}
        )

    async def _follow(self, error: TelegramMigrateToChat) -> bool:
        """Move to the supergroup if the call went to the agents' group (or already did)."""
        old = getattr(error.method, "chat_id", None)
        new = error.migrate_to_chat_id
        if isinstance(old, int) and await migration.follow(self.facts, self.refs, old, new):
            return True
        return self.facts.agents_chat_id == new

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

    async def _send_file(
        self, place: Place, attachment: str, caption: str | None, source: str | None = None
    ) -> Message:
        if tag := _AGAIN_TAG.get():
            caption = _tagged(caption or "", tag, CAPTION_LIMIT)
        sent = self.files.send(place, attachment, caption, source)
        return await self._message(sent, place.chat_id)

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
        if isinstance(payload, RelayRetracted):
            await self._retract(event.lang, payload)
            return
        # Every message about a ticket is a place to reply to: a reply goes to that ticket.
        ticket = ticket_number_of(payload)
        if isinstance(payload, Relay):
            await self._steps(
                event, self._relay_steps(place, event.lang, payload, ticket, to_agents=False)
            )
            return
        out = render_payload(event.lang, payload)
        await self._steps(event, self._chunk_steps(place, out, [], ticket))
        if isinstance(payload, TriageStep):
            # The menu's buttons carry only the step and the pick: the answers so far wait here.
            await self.refs.put("triage", target.user_id, PendingTriage.of(payload).encode())

    def _relay_steps(
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
            steps += self._chunk_steps(place, render_payload(lang, relay), copies)
        for index, attachment in enumerate(files):
            first_caption = caption if index == 0 else None

            async def send_file(
                attachment: str = attachment, cap: str | None = first_caption
            ) -> None:
                try:
                    copies.append(
                        await self._send_file(place, attachment, cap, relay.source_platform)
                    )
                except FileUnavailable as problem:
                    log.warning("telegram: a file was not passed on: %s", problem)
                    missing.append(str(problem))
                    lines = (cap,) if cap is not None else ()
                    note = plain(not_passed_note(lang, problem))
                    copies.extend(await self.send_out(place, OutMessage(lines + note.chunks)))
                except TelegramBadRequest as error:
                    if not file_refused(error):
                        raise
                    log.warning("telegram refused to pass on a file: %s", error.message)
                    refused.append(attachment.partition(":")[0])
                    if cap is not None:
                        copies.extend(await self.send_out(place, OutMessage((cap,))))

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
                        await self._remember_thread_message(copy, ticket)
            if missing and (not to_agents or ticket is None):
                raise PermanentFailure("telegram could not pass on a file: " + "; ".join(missing))
            if not refused:
                return
            kinds = ", ".join(refused)
            if not to_agents or ticket is None:
                # The card shows a delivery problem to the requester.
                raise PermanentFailure(f"telegram could not pass on a file ({kinds})")
            note = plain("⚠️ " + t(lang, "telegram.file_not_passed_on", kinds=kinds))
            for message in await self.send_out(place, note):
                await self._remember_thread_message(message, ticket)

        steps.append(remember)
        return steps

    async def _relay_edited(self, place: Place, lang: str, edited: RelayEdited) -> None:
        stored = await self.refs.get(copy_kind(edited.mirrored_from), str(edited.message_id))
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

    async def _retract(self, lang: str, retracted: RelayRetracted) -> None:
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

    def _agents_chat(self) -> int:
        if self.agents_chat_id is None:
            raise PermanentFailure("TELEGRAM_AGENTS_CHAT_ID is not set")
        return self.agents_chat_id

    def _chat_of(self, target: TicketThreadTarget) -> int:
        """The ticket's team's agents' group (the default group when the team has none)."""
        return self._chat_at(target.place)

    def _chat_at(self, place: str | None) -> int:
        """A team's agents' group as it is now (followed if it became a supergroup); the
        default group when the team has none."""
        if place and place.lstrip("-").isdigit():
            return self.facts.current(int(place))
        return self._agents_chat()

    async def _topic(self, number: int, chat_id: int) -> int | None:
        """The ticket's topic in `chat_id`, if it has one there."""
        found = topic_in(await self.refs.get("topic", str(number)), self.agents_chat_id)
        return found[1] if found is not None and found[0] == chat_id else None

    async def thread_place(self, number: int, chat_id: int | None = None) -> Place:
        """The ticket's topic, or a reply to its card; the group itself before either exists."""
        chat_id = chat_id if chat_id is not None else self._agents_chat()
        topic = await self._topic(number, chat_id)
        if topic is not None:
            return Place(chat_id, topic)
        card = await self.refs.get("card", str(number))
        where = parse_message_ref(card) if card else None
        if where is not None and where[0] == chat_id:
            return Place(where[0], None, where[1])
        return Place(chat_id)

    async def _remember_thread_message(self, message: Message, ticket: int) -> None:
        """So that replies and reactions to this message find their ticket."""
        await self.refs.put("thread", message_ref(message.chat.id, message.message_id), str(ticket))

    async def _to_thread_kept(self, event: Event, target: TicketThreadTarget) -> None:
        """A thread event; a thread that was lost (its topic deleted, its group moved) is
        made again with the card in it, a closed topic is opened to be written into.
        Either way, the topic of a ticket that is still closed is closed again after."""
        number = target.ticket_number
        if not isinstance(event.payload, TicketCard) and await self._card_left_behind(target):
            await self._repost_card(number, event.lang)
        try:
            await self._to_thread(event, target)
            return
        except TelegramMigrateToChat as error:
            if not await self._follow(error) or not await self._repost_card(number, event.lang):
                raise
        except TelegramBadRequest as error:
            if thread_gone(error):
                if not await self._repost_card(number, event.lang):
                    raise
            elif topic_closed(error):
                await self._reopen_topic(number)
            else:
                raise
        await self._to_thread(event, target)
        await self._close_topic_of_closed_ticket(number)

    async def _card_left_behind(self, target: TicketThreadTarget) -> bool:
        """The ticket's card is in a group that has since become the supergroup the
        ticket's thread now goes to: the card must be posted there first."""
        card = await self.refs.get("card", str(target.ticket_number))
        where = parse_message_ref(card) if card else None
        if where is None:
            return False
        chat = self._chat_of(target)
        return where[0] != chat and self.facts.current(where[0]) == chat

    async def _reopen_topic(self, number: int) -> None:
        topic = await self.refs.get("topic", str(number))
        if topic is None:
            raise PermanentFailure("telegram: the ticket's topic is closed")
        try:
            await self.bot.reopen_forum_topic(self._agents_chat(), int(topic))
        except TelegramBadRequest as error:
            if not topic_not_modified(error):
                raise

    async def _close_topic_of_closed_ticket(self, number: int) -> None:
        topic = await self.refs.get("topic", str(number))
        view = await self.views(number) if self.views is not None else None
        if topic is None or view is None or view.state not in CLOSED_STATES:
            return
        try:
            await self.bot.close_forum_topic(self._agents_chat(), int(topic))
        except TelegramBadRequest as error:
            if not topic_not_modified(error):
                raise

    async def _repost_card(self, number: int, lang: str) -> bool:
        """Post the ticket's card again (in a new topic when the group has topics);
        False when the ticket cannot be found."""
        view = await self.views(number) if self.views is not None else None
        if view is None:
            return False
        key = str(number)
        log.warning("telegram: the thread of ticket %s is gone; posting its card again", key)
        await self.refs.delete("topic", key)
        await self.refs.delete("card", key)
        await self._post_card(
            key, render_card(lang, TicketCard(ticket=view, change=CardChange.REPOSTED)), view
        )
        return True

    async def _to_thread(self, event: Event, target: TicketThreadTarget) -> None:
        payload = event.payload
        number = target.ticket_number
        chat_id = self._chat_of(target)
        if isinstance(payload, TicketCard):
            await self._card(event, payload, chat_id)
            return
        place = await self.thread_place(number, chat_id)
        if isinstance(payload, RelayEdited):
            await self._relay_edited(place, event.lang, payload)
            return
        if isinstance(payload, Relay):
            await self._steps(
                event, self._relay_steps(place, event.lang, payload, number, to_agents=True)
            )
            return
        sent: list[Message] = []
        steps = self._chunk_steps(place, render_payload(event.lang, payload), sent)
        await self._steps(event, steps)
        for message in sent:
            await self._remember_thread_message(message, number)

    async def _card(self, event: Event, card: TicketCard, chat_id: int) -> None:
        lang, view = event.lang, card.ticket
        key = str(view.number)
        out = render_card(lang, card)
        steps: list[Step] = []
        existing = await self.refs.get("card", key)
        where = parse_message_ref(existing) if existing else None
        if where is None or where[0] != chat_id:  # none yet, or in another team's group

            async def post_card() -> None:
                await self._post_card(key, out, view, chat_id)

            steps.append(post_card)
            overflow = card_overflow(lang, view)
            if overflow is not None:

                async def post_overflow() -> None:
                    await self.send_out(await self.thread_place(view.number, chat_id), overflow)

                steps.append(post_overflow)
        else:
            stored = existing or ""

            async def edit_card() -> None:
                await self._edit_card(key, stored, out, view)

            async def post_change() -> None:
                sent = await self.send_out(
                    await self.thread_place(view.number, chat_id), change_line(lang, card)
                )
                for message in sent:
                    await self._remember_thread_message(message, view.number)

            steps += [edit_card, post_change]

        async def topic_state() -> None:
            await self._topic_state(key, card, chat_id)

        steps.append(topic_state)
        await self._steps(event, steps)

    async def _post_card(
        self, key: str, out: OutMessage, view: TicketView, chat_id: int | None = None
    ) -> None:
        chat_id = chat_id if chat_id is not None else self._agents_chat()
        place = Place(chat_id)
        if await self.facts.is_forum(chat_id):
            topic = await self._topic(int(key), chat_id)
            if topic is None:
                topic = await self._create_topic(key, view, chat_id)
            if topic is not None:
                place = Place(chat_id, topic)
        sent = await self.send_out(place, out)
        card = sent[0]
        await self.refs.put("card", key, message_ref(card.chat.id, card.message_id))
        await self._remember_thread_message(card, int(key))

    async def _create_topic(self, key: str, view: TicketView, chat_id: int) -> int | None:
        try:
            created = await self.bot.create_forum_topic(chat_id=chat_id, name=topic_name(view))
        except TelegramBadRequest as error:
            # No "Manage topics" right, or topics were just switched off: fall back to a card.
            log.warning("cannot create a topic for ticket %s: %s", key, error.message)
            return None
        topic = created.message_thread_id
        await self.refs.put("topic", key, topic_value(chat_id, topic, self.agents_chat_id))
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
                await self._post_card(key, out, view, where[0])
                return
            raise

    async def _topic_state(self, key: str, card: TicketCard, chat_id: int) -> None:
        topic = await self._topic(int(key), chat_id)
        if topic is None:
            return
        try:
            if card.ticket.state in (TicketState.RESOLVED, TicketState.CANCELLED):
                if card.change in (CardChange.RESOLVED, CardChange.CANCELLED):
                    await self.bot.close_forum_topic(chat_id, int(topic))
            elif card.change is CardChange.REOPENED:
                await self.bot.reopen_forum_topic(chat_id, int(topic))
        except TelegramBadRequest as error:
            if not topic_not_modified(error):
                raise


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
