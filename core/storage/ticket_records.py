"""The `tickets` table: opening, reading, listing and moving tickets.

State changes are conditional UPDATEs (`WHERE state IN (...)`): the database
decides which of two concurrent requests wins, never a read-then-write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import Select

from core.domain import Level, Person, Priority, SlaClock, Ticket, TicketKind, TicketState
from core.storage.identity_records import identity_ids_of
from core.storage.params import one_of
from core.storage.records import Records
from core.storage.rows import ACTIVE_STATES, ticket_from_row, ticket_select
from core.storage.tables import tickets


@cache
def _active_of_select(postgres: bool) -> Select[Any]:
    """Open and claimed tickets of many requesters, oldest first."""
    requester = one_of(
        tickets.c.requester_id, "requester_ids", postgres=postgres, item_type=Integer
    )
    return (
        ticket_select().where(requester, tickets.c.state.in_(ACTIVE_STATES)).order_by(tickets.c.id)
    )


class TicketRecords(Records):
    def _ticket(self, row: RowMapping) -> Ticket:
        return ticket_from_row(row, self.default_lang)

    async def prefetch_active_tickets(self) -> None:
        """After `prefetch_people`: each of those people's open and claimed tickets."""
        ids = sorted({int(row["id"]) for row in self._prefetched.values()})
        if not ids:
            return
        rows = await self.conn.execute(_active_of_select(self.is_postgres), {"requester_ids": ids})
        active: dict[int, list[Ticket]] = {person: [] for person in ids}
        for row in rows.mappings():  # oldest first
            active[int(row["requester_id"])].append(self._ticket(row))
        self._active.update({person: tuple(tickets) for person, tickets in active.items()})

    async def insert_ticket(
        self,
        *,
        platform: str,
        requester: Person,
        subject: str,
        text: str,
        category: str,
        priority: Priority,
        source_link: str | None,
        from_query_id: int | None,
        now: datetime,
        kind: TicketKind | None = None,
        impact: Level | None = None,
        urgency: Level | None = None,
        team: str | None = None,
        sla_policy: str | None = None,
    ) -> Ticket:
        self._active.pop(requester.id, None)  # nobody else's open tickets change
        result = await self.conn.execute(
            insert(tickets)
            .values(
                platform=platform,
                requester_id=requester.id,
                subject=subject,
                text=text,
                category=category,
                priority=priority.value,
                state=TicketState.OPEN.value,
                source_link=source_link,
                from_query_id=from_query_id,
                created_at=now,
                updated_at=now,
                kind=kind.value if kind else None,
                impact=impact.value if impact else None,
                urgency=urgency.value if urgency else None,
                team=team,
                sla_policy=sla_policy,
                sla_paused_seconds=0,
            )
            .returning(tickets.c.id)
        )
        # Everything but the number is known: no second round trip to read it back.
        return Ticket(
            number=int(result.scalar_one()),
            platform=platform,
            requester=requester,
            assignee=None,
            subject=subject,
            text=text,
            category=category,
            priority=priority,
            state=TicketState.OPEN,
            created_at=now,
            updated_at=now,
            source_link=source_link,
            kind=kind,
            impact=impact,
            urgency=urgency,
            team=team,
            clock=SlaClock(policy=sla_policy),
        )

    async def get_ticket(self, number: int) -> Ticket | None:
        found = await self.conn.execute(ticket_select().where(tickets.c.id == number))
        row = found.mappings().first()
        return self._ticket(row) if row else None

    async def transition(
        self,
        number: int,
        *,
        allowed_from: Iterable[TicketState],
        to: TicketState,
        now: datetime,
        assignee_must_be_unset: bool = False,
        **values: Any,
    ) -> bool:
        """Move a ticket to `to` only if it is in one of `allowed_from`; True if it moved.

        One conditional UPDATE: of concurrent requests exactly one sees a row change.
        """
        conditions = [
            tickets.c.id == number,
            tickets.c.state.in_([state.value for state in allowed_from]),
        ]
        if assignee_must_be_unset:
            conditions.append(tickets.c.assignee_id.is_(None))
        self._active.clear()
        result = await self.conn.execute(
            update(tickets)
            .where(and_(*conditions))
            .values(state=to.value, updated_at=now, **values)
        )
        return bool(result.rowcount == 1)

    async def update_ticket(self, number: int, now: datetime, **values: Any) -> None:
        self._active.clear()
        await self.conn.execute(
            update(tickets).where(tickets.c.id == number).values(updated_at=now, **values)
        )

    async def update_unchanged(
        self, number: int, now: datetime, unchanged: Mapping[str, Any], **values: Any
    ) -> bool:
        """Change the ticket only while each column of `unchanged` holds its value there
        (None: unset); True if it changed. Of two people changing one field at once, the
        first wins and the second sees False."""
        conditions = [tickets.c.id == number] + [
            tickets.c[column].is_(None) if value is None else tickets.c[column] == value
            for column, value in unchanged.items()
        ]
        self._active.clear()
        result = await self.conn.execute(
            update(tickets).where(and_(*conditions)).values(updated_at=now, **values)
        )
        return bool(result.rowcount == 1)

    async def mark_first_response(self, number: int, now: datetime, paused: timedelta) -> None:
        """The first agent's answer, with the business time the clocks stood still by then."""
        self._active.clear()
        await self.conn.execute(
            update(tickets)
            .where(tickets.c.id == number, tickets.c.first_response_at.is_(None))
            .values(
                first_response_at=now,
                sla_paused_at_first_response=int(paused // timedelta(seconds=1)),
            )
        )

    async def list_tickets(
        self,
        *,
        requester_id: int | None = None,
        requester_person: int | None = None,
        assignee_id: int | None = None,
        states: Sequence[TicketState] | None = None,
        platform: str | None = None,
        limit: int = 50,
    ) -> list[Ticket]:
        """Newest first. `requester_person`: the tickets of every identity of that person
        (a canonical person id), whichever platform they were opened on."""
        query = ticket_select()
        if requester_id is not None:
            query = query.where(tickets.c.requester_id == requester_id)
        if requester_person is not None:
            query = query.where(tickets.c.requester_id.in_(identity_ids_of(requester_person)))
        if assignee_id is not None:
            query = query.where(tickets.c.assignee_id == assignee_id)
        if states is not None:
            query = query.where(tickets.c.state.in_([s.value for s in states]))
        if platform is not None:
            query = query.where(tickets.c.platform == platform)
        query = query.order_by(tickets.c.id.desc()).limit(limit)
        rows = (await self.conn.execute(query)).mappings().all()
        return [self._ticket(row) for row in rows]

    async def tickets_in_month(self, requester_person: int, number: int, since: datetime) -> int:
        """How many of the person's tickets up to #`number` were opened since `since`."""
        found = await self.conn.execute(
            select(func.count())
            .select_from(tickets)
            .where(
                tickets.c.requester_id.in_(identity_ids_of(requester_person)),
                tickets.c.id <= number,
                tickets.c.created_at >= since,
            )
        )
        return int(found.scalar_one())

    async def previous_ticket(self, requester_person: int, number: int) -> Ticket | None:
        """The person's ticket opened just before #`number`, on any platform."""
        found = await self.conn.execute(
            ticket_select()
            .where(
                tickets.c.requester_id.in_(identity_ids_of(requester_person)),
                tickets.c.id < number,
            )
            .order_by(tickets.c.id.desc())
            .limit(1)
        )
        row = found.mappings().first()
        return self._ticket(row) if row else None

    async def active_tickets(self, requester_id: int) -> tuple[Ticket, ...]:
        """The person's open and claimed tickets, oldest first (asked for by every message:
        read ahead for a batch, remembered until a write to tickets or people)."""
        if requester_id in self._active:
            return self._active[requester_id]
        query = (
            ticket_select()
            .where(tickets.c.requester_id == requester_id, tickets.c.state.in_(ACTIVE_STATES))
            .order_by(tickets.c.id)
        )
        rows = (await self.conn.execute(query)).mappings().all()
        active = tuple(self._ticket(row) for row in rows)
        self._active[requester_id] = active
        return active
