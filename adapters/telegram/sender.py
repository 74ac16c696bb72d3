"""Delivers core events through the Bot API; the outbox dispatcher calls `send`.

Errors become the dispatcher's vocabulary through errors.py's one list.
An event that needs several API calls records how far it got, so a retry
after a 429 in the middle does not send the first part twice. A message
Telegram accepted but whose answer aiogram could not parse counts as sent.

The deliveries are split by subject: posting.py (messages, files, resumable steps),
cards.py (a ticket's card and topic), relays.py (relayed messages, their edits and
withdrawals); this class routes each event and follows a group that moved.
"""

from __future__ import annotations

import html
import logging

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramMigrateToChat,
)
from aiogram.types import Message, ReactionTypeEmoji

from adapters.common.triage import PendingTriage
from adapters.telegram import PLATFORM, migration
from adapters.telegram.cards import Cards, TicketViews
from adapters.telegram.errors import accepted_result, thread_gone, topic_closed, verdict
from adapters.telegram.facts import ChatFacts
from adapters.telegram.places import Place
from adapters.telegram.posting import Posting, sent_again
from adapters.telegram.reactions import NOTE_EMOJI
from adapters.telegram.relays import Relays
from adapters.telegram.render import render_payload
from adapters.telegram.uploads import FileSends
from core.events import (
    AgentsTarget,
    Event,
    Notice,
    PersonTarget,
    Relay,
    RelayEdited,
    RelayRetracted,
    TicketCard,
    TicketThreadTarget,
    TriageStep,
    ticket_number_of,
)
from core.files import FileSources, ForeignFiles
from core.i18n import t
from core.storage.refs import RefStore

log = logging.getLogger(__name__)


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
        self.post = Posting(bot, refs, facts, self.files)
        self.cards = Cards(self.post, views)
        self.relays = Relays(self.post)

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
        with sent_again(html.escape(t(event.lang, "delivery.sent_again"))):
            await self.send(event)

    async def _deliver(self, event: Event) -> None:
        if isinstance(event.target, PersonTarget):
            await self._to_person(event, event.target)
        elif isinstance(event.target, AgentsTarget):
            place = Place(self.post.chat_at(event.target.place))
            await self.post.steps(
                event, self.post.chunk_steps(place, render_payload(event.lang, event.payload), [])
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
            await self.relays.edited(place, event.lang, payload)
            return
        if isinstance(payload, RelayRetracted):
            await self.relays.retract(event.lang, payload)
            return
        # Every message about a ticket is a place to reply to: a reply goes to that ticket.
        ticket = ticket_number_of(payload)
        if isinstance(payload, Relay):
            await self.post.steps(
                event, self.relays.steps(place, event.lang, payload, ticket, to_agents=False)
            )
            return
        out = render_payload(event.lang, payload)
        await self.post.steps(event, self.post.chunk_steps(place, out, [], ticket))
        if isinstance(payload, TriageStep):
            # The menu's buttons carry only the step and the pick: the answers so far wait here.
            await self.refs.put("triage", target.user_id, PendingTriage.of(payload).encode())

    async def _to_thread_kept(self, event: Event, target: TicketThreadTarget) -> None:
        """A thread event; a thread that was lost (its topic deleted, its group moved) is
        made again with the card in it, a closed topic is opened to be written into.
        Either way, the topic of a ticket that is still closed is closed again after."""
        number = target.ticket_number
        if not isinstance(event.payload, TicketCard) and await self.cards.left_behind(target):
            await self.cards.repost(number, event.lang)
        try:
            await self._to_thread(event, target)
            return
        except TelegramMigrateToChat as error:
            if not await self._follow(error) or not await self.cards.repost(number, event.lang):
                raise
        except TelegramBadRequest as error:
            if thread_gone(error):
                if not await self.cards.repost(number, event.lang):
                    raise
            elif topic_closed(error):
                await self.cards.reopen_topic(number)
            else:
                raise
        await self._to_thread(event, target)
        await self.cards.close_topic_of_closed_ticket(number)

    async def _to_thread(self, event: Event, target: TicketThreadTarget) -> None:
        payload = event.payload
        number = target.ticket_number
        chat_id = self.post.chat_at(target.place)
        if isinstance(payload, TicketCard):
            await self.cards.deliver(event, payload, chat_id)
            return
        place = await self.post.thread_place(number, chat_id)
        if isinstance(payload, RelayEdited):
            await self.relays.edited(place, event.lang, payload)
            return
        if isinstance(payload, Relay):
            await self.post.steps(
                event, self.relays.steps(place, event.lang, payload, number, to_agents=True)
            )
            return
        sent: list[Message] = []
        steps = self.post.chunk_steps(place, render_payload(event.lang, payload), sent)
        await self.post.steps(event, steps)
        for message in sent:
            await self.post.remember_thread_message(message, number)
