"""Read-only views for operators: ticket lists and a ticket's whole history.

The views are typed rows; `to_json()` gives the shape `helpdesk tickets
list|show --json` prints (its keys are part of the command line's contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.desk.clocks import policy_of
from core.domain import (
    ACTIVE_STATES,
    Author,
    Level,
    Person,
    PersonRef,
    Priority,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketState,
    Visibility,
)
from core.events import TicketView
from core.service.clocks import SlaStatus, sla_status
from core.service.config import ServiceDesk, default_service
from core.storage.audit_records import AuditEntry
from core.storage.db import Database
from core.storage.repository import Repository


@dataclass(frozen=True)
class PersonView:
    user_id: str
    name: str
    person_id: int  # the person's (every identity they linked), for their profile

    @classmethod
    def of(cls, person: Person) -> PersonView:
        return cls(user_id=person.user_id, name=person.display_name, person_id=person.canonical_id)

    def to_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "name": self.name}


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


@dataclass(frozen=True)
class SlaSummary:
    """A ticket's SLA clocks for scripts: ISO 8601 UTC times, None where not applicable."""

    status: SlaStatus
    first_response_at: datetime | None
    warn_percent: int

    @property
    def near_or_breached(self) -> bool:
        if self.status.stopped:
            return False
        return bool(self.status.breached) or any(
            t.pending and t.share_used >= self.warn_percent / 100 for t in self.status.targets
        )

    def to_json(self) -> dict[str, Any]:
        status = self.status
        first, resolution = status.target("first_response"), status.target("resolution")
        upcoming = status.next_due
        return {
            "policy": status.policy,
            "first_response_due": _iso(first.due) if first else None,
            "resolution_due": _iso(resolution.due) if resolution else None,
            "first_response_at": _iso(self.first_response_at),
            "paused": status.paused,
            "breached": [
                {"target": t.name, "at": _iso(t.breached_at)}
                for t in status.breached
                if t.breached_at is not None
            ],
            "remaining_seconds": int(upcoming.remaining.total_seconds()) if upcoming else None,
        }


@dataclass(frozen=True)
class TicketSummary:
    number: int
    platform: str
    state: TicketState
    subject: str
    text: str
    category: str
    priority: Priority
    requester: PersonView
    assignee: PersonView | None
    rating: int | None
    source_link: str | None
    created_at: datetime
    updated_at: datetime
    kind: TicketKind | None = None
    impact: Level | None = None
    urgency: Level | None = None
    team: str | None = None
    sla: SlaSummary | None = None

    @classmethod
    def of(
        cls, ticket: Ticket, service: ServiceDesk | None = None, now: datetime | None = None
    ) -> TicketSummary:
        service = service or default_service()
        policy = policy_of(service, ticket)
        sla = SlaSummary(
            status=sla_status(ticket, policy, now or datetime.now(UTC)),
            first_response_at=ticket.clock.first_response_at if ticket.clock else None,
            warn_percent=policy.warn_percent,
        )
        return cls(
            number=ticket.number,
            platform=ticket.platform,
            state=ticket.state,
            subject=ticket.subject,
            text=ticket.text,
            category=ticket.category,
            priority=ticket.priority,
            requester=PersonView.of(ticket.requester),
            assignee=PersonView.of(ticket.assignee) if ticket.assignee else None,
            rating=ticket.rating,
            source_link=ticket.source_link,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            kind=ticket.kind,
            impact=ticket.impact,
            urgency=ticket.urgency,
            team=ticket.team or service.default_team,
            sla=sla,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "platform": self.platform,
            "state": self.state.value,
            "subject": self.subject,
            "text": self.text,
            "category": self.category,
            "priority": self.priority.value,
            "requester": self.requester.to_json(),
            "assignee": self.assignee.to_json() if self.assignee else None,
            "rating": self.rating,
            "source_link": self.source_link,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "kind": self.kind.value if self.kind else None,
            "impact": self.impact.value if self.impact else None,
            "urgency": self.urgency.value if self.urgency else None,
            "team": self.team,
            "sla": self.sla.to_json() if self.sla else None,
        }


@dataclass(frozen=True)
class MessageView:
    id: int
    author: PersonView
    role: Author
    visibility: Visibility
    text: str
    attachments: tuple[str, ...]
    at: datetime
    deleted: bool = False

    @classmethod
    def of(cls, message: TicketMessage) -> MessageView:
        return cls(
            id=message.id,
            author=PersonView.of(message.author),
            role=message.author_role,
            visibility=message.visibility,
            text=message.text,
            attachments=tuple(message.attachments),
            at=message.created_at,
            deleted=message.deleted,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author": self.author.to_json(),
            "role": self.role.value,
            "visibility": self.visibility.value,
            "text": self.text,
            "attachments": list(self.attachments),
            "at": self.at.isoformat(),
            "deleted": self.deleted,
        }


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketSummary
    delivery_problem: str | None
    messages: tuple[MessageView, ...]
    audit: tuple[AuditEntry, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.ticket.to_json(),
            "delivery_problem": self.delivery_problem,
            "messages": [message.to_json() for message in self.messages],
            "audit": [entry.to_json() for entry in self.audit],
        }


async def list_tickets(
    db: Database,
    *,
    state: TicketState | None = None,
    limit: int = 100,
    service: ServiceDesk | None = None,
    now: datetime | None = None,
    breaching: bool = False,
) -> list[TicketSummary]:
    """Tickets newest first; with `breaching`, only active ones breached or near a target."""
    states = (state,) if state else (ACTIVE_STATES if breaching else None)
    async with db.transaction() as conn:
        repo = Repository(conn, "en")
        tickets = await repo.list_tickets(states=states, limit=limit)
    rows = [TicketSummary.of(ticket, service, now) for ticket in tickets]
    if breaching:
        rows = [row for row in rows if row.sla is not None and row.sla.near_or_breached]
    return rows


async def ticket_detail(
    db: Database, number: int, service: ServiceDesk | None = None, now: datetime | None = None
) -> TicketDetail | None:
    async with db.transaction() as conn:
        repo = Repository(conn, "en")
        ticket = await repo.get_ticket(number)
        if ticket is None:
            return None
        messages = await repo.messages(number)
        trail = await repo.audit_trail(number)
    return TicketDetail(
        ticket=TicketSummary.of(ticket, service, now),
        delivery_problem=ticket.delivery_problem,
        messages=tuple(MessageView.of(message) for message in messages),
        audit=tuple(trail),
    )


async def ticket_view(db: Database, number: int) -> TicketView | None:
    """A ticket as its card shows it now (an adapter re-posting a card it lost)."""
    async with db.transaction() as conn:
        ticket = await Repository(conn, "en").get_ticket(number)
    return TicketView.of(ticket) if ticket is not None else None


async def person_language(db: Database, ref: PersonRef, fallback: str) -> str:
    """The language a person reads: their own choice, else `fallback` (e.g. their locale)."""
    async with db.transaction() as conn:
        person = await Repository(conn, fallback).person_by_ref(ref)
    return person.lang if person is not None else fallback
