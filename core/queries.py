"""Read-only views for operators: ticket lists and a ticket's whole history.

The views are typed rows; `to_json()` gives the shape `helpdesk tickets
list|show --json` prints (its keys are part of the command line's contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.domain import (
    Author,
    Person,
    PersonRef,
    Priority,
    Ticket,
    TicketMessage,
    TicketState,
    Visibility,
)
from core.events import TicketView
from core.storage.audit_records import AuditEntry
from core.storage.db import Database
from core.storage.repository import Repository


@dataclass(frozen=True)
class PersonView:
    user_id: str
    name: str

    @classmethod
    def of(cls, person: Person) -> PersonView:
        return cls(user_id=person.user_id, name=person.display_name)

    def to_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "name": self.name}


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

    @classmethod
    def of(cls, ticket: Ticket) -> TicketSummary:
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
    db: Database, *, state: TicketState | None = None, limit: int = 100
) -> list[TicketSummary]:
    async with db.transaction() as conn:
        repo = Repository(conn, "en")
        tickets = await repo.list_tickets(states=(state,) if state else None, limit=limit)
    return [TicketSummary.of(ticket) for ticket in tickets]


async def ticket_detail(db: Database, number: int) -> TicketDetail | None:
    async with db.transaction() as conn:
        repo = Repository(conn, "en")
        ticket = await repo.get_ticket(number)
        if ticket is None:
            return None
        messages = await repo.messages(number)
        trail = await repo.audit_trail(number)
    return TicketDetail(
        ticket=TicketSummary.of(ticket),
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
