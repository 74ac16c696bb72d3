"""Tickets as events show them: their view, their card, and what the requester is told."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Literal

from pydantic import field_validator

from core.domain import Level, Priority, Ticket, TicketKind, TicketState
from core.events.frozen import Frozen


class RequesterHistory(Frozen):
    """The card's line about the requester: the how-manieth ticket of theirs this month
    (on any platform they linked), and their ticket before this one."""

    nth_this_month: int
    last_number: int | None = None
    last_subject: str = ""
    last_state: TicketState | None = None


class BreachView(Frozen):
    target: str  # first_response | resolution
    at: datetime


class SlaView(Frozen):
    """A ticket's SLA clocks as of `as_of`, for cards and `/status` (core.service.clocks)."""

    policy: str
    as_of: datetime
    timezone: str  # the policy calendar's: due times are shown in it
    paused: bool = False
    stopped: bool = False
    next_target: str | None = None  # the pending target due soonest
    next_due: datetime | None = None
    remaining_seconds: int | None = None  # business time left of it (negative: overdue)
    breached: tuple[BreachView, ...] = ()


class TicketView(Frozen):
    number: int
    platform: str
    requester_user_id: str
    requester_name: str
    assignee_user_id: str | None
    assignee_name: str | None
    subject: str
    assignee_platform: str | None = None
    text: str
    category: str
    priority: Priority
    state: TicketState
    created_at: datetime
    rating: int | None = None
    source_link: str | None = None
    delivery_problem: str | None = None
    history: RequesterHistory | None = None  # filled in by the desk for cards
    kind: TicketKind | None = None
    impact: Level | None = None
    urgency: Level | None = None
    team: str | None = None
    sla: SlaView | None = None

    @classmethod
    def of(cls, ticket: Ticket, sla: SlaView | None = None) -> TicketView:
        return cls(
            number=ticket.number,
            platform=ticket.platform,
            requester_user_id=ticket.requester.user_id,
            requester_name=ticket.requester.display_name,
            assignee_user_id=ticket.assignee.user_id if ticket.assignee else None,
            assignee_name=ticket.assignee.display_name if ticket.assignee else None,
            assignee_platform=ticket.assignee.platform if ticket.assignee else None,
            subject=ticket.subject,
            text=ticket.text,
            category=ticket.category,
            priority=ticket.priority,
            state=ticket.state,
            created_at=ticket.created_at,
            rating=ticket.rating,
            source_link=ticket.source_link,
            delivery_problem=ticket.delivery_problem,
            kind=ticket.kind,
            impact=ticket.impact,
            urgency=ticket.urgency,
            team=ticket.team,
            sla=sla,
        )


class TicketOpened(Frozen):
    """Told to the requester: their ticket exists and has a number."""

    kind: Literal["ticket_opened"] = "ticket_opened"
    ticket: TicketView


class CardChange(enum.StrEnum):
    """What just happened to a ticket, said on its card (core.presenter picks the words)."""

    OPENED = "opened"
    CLAIMED = "claimed"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CANCELLED = "cancelled"
    RATED = "rated"
    PRIORITY = "priority"
    CLASSIFIED = "classified"  # kind, impact, urgency or team changed
    WAITING = "waiting"  # waiting for the requester
    RESUMED = "resumed"  # the requester answered
    SLA = "sla"  # a target is near or breached
    MOVED = "moved"  # the ticket went to another team (said on the old card)
    TRIAGED = "triaged"  # the requester answered a question about it after it opened
    DELIVERY_FAILED = "delivery_failed"
    REPOSTED = "reposted"  # an adapter posted the card again where the old one was lost


# Cards written to the outbox before CardChange existed stored its catalog key.
_STORED_CATALOG_PREFIX = "card.change."


class FaqChoice(Frozen):
    """An FAQ entry an agent may resolve a ticket with (`/resolve N faq:<entry_id>`)."""

    entry_id: str
    title: str


class TicketCard(Frozen):
    """The agents' card for a ticket: posted once, then updated in place."""

    kind: Literal["ticket_card"] = "ticket_card"
    ticket: TicketView
    change: CardChange
    actor_name: str | None = None
    # While the ticket is active: the entries that best match its question, best first.
    faq_choices: tuple[FaqChoice, ...] = ()

    @field_validator("change", mode="before")
    @classmethod
    def _from_catalog_key(cls, value: object) -> object:
        if isinstance(value, str):
            return value.removeprefix(_STORED_CATALOG_PREFIX)
        return value


class TicketResolved(Frozen):
    """Told to the requester, with a request for a rating."""

    kind: Literal["ticket_resolved"] = "ticket_resolved"
    ticket_number: int
    agent_name: str | None


class TicketList(Frozen):
    kind: Literal["ticket_list"] = "ticket_list"
    title_key: str
    tickets: tuple[TicketView, ...]
    as_of: datetime | None = None  # when the list was made: the tickets' ages count to it
