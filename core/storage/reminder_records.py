"""Tickets the SLA reminders look for, and the mark that one reminder went out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update

from core.domain import Author, Ticket, TicketState, Visibility
from core.storage.records import Records
from core.storage.rows import ticket_from_row, ticket_select
from core.storage.tables import ticket_messages, tickets

PAGE = 500  # tickets per query of the SLA loop; it pages on until none is left


@dataclass(frozen=True)
class Waiting:
    """A claimed ticket whose requester waits for an answer: since when, and when the
    agents were last reminded of it (None: never)."""

    ticket: Ticket
    since: datetime
    reminded_at: datetime | None


class ReminderRecords(Records):
    async def take_reminder(self, number: int, not_since: datetime | None, now: datetime) -> bool:
        """Mark a reminder as sent unless one was sent after `not_since` (None: unless one
        was ever sent); True if ours.

        Conditional, so several workers checking at once remind the agents once.
        """
        self._active.clear()
        unsent = tickets.c.reminded_at.is_(None)
        result = await self.conn.execute(
            update(tickets)
            .where(
                tickets.c.id == number,
                unsent if not_since is None else or_(unsent, tickets.c.reminded_at <= not_since),
            )
            .values(reminded_at=now)
        )
        return bool(result.rowcount == 1)

    async def take_sla_mark(self, number: int, target: str, mark: str, now: datetime) -> bool:
        """Record that `target`'s `mark` (warned, breached) went out, unless it already did.

        Conditional, so of several workers seeing the same clock only one tells anyone.
        """
        column = tickets.c[f"{target}_{mark}_at"]
        self._active.clear()
        result = await self.conn.execute(
            update(tickets).where(tickets.c.id == number, column.is_(None)).values({column: now})
        )
        return bool(result.rowcount == 1)

    async def running_clocks(self, after: int = 0, limit: int = PAGE) -> list[Ticket]:
        """Open and claimed tickets (a waiting one's clocks stand still), oldest first: a
        page of `limit` numbered above `after` (the last of the page before)."""
        query = (
            ticket_select()
            .where(
                tickets.c.state.in_((TicketState.OPEN.value, TicketState.CLAIMED.value)),
                tickets.c.id > after,
            )
            .order_by(tickets.c.id)
            .limit(limit)
        )
        rows = (await self.conn.execute(query)).mappings().all()
        return [ticket_from_row(row, self.default_lang) for row in rows]

    async def waiting_for_agent(
        self, last_message_before: datetime, after: int = 0, limit: int = PAGE
    ) -> list[Waiting]:
        """Claimed tickets whose newest public message is the requester's, and old: a page
        of `limit` numbered above `after`, oldest first."""
        newer = ticket_messages.alias("newer")
        latest = (
            select(func.max(newer.c.id))
            .where(
                newer.c.ticket_id == tickets.c.id,
                newer.c.visibility == Visibility.PUBLIC.value,
            )
            .correlate(tickets)
            .scalar_subquery()
        )
        query = (
            ticket_select()
            .add_columns(
                ticket_messages.c.created_at.label("waiting_since"),
                tickets.c.reminded_at.label("last_reminded_at"),
            )
            .join(ticket_messages, ticket_messages.c.id == latest)
            .where(
                tickets.c.state == TicketState.CLAIMED.value,
                ticket_messages.c.author_role == Author.REQUESTER.value,
                ticket_messages.c.created_at <= last_message_before,
                tickets.c.id > after,
            )
            .order_by(tickets.c.id)
            .limit(limit)
        )
        rows = (await self.conn.execute(query)).mappings().all()
        return [
            Waiting(
                ticket_from_row(row, self.default_lang),
                row["waiting_since"],
                row["last_reminded_at"],
            )
            for row in rows
        ]
