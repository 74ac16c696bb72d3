"""The unit of work of one command: who acts, on which transaction, and what it produced.

A `CommandScope` lives for one command inside a transaction its caller owns
(the desk for the console, the inbox for a batch). Rules read and change the
database through `repo` and add the messages they send to `events`; the caller
writes those events to the outbox in the same transaction, so a rolled-back
command sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from core import commands as c
from core.desk.clocks import sla_view
from core.desk.ports import FaqPort
from core.domain import Person, Ticket
from core.events import (
    CardChange,
    Event,
    FaqChoice,
    Payload,
    PersonTarget,
    Relay,
    TicketCard,
    TicketThreadTarget,
    TicketView,
)
from core.service.config import ServiceDesk, default_service
from core.storage.repository import Repository

FAQ_CHOICES = 3  # entries offered on a ticket's card to resolve it with


def thread_event(ticket: Ticket, lang: str, payload: Payload, service: ServiceDesk) -> Event:
    """An event for the agents' conversation about `ticket`, in its team's place."""
    place = team_place(service, ticket.team, ticket.platform)
    return Event(
        target=TicketThreadTarget(
            platform=ticket.platform, ticket_number=ticket.number, place=place
        ),
        lang=lang,
        payload=payload,
    )


def team_place(service: ServiceDesk, team: str | None, platform: str) -> str | None:
    """The agents' place of `team` on `platform` (None: the platform's own default)."""
    return service.team(team).places.get(platform)


class CommandScope:
    """One command's actor, the transaction's repository, the FAQ, the time, the events."""

    def __init__(
        self,
        repo: Repository,
        cmd: c.Command,
        actor: Person,
        *,
        faq: FaqPort,
        now: datetime,
        agents_lang: str,
        service: ServiceDesk | None = None,
    ) -> None:
        self.repo = repo
        self.cmd = cmd
        self.actor = actor
        self.faq = faq
        self.now = now
        self.agents_lang = agents_lang
        self.service = service or default_service()
        self.events: list[Event] = []

    def to_actor(self, payload: Payload, lang: str | None = None) -> None:
        """Answer the actor where the command came from (its reply context)."""
        self.events.append(
            Event(
                target=PersonTarget(
                    platform=self.actor.platform,
                    user_id=self.actor.user_id,
                    display_name=self.actor.display_name,
                    context=self.cmd.reply_context,
                ),
                lang=lang or self.actor.lang,
                payload=payload,
            )
        )

    def to_person(self, person: Person, payload: Payload) -> None:
        if person.id == self.actor.id:
            self.to_actor(payload)
            return
        self.events.append(
            Event(
                target=PersonTarget(
                    platform=person.platform,
                    user_id=person.user_id,
                    display_name=person.display_name,
                ),
                lang=person.lang,
                payload=payload,
            )
        )

    def to_thread(self, ticket: Ticket, payload: Payload) -> None:
        self.events.append(thread_event(ticket, self.agents_lang, payload, self.service))

    def relay(
        self,
        ticket: Ticket,
        message_id: int,
        role: Literal["requester", "agent"],
        text: str,
        attachments: tuple[str, ...],
    ) -> Relay:
        """The actor's message `message_id` on `ticket`, as the other side receives it."""
        return Relay(
            ticket_number=ticket.number,
            message_id=message_id,
            author_name=self.actor.display_name,
            author_role=role,
            text=text,
            attachments=attachments,
            source_platform=self.actor.platform,
        )

    def view(self, ticket: Ticket) -> TicketView:
        """`ticket` as events show it, with its SLA clocks read now."""
        return TicketView.of(ticket, sla_view(self.service, ticket, self.now))

    async def card(self, ticket: Ticket, change: CardChange) -> None:
        """Show `ticket` as it is now on its card, saying what changed and who did it;
        while it is active, with the FAQ entries an agent may resolve it with."""
        self.to_thread(
            ticket,
            TicketCard(
                ticket=self.view(ticket),
                change=change,
                actor_name=self.actor.display_name,
                faq_choices=await self._faq_choices(ticket) if ticket.state.is_active else (),
            ),
        )

    async def _faq_choices(self, ticket: Ticket) -> tuple[FaqChoice, ...]:
        found = await self.faq.search_async(ticket.text, None)
        choices: list[FaqChoice] = []
        for match in found.results[:FAQ_CHOICES]:
            entry = self.faq.entry(match.entry_id, self.agents_lang)
            choices.append(
                FaqChoice(entry_id=match.entry_id, title=entry.title if entry else match.title)
            )
        return tuple(choices)
