"""Read-only views for operators: ticket lists and a ticket's whole history."""

from __future__ import annotations

from typing import Any

from core.domain import PersonRef, Ticket, TicketMessage, TicketState
from core.storage.db import Database
from core.storage.repository import Repository


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "platform": ticket.platform,
        "state": ticket.state.value,
        "subject": ticket.subject,
        "text": ticket.text,
        "category": ticket.category,
        "priority": ticket.priority.value,
        "requester": {"user_id": ticket.requester.user_id, "name": ticket.requester.display_name},
        "assignee": (
            {"user_id": ticket.assignee.user_id, "name": ticket.assignee.display_name}
            if ticket.assignee
            else None
        ),
        "rating": ticket.rating,
        "source_link": ticket.source_link,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
    }


def message_view(message: TicketMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "author": {"user_id": message.author.user_id, "name": message.author.display_name},
        "role": message.author_role.value,
        "visibility": message.visibility.value,
        "text": message.text,
        "attachments": list(message.attachments),
        "at": message.created_at.isoformat(),
    }


async def list_tickets(
    db: Database, *, state: TicketState | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    async with db.transaction() as conn:
        repo = Repository(conn, "en")
        tickets = await repo.list_tickets(states=(state,) if state else None, limit=limit)
    return [ticket_summary(ticket) for ticket in tickets]


async def ticket_detail(db: Database, number: int) -> dict[str, Any] | None:
    async with db.transaction() as conn:
        repo = Repository(conn, "en")
        ticket = await repo.get_ticket(number)
        if ticket is None:
            return None
        detail = ticket_summary(ticket)
        detail["delivery_problem"] = ticket.delivery_problem
        detail["messages"] = [message_view(m) for m in await repo.messages(number)]
        detail["audit"] = await repo.audit_trail(number)
    return detail


async def person_language(db: Database, ref: PersonRef, fallback: str) -> str:
    """The language a person reads: their own choice, else `fallback` (e.g. their locale)."""
    async with db.transaction() as conn:
        person = await Repository(conn, fallback).person_by_ref(ref)
    return person.lang if person is not None else fallback
