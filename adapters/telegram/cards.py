"""A ticket's card in the agents' group: posted (in a topic of its own where the group
has topics), edited in place, posted again where it was lost; its topic closed and
opened with the ticket."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest

from adapters.telegram.errors import message_gone, not_modified, topic_not_modified
from adapters.telegram.places import Place, message_ref, parse_message_ref
from adapters.telegram.posting import Posting, Step, markup, topic_value
from adapters.telegram.render import (
    OutMessage,
    card_overflow,
    change_line,
    render_card,
    topic_name,
)
from core.delivery import PermanentFailure
from core.domain import TicketState
from core.events import CardChange, Event, TicketCard, TicketThreadTarget, TicketView

log = logging.getLogger(__name__)

TicketViews = Callable[[int], Awaitable[TicketView | None]]
"""A ticket as its card shows it now, for re-posting a card that was lost."""
CLOSED_STATES = (TicketState.RESOLVED, TicketState.CANCELLED)


class Cards:
    def __init__(self, post: Posting, views: TicketViews | None) -> None:
        self.post = post
        self.bot = post.bot
        self.refs = post.refs
        self.views = views

    async def left_behind(self, target: TicketThreadTarget) -> bool:
        """The ticket's card is in a group that has since become the supergroup the
        ticket's thread now goes to: the card must be posted there first."""
        card = await self.refs.get("card", str(target.ticket_number))
        where = parse_message_ref(card) if card else None
        if where is None:
            return False
        chat = self.post.chat_at(target.place)
        return where[0] != chat and self.post.facts.current(where[0]) == chat

    async def reopen_topic(self, number: int) -> None:
        topic = await self.refs.get("topic", str(number))
        if topic is None:
            raise PermanentFailure("telegram: the ticket's topic is closed")
        try:
            await self.bot.reopen_forum_topic(self.post.agents_chat(), int(topic))
        except TelegramBadRequest as error:
            if not topic_not_modified(error):
                raise

    async def close_topic_of_closed_ticket(self, number: int) -> None:
        topic = await self.refs.get("topic", str(number))
        view = await self.views(number) if self.views is not None else None
        if topic is None or view is None or view.state not in CLOSED_STATES:
            return
        try:
            await self.bot.close_forum_topic(self.post.agents_chat(), int(topic))
        except TelegramBadRequest as error:
            if not topic_not_modified(error):
                raise

    async def repost(self, number: int, lang: str) -> bool:
        """Post the ticket's card again (in a new topic when the group has topics);
        False when the ticket cannot be found."""
        view = await self.views(number) if self.views is not None else None
        if view is None:
            return False
        key = str(number)
        log.warning("telegram: the thread of ticket %s is gone; posting its card again", key)
        await self.refs.delete("topic", key)
        await self.refs.delete("card", key)
        await self.post_card(
            key, render_card(lang, TicketCard(ticket=view, change=CardChange.REPOSTED)), view
        )
        return True

    async def deliver(self, event: Event, card: TicketCard, chat_id: int) -> None:
        lang, view = event.lang, card.ticket
        key = str(view.number)
        out = render_card(lang, card)
        steps: list[Step] = []
        existing = await self.refs.get("card", key)
        where = parse_message_ref(existing) if existing else None
        if where is None or where[0] != chat_id:  # none yet, or in another team's group

            async def post_card() -> None:
                await self.post_card(key, out, view, chat_id)

            steps.append(post_card)
            overflow = card_overflow(lang, view)
            if overflow is not None:

                async def post_overflow() -> None:
                    await self.post.send_out(
                        await self.post.thread_place(view.number, chat_id), overflow
                    )

                steps.append(post_overflow)
        else:
            stored = existing or ""

            async def edit_card() -> None:
                await self._edit_card(key, stored, out, view)

            async def post_change() -> None:
                sent = await self.post.send_out(
                    await self.post.thread_place(view.number, chat_id), change_line(lang, card)
                )
                for message in sent:
                    await self.post.remember_thread_message(message, view.number)

            steps += [edit_card, post_change]

        async def topic_state() -> None:
            await self._topic_state(key, card, chat_id)

        steps.append(topic_state)
        await self.post.steps(event, steps)

    async def post_card(
        self, key: str, out: OutMessage, view: TicketView, chat_id: int | None = None
    ) -> None:
        chat_id = chat_id if chat_id is not None else self.post.agents_chat()
        place = Place(chat_id)
        if await self.post.facts.is_forum(chat_id):
            topic = await self.post.topic(int(key), chat_id)
            if topic is None:
                topic = await self._create_topic(key, view, chat_id)
            if topic is not None:
                place = Place(chat_id, topic)
        sent = await self.post.send_out(place, out)
        card = sent[0]
        await self.refs.put("card", key, message_ref(card.chat.id, card.message_id))
        await self.post.remember_thread_message(card, int(key))

    async def _create_topic(self, key: str, view: TicketView, chat_id: int) -> int | None:
        try:
            created = await self.bot.create_forum_topic(chat_id=chat_id, name=topic_name(view))
        except TelegramBadRequest as error:
            # No "Manage topics" right, or topics were just switched off: fall back to a card.
            log.warning("cannot create a topic for ticket %s: %s", key, error.message)
            return None
        topic = created.message_thread_id
        await self.refs.put("topic", key, topic_value(chat_id, topic, self.post.agents_chat_id))
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
                await self.post_card(key, out, view, where[0])
                return
            raise

    async def _topic_state(self, key: str, card: TicketCard, chat_id: int) -> None:
        topic = await self.post.topic(int(key), chat_id)
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
