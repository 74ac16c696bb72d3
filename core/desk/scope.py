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


def thread_events(
    ticket: Ticket,
    lang: str,
    payload: Payload,
    service: ServiceDesk,
    *,
    besides: str | None = None,
) -> list[Event]:
    """Events for the agents' conversation about `ticket`: one in each of its team's places
    (ServiceDesk.ticket_places), but none on the platform `besides` (where it was said)."""
    return [
        Event(
            target=TicketThreadTarget(platform=platform, ticket_number=ticket.number, place=place),
            lang=lang,
            payload=payload,
        )
        for platform, place in service.ticket_places(ticket.team, ticket.platform)
        if platform != besides
    ]


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
        """To the ticket's card and thread in every place of its team."""
        self.events += thread_events(ticket, self.agents_lang, payload, self.service)

    def to_other_places(self, ticket: Ticket, payload: Payload) -> None:
        """To the ticket's threads on the platforms other than the actor's: an agent's
        message there is seen by the agents of the other platform too, and one written in
        the web console by the agents of every place."""
        self.events += thread_events(
            ticket, self.agents_lang, payload, self.service, besides=self.actor.platform
        )

    def relay(
        self,
        ticket: Ticket,
        message_id: int,
        role: Literal["requester", "agent"],
        text: str,
        attachments: tuple[str, ...],
        *,
        mirrored: bool = False,
        internal: bool = False,
    ) -> Relay:
        """The actor's message `message_id` on `ticket`, as the other side receives it;
        `mirrored`: as the agents of another platform's place see it (an agent's reply,
        or with `internal` a note), marked with the platform it was written on."""
        return Relay(
            ticket_number=ticket.number,
            message_id=message_id,
            author_name=self.actor.display_name,
            author_role=role,
            text=text,
            attachments=attachments,
            source_platform=self.actor.platform,
            mirrored_from=self.actor.platform if mirrored else None,
            internal=internal,
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
