"""Delivery-failure feedback: a requester the platform cannot reach is flagged on their cards,
and a message the agents' thread refused is noted in that thread."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.desk.scope import thread_events
from core.domain import ACTIVE_STATES, PersonRef
from core.events import (
    CardChange,
    Event,
    Notice,
    PersonTarget,
    Relay,
    TicketCard,
    TicketThreadTarget,
    TicketView,
)
from core.service.config import ServiceDesk
from core.storage.repository import Repository

_REASON_CHARS = 500
_NOTE_REASON_CHARS = 200


async def delivery_failure_cards(
    repo: Repository,
    target: PersonTarget,
    reason: str,
    now: datetime,
    agents_lang: str,
    service: ServiceDesk,
) -> list[Event]:
    """Record `reason` on the person's open tickets; their cards show it."""
    person = await repo.person_by_ref(PersonRef(target.platform, target.user_id))
    if person is None:
        return []
    problem = reason[:_REASON_CHARS]
    events: list[Event] = []
    for ticket in await repo.list_tickets(requester_id=person.id, states=ACTIVE_STATES):
        await repo.update_ticket(ticket.number, now, delivery_problem=problem)
        await repo.audit("delivery_failed", now, ticket_number=ticket.number, reason=reason)
        card = TicketCard(
            ticket=TicketView.of(replace(ticket, delivery_problem=problem)),
            change=CardChange.DELIVERY_FAILED,
        )
        events += thread_events(ticket, agents_lang, card, service)
    return events


async def relay_failure_note(
    repo: Repository,
    target: TicketThreadTarget,
    relay: Relay,
    reason: str,
    now: datetime,
    lang: str,
) -> list[Event]:
    """A relayed message the agents' thread refused for good (too long, blocks refused...):
    a short note in the same thread says whose message is missing there and why; the
    message itself stays on the ticket."""
    await repo.audit("delivery_failed", now, ticket_number=relay.ticket_number, reason=reason)
    note = Notice(
        key="relay.not_delivered",
        params={
            "name": relay.author_name,
            "number": relay.ticket_number,
            "reason": reason[:_NOTE_REASON_CHARS],
        },
        error=True,
    )
    return [Event(target=target, lang=lang, payload=note)]
