"""Reads and writes of the desk's records inside one transaction.

State changes are conditional UPDATEs (`WHERE state IN (...)`): the database
decides which of two concurrent requests wins, never a read-then-write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from core.domain import (
    Actor,
    Author,
    Person,
    PersonRef,
    Priority,
    Ticket,
    TicketMessage,
    TicketState,
    Visibility,
)
from core.storage.dialect import insert_for
from core.storage.params import one_of
from core.storage.tables import (
    audit_log,
    faq_queries,
    people,
    ticket_messages,
    tickets,
)


def _person(row: Mapping[Any, Any], prefix: str = "") -> Person:
    return Person(
        id=row[f"{prefix}id"],
        platform=row[f"{prefix}platform"],
        user_id=row[f"{prefix}user_id"],
        display_name=row[f"{prefix}display_name"],
        lang=row[f"{prefix}lang"] or "",
        is_agent=bool(row[f"{prefix}is_agent"]),
    )


@cache
def _ticket_select() -> Select[Any]:
    """Tickets with requester (r_*) and assignee (a_*) columns, built once per process.

    Building aliases and labels per call costs more than the query on PostgreSQL.
    """
    requester = people.alias("r")
    assignee = people.alias("a")
    columns: list[Any] = [tickets]
    for alias, prefix in ((requester, "r_"), (assignee, "a_")):
        columns.extend(column.label(prefix + column.name) for column in alias.c)
    return (
        select(*columns)
        .join(requester, requester.c.id == tickets.c.requester_id)
        .outerjoin(assignee, assignee.c.id == tickets.c.assignee_id)
    )


@cache
def _person_select() -> Select[Any]:
    """One person by platform id; built once, so its cache key is computed once."""
    return select(people).where(
        people.c.platform == bindparam("platform"), people.c.user_id == bindparam("user_id")
    )


@cache
def _people_select(postgres: bool) -> Select[Any]:
    """People by user id (any platform: the caller keeps the ones it asked for)."""
    return select(people).where(
        one_of(people.c.user_id, "user_ids", postgres=postgres, item_type=String)
    )


_ACTIVE_STATES = (TicketState.OPEN.value, TicketState.CLAIMED.value)


@cache
def _active_of_select(postgres: bool) -> Select[Any]:
    """Open and claimed tickets of many requesters, oldest first."""
    requester = one_of(
        tickets.c.requester_id, "requester_ids", postgres=postgres, item_type=Integer
    )
    return (
        _ticket_select()
        .where(requester, tickets.c.state.in_(_ACTIVE_STATES))
        .order_by(tickets.c.id)
    )


@cache
def _latest_active_select() -> Select[Any]:
    return (
        _ticket_select()
        .where(
            tickets.c.requester_id == bindparam("requester_id"),
            tickets.c.state.in_(_ACTIVE_STATES),
        )
        .order_by(tickets.c.id.desc())
        .limit(1)
    )


@cache
def _faq_query_insert() -> Any:
    return insert(faq_queries).returning(faq_queries.c.id)


class Repository:
    """The desk's records, seen through one open transaction."""

    def __init__(self, conn: AsyncConnection, default_lang: str) -> None:
        self.conn = conn
        self.default_lang = default_lang
        # People already upserted in this transaction, with the facts they were
        # upserted from: a batch of queued updates often has one person twice.
        self._people: dict[PersonRef, tuple[Actor, Person]] = {}
        self._prefetched: dict[PersonRef, RowMapping] = {}
        # requester id -> their newest open or claimed ticket, read ahead for a
        # batch; forgotten at any write to tickets or people in this transaction.
        self._active: dict[int, Ticket | None] = {}

    # people

    def forget(self) -> None:
        """Drop what this repository remembers (after a rollback to a savepoint)."""
        self._people.clear()
        self._prefetched.clear()
        self._active.clear()

    async def prefetch_people(self, refs: Iterable[PersonRef]) -> None:
        """Read many people in one query ahead of `upsert_person` (a batch of updates)."""
        wanted = {ref for ref in refs if ref not in self._people}
        if len(wanted) < 2:
            return
        postgres = self.conn.dialect.name == "postgresql"
        rows = await self.conn.execute(
            _people_select(postgres), {"user_ids": sorted({ref.user_id for ref in wanted})}
        )
        for row in rows.mappings():
            ref = PersonRef(row["platform"], row["user_id"])
            if ref in wanted:
                self._prefetched[ref] = row

    async def prefetch_active_tickets(self) -> None:
        """After `prefetch_people`: each of those people's newest open or claimed ticket."""
        ids = sorted({int(row["id"]) for row in self._prefetched.values()})
        if not ids:
            return
        postgres = self.conn.dialect.name == "postgresql"
        rows = await self.conn.execute(_active_of_select(postgres), {"requester_ids": ids})
        newest: dict[int, Ticket | None] = dict.fromkeys(ids)
        for row in rows.mappings():  # oldest first: the newest one stays
            newest[int(row["requester_id"])] = self._ticket(row)
        self._active.update(newest)

    async def upsert_person(self, actor: Actor, now: datetime) -> Person:
        """Create or refresh a person from what the platform says about them now."""
        known = self._people.get(actor.ref)
        if known is not None and known[0] == actor:
            return known[1]
        person = await self._upsert_person(actor, now)
        self._people[actor.ref] = (actor, person)
        return person

    async def _upsert_person(self, actor: Actor, now: datetime) -> Person:
        row = self._prefetched.pop(actor.ref, None) or await self._person_row(actor.ref)
        if row is None:
            await self.conn.execute(
                insert_for(self.conn, people)
                .values(
                    platform=actor.platform,
                    user_id=actor.user_id,
                    display_name=actor.display_name or actor.user_id,
                    lang=actor.locale,
                    lang_explicit=False,
                    is_agent=actor.is_agent,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing()  # created concurrently by their other update
            )
            row = await self._person_row(actor.ref)
            assert row is not None
            return self._with_default_lang(_person(row))
        changes: dict[str, Any] = {}
        if actor.display_name and actor.display_name != row["display_name"]:
            changes["display_name"] = actor.display_name
        if actor.locale and not row["lang_explicit"] and actor.locale != row["lang"]:
            changes["lang"] = actor.locale
        if actor.is_agent != bool(row["is_agent"]):
            changes["is_agent"] = actor.is_agent
        if changes:
            self._active.clear()
            changes["updated_at"] = now
            await self.conn.execute(
                update(people).where(people.c.id == row["id"]).values(**changes)
            )
        return self._with_default_lang(_person({**row, **changes}))

    async def _person_row(self, ref: PersonRef) -> RowMapping | None:
        found = await self.conn.execute(
            _person_select(), {"platform": ref.platform, "user_id": ref.user_id}
        )
        row: RowMapping | None = found.mappings().first()
        return row

    async def person_by_ref(self, ref: PersonRef) -> Person | None:
        row = await self._person_row(ref)
        return self._with_default_lang(_person(row)) if row else None

    async def set_language(self, person_id: int, lang: str, now: datetime) -> None:
        self.forget()
        await self.conn.execute(
            update(people)
            .where(people.c.id == person_id)
            .values(lang=lang, lang_explicit=True, updated_at=now)
        )

    def _with_default_lang(self, person: Person) -> Person:
        if person.lang:
            return person
        return Person(**{**person.__dict__, "lang": self.default_lang})

    # tickets

    def _ticket_query(self) -> Select[Any]:
        return _ticket_select()

    def _ticket(self, row: RowMapping) -> Ticket:
        return Ticket(
            number=row["id"],
            platform=row["platform"],
            requester=self._with_default_lang(_person(row, "r_")),
            assignee=self._with_default_lang(_person(row, "a_")) if row["a_id"] else None,
            subject=row["subject"],
            text=row["text"],
            category=row["category"],
            priority=Priority(row["priority"]),
            state=TicketState(row["state"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            rating=row["rating"],
            source_link=row["source_link"],
            delivery_problem=row["delivery_problem"],
        )

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
    ) -> Ticket:
        self._active.pop(requester.id, None)  # nobody else's newest open ticket changes
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
        )

    async def get_ticket(self, number: int) -> Ticket | None:
        row = (
            (await self.conn.execute(self._ticket_query().where(tickets.c.id == number)))
            .mappings()
            .first()
        )
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

    async def take_reminder(self, number: int, not_since: datetime, now: datetime) -> bool:
        """Mark a reminder as sent unless one was sent after `not_since`; True if ours.

        Conditional, so several workers checking at once remind the agents once.
        """
        self._active.clear()
        result = await self.conn.execute(
            update(tickets)
            .where(
                tickets.c.id == number,
                or_(tickets.c.reminded_at.is_(None), tickets.c.reminded_at <= not_since),
            )
            .values(reminded_at=now)
        )
        return bool(result.rowcount == 1)

    async def overdue_unclaimed(self, created_before: datetime, limit: int = 200) -> list[Ticket]:
        query = (
            self._ticket_query()
            .where(
                tickets.c.state == TicketState.OPEN.value, tickets.c.created_at <= created_before
            )
            .order_by(tickets.c.id)
            .limit(limit)
        )
        return [self._ticket(row) for row in (await self.conn.execute(query)).mappings().all()]

    async def waiting_for_agent(
        self, last_message_before: datetime, limit: int = 200
    ) -> list[tuple[Ticket, datetime]]:
        """Claimed tickets whose newest public message is the requester's, and old."""
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
            self._ticket_query()
            .add_columns(ticket_messages.c.created_at.label("waiting_since"))
            .join(ticket_messages, ticket_messages.c.id == latest)
            .where(
                tickets.c.state == TicketState.CLAIMED.value,
                ticket_messages.c.author_role == Author.REQUESTER.value,
                ticket_messages.c.created_at <= last_message_before,
            )
            .order_by(tickets.c.id)
            .limit(limit)
        )
        rows = (await self.conn.execute(query)).mappings().all()
        return [(self._ticket(row), row["waiting_since"]) for row in rows]

    async def mark_first_response(self, number: int, now: datetime) -> None:
        self._active.clear()
        await self.conn.execute(
            update(tickets)
            .where(tickets.c.id == number, tickets.c.first_response_at.is_(None))
            .values(first_response_at=now)
        )

    async def list_tickets(
        self,
        *,
        requester_id: int | None = None,
        assignee_id: int | None = None,
        states: Sequence[TicketState] | None = None,
        platform: str | None = None,
        limit: int = 50,
    ) -> list[Ticket]:
        query = self._ticket_query()
        if requester_id is not None:
            query = query.where(tickets.c.requester_id == requester_id)
        if assignee_id is not None:
            query = query.where(tickets.c.assignee_id == assignee_id)
        if states is not None:
            query = query.where(tickets.c.state.in_([s.value for s in states]))
        if platform is not None:
            query = query.where(tickets.c.platform == platform)
        query = query.order_by(tickets.c.id.desc()).limit(limit)
        rows = (await self.conn.execute(query)).mappings().all()
        return [self._ticket(row) for row in rows]

    async def latest_active_ticket(self, requester_id: int) -> Ticket | None:
        """The person's newest open or claimed ticket (asked for by every message)."""
        if requester_id in self._active:
            return self._active[requester_id]
        row = (
            (await self.conn.execute(_latest_active_select(), {"requester_id": requester_id}))
            .mappings()
            .first()
        )
        return self._ticket(row) if row else None

    # conversation

    async def add_message(
        self,
        *,
        ticket_number: int,
        author: Person,
        role: Author,
        visibility: Visibility,
        text: str,
        attachments: Sequence[str],
        platform_message_id: str | None,
        now: datetime,
    ) -> int:
        result = await self.conn.execute(
            insert(ticket_messages)
            .values(
                ticket_id=ticket_number,
                author_id=author.id,
                author_role=role.value,
                visibility=visibility.value,
                text=text,
                attachments=json.dumps(list(attachments)),
                platform_message_id=platform_message_id,
                created_at=now,
            )
            .returning(ticket_messages.c.id)
        )
        return int(result.scalar_one())

    async def message_by_platform_id(
        self, author_id: int, platform_message_id: str
    ) -> RowMapping | None:
        return (
            (
                await self.conn.execute(
                    select(ticket_messages).where(
                        ticket_messages.c.author_id == author_id,
                        ticket_messages.c.platform_message_id == platform_message_id,
                    )
                )
            )
            .mappings()
            .first()
        )

    async def edit_message(self, message_id: int, text: str) -> None:
        await self.conn.execute(
            update(ticket_messages).where(ticket_messages.c.id == message_id).values(text=text)
        )

    async def messages(self, ticket_number: int) -> list[TicketMessage]:
        query = (
            select(ticket_messages, *[column.label("p_" + column.name) for column in people.c])
            .join(people, people.c.id == ticket_messages.c.author_id)
            .where(ticket_messages.c.ticket_id == ticket_number)
            .order_by(ticket_messages.c.id)
        )
        rows = (await self.conn.execute(query)).mappings().all()
        return [
            TicketMessage(
                id=row["id"],
                ticket_number=row["ticket_id"],
                author=self._with_default_lang(_person(row, "p_")),
                author_role=Author(row["author_role"]),
                visibility=Visibility(row["visibility"]),
                text=row["text"],
                created_at=row["created_at"],
                attachments=tuple(json.loads(row["attachments"] or "[]")),
            )
            for row in rows
        ]

    # audit, FAQ log

    async def audit(
        self,
        action: str,
        now: datetime,
        *,
        ticket_number: int | None = None,
        actor_id: int | None = None,
        **detail: Any,
    ) -> None:
        await self.conn.execute(
            insert(audit_log).values(
                ticket_id=ticket_number,
                actor_id=actor_id,
                action=action,
                detail=json.dumps(detail, ensure_ascii=False, default=str),
                at=now,
            )
        )

    async def audit_trail(self, ticket_number: int) -> list[dict[str, Any]]:
        query = (
            select(audit_log, people.c.display_name)
            .outerjoin(people, people.c.id == audit_log.c.actor_id)
            .where(audit_log.c.ticket_id == ticket_number)
            .order_by(audit_log.c.id)
        )
        rows = (await self.conn.execute(query)).mappings().all()
        return [
            {
                "action": row["action"],
                "actor": row["display_name"],
                "at": row["at"].isoformat(),
                "detail": json.loads(row["detail"]),
            }
            for row in rows
        ]

    async def record_faq_query(
        self,
        *,
        person: Person,
        platform: str,
        lang: str,
        text: str,
        decision: str,
        results: list[dict[str, Any]],
        now: datetime,
    ) -> int:
        top = results[0] if results else None
        result = await self.conn.execute(
            _faq_query_insert(),
            {
                "person_id": person.id,
                "platform": platform,
                "lang": lang,
                "text": text,
                "decision": decision,
                "results": json.dumps(results, ensure_ascii=False),
                "top_entry_id": top["id"] if top else None,
                "top_score": top["score"] if top else None,
                "outcome": None,
                "ticket_id": None,
                "created_at": now,
            },
        )
        return int(result.scalar_one())

    async def faq_query(self, query_id: int) -> RowMapping | None:
        return (
            (await self.conn.execute(select(faq_queries).where(faq_queries.c.id == query_id)))
            .mappings()
            .first()
        )

    async def set_faq_outcome(
        self, query_id: int, outcome: str, ticket_number: int | None = None
    ) -> None:
        await self.conn.execute(
            update(faq_queries)
            .where(faq_queries.c.id == query_id)
            .values(outcome=outcome, ticket_id=ticket_number)
        )

    async def count_tickets(self) -> int:
        return int(await self.conn.scalar(select(func.count()).select_from(tickets)) or 0)

    async def active_ticket_numbers_of(self, ref: PersonRef) -> list[int]:
        query = (
            select(tickets.c.id)
            .join(people, people.c.id == tickets.c.requester_id)
            .where(
                people.c.platform == ref.platform,
                people.c.user_id == ref.user_id,
                or_(
                    tickets.c.state == TicketState.OPEN.value,
                    tickets.c.state == TicketState.CLAIMED.value,
                ),
            )
        )
        return [int(n) for n in (await self.conn.execute(query)).scalars().all()]
