"""The outbox's rows: events written with the state change, delivered later.

Every statement on the `outbox` table lives here: the desk enqueues inside
its transaction, the dispatcher leases, reschedules and finishes rows, the
operators' commands list and act on them. Leasing takes due rows with
FOR UPDATE SKIP LOCKED on PostgreSQL, so two workers never lease the same
row, and only the first pending row of each conversation (`target_key`) is
eligible, so one conversation's messages go out in order. Writes that finish
a row say `status = 'pending'`: a row another worker already finished stays
as it is. Rows leased by a worker whose heartbeat went stale are taken over
(`take_over`), so a dead worker's messages go out within seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from core.events import Event, event_to_json, target_key
from core.storage.tables import outbox, workers

Status = Literal["pending", "sent", "dead"]
PENDING: Status = "pending"
MAX_ERROR = 1000


@dataclass(frozen=True)
class DueRow:
    """A row taken for delivery; `event` is still the stored JSON."""

    id: int
    attempts: int  # attempts before this one
    event: str
    created_at: datetime | None


@dataclass(frozen=True)
class OutboxRow:
    """A row as operators see it: the event's kind, never its content (personal data)."""

    id: int
    platform: str
    target_key: str
    kind: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_error: str | None
    dead_at: datetime | None
    sent_at: datetime | None


def _kind(event_json: str) -> str:
    try:
        payload = json.loads(event_json).get("payload", {})
        return str(payload.get("kind", "?"))
    except (ValueError, AttributeError):
        return "unreadable"


def _eligible(now: datetime, platforms: Sequence[str], query: Select[Any]) -> Select[Any]:
    """Due, unleased rows of the given platforms, first of their conversation."""
    earlier = outbox.alias("earlier")
    blocked = exists().where(
        and_(
            earlier.c.target_key == outbox.c.target_key,
            earlier.c.status == PENDING,
            earlier.c.id < outbox.c.id,
        )
    )
    return query.where(
        outbox.c.status == PENDING,
        outbox.c.platform.in_(list(platforms)),
        outbox.c.next_attempt_at <= now,
        or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now),
        ~blocked,
    )


class OutboxRecords:
    """The outbox seen through one open transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.is_postgres = conn.dialect.name == "postgresql"

    # writing (the desk, inside the transaction of the state change)

    async def enqueue(self, events: Iterable[Event], now: datetime) -> int:
        """Queue the events for delivery, due now; how many were queued."""
        rows = [
            {
                "platform": event.target.platform,
                "target_key": target_key(event.target),
                "event": event_to_json(event),
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for event in events
        ]
        if rows:
            await self.conn.execute(insert(outbox), rows)
        return len(rows)

    # leasing (the dispatcher)

    async def due(self, now: datetime, platforms: Sequence[str], limit: int) -> list[DueRow]:
        """The oldest eligible rows, locked (PostgreSQL: skipping locked ones) until commit."""
        query = _eligible(
            now,
            platforms,
            select(outbox.c.id, outbox.c.attempts, outbox.c.event, outbox.c.created_at),
        )
        query = query.order_by(outbox.c.id).limit(limit)
        if self.is_postgres:
            query = query.with_for_update(skip_locked=True, of=outbox)
        rows = (await self.conn.execute(query)).all()
        return [DueRow(row.id, row.attempts, row.event, row.created_at) for row in rows]

    async def lease(self, ids: Sequence[int], until: datetime, worker_id: str) -> None:
        """Take the rows for `worker_id` until `until`, counting one more attempt each."""
        await self.conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(list(ids)))
            .values(lease_until=until, attempts=outbox.c.attempts + 1, leased_by=worker_id)
        )

    async def defer(self, due: Sequence[tuple[int, datetime]]) -> None:
        """Make rows due later (their rate-limit slot is not free yet), not leased."""
        await self.conn.execute(
            update(outbox)
            .where(outbox.c.id == bindparam("row_id"))
            .values(next_attempt_at=bindparam("due")),
            [{"row_id": row_id, "due": at} for row_id, at in due],
        )

    async def release(self, worker_id: str) -> int:
        """Free the pending rows `worker_id` leased (it restarted); how many."""
        result = await self.conn.execute(
            update(outbox)
            .where(outbox.c.status == PENDING, outbox.c.leased_by == worker_id)
            .values(lease_until=None, leased_by=None)
        )
        return int(result.rowcount or 0)

    async def take_over(self, now: datetime) -> int:
        """Free the rows leased by a worker that has no heartbeat row (it died); how many.

        Stale workers' rows are deleted first (WorkerRecords.forget_stale), in the
        same transaction. A lease and its owner's heartbeat commit together, so a
        live worker's leases are never seen without its row.
        """
        alive = select(workers.c.worker_id)
        result = await self.conn.execute(
            update(outbox)
            .where(
                outbox.c.status == PENDING,
                outbox.c.lease_until > now,
                or_(outbox.c.leased_by.is_(None), outbox.c.leased_by.not_in(alive)),
            )
            .values(lease_until=None, leased_by=None)
        )
        return int(result.rowcount or 0)

    async def next_due(self, far: datetime, platforms: Sequence[str]) -> datetime | None:
        """When the earliest row that could be leased before `far` is due (None: none)."""
        value = await self.conn.scalar(
            _eligible(far, platforms, select(func.min(outbox.c.next_attempt_at)))
        )
        return value if isinstance(value, datetime) else None

    async def depth(self) -> int:
        """Pending rows."""
        value = await self.conn.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.status == PENDING)
        )
        return int(value or 0)

    # finishing a row (the dispatcher, after a send)

    async def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        await self.conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(list(ids)), outbox.c.status == PENDING)
            .values(status="sent", sent_at=now, lease_until=None)
        )

    async def reschedule(
        self, row_id: int, at: datetime, reason: str, *, attempts: int | None = None
    ) -> None:
        """Due again at `at`, unleased; `attempts` set when this try does not count."""
        values: dict[str, object] = {
            "next_attempt_at": at,
            "lease_until": None,
            "leased_by": None,
            "last_error": reason[:MAX_ERROR],
        }
        if attempts is not None:
            values["attempts"] = attempts
        await self._set_pending(row_id, values)

    async def mark_dead(self, row_id: int, now: datetime, reason: str) -> None:
        """Dead-lettered: never sent again unless an operator retries it."""
        await self._set_pending(
            row_id,
            {
                "status": "dead",
                "dead_at": now,
                "lease_until": None,
                "leased_by": None,
                "last_error": reason[:MAX_ERROR],
            },
        )

    async def mark_unreadable(self, row_id: int, now: datetime, reason: str) -> None:
        """Dead-lettered while leasing: no code of this release can read its event."""
        await self._set_pending(
            row_id, {"status": "dead", "dead_at": now, "last_error": reason[:MAX_ERROR]}
        )

    async def _set_pending(self, row_id: int, values: dict[str, object]) -> None:
        await self.conn.execute(
            update(outbox).where(outbox.c.id == row_id, outbox.c.status == PENDING).values(**values)
        )

    # operators (helpdesk outbox, metrics)

    async def rows(
        self, *, statuses: Sequence[Status] | None, platform: str | None, limit: int
    ) -> list[OutboxRow]:
        """Rows newest first (of these statuses; None: any)."""
        query = select(outbox).order_by(outbox.c.id.desc()).limit(limit)
        if statuses is not None:
            query = query.where(outbox.c.status.in_(list(statuses)))
        if platform is not None:
            query = query.where(outbox.c.platform == platform)
        found = (await self.conn.execute(query)).mappings().all()
        return [
            OutboxRow(
                id=row["id"],
                platform=row["platform"],
                target_key=row["target_key"],
                kind=_kind(row["event"]),
                status=row["status"],
                attempts=row["attempts"],
                created_at=row["created_at"],
                next_attempt_at=row["next_attempt_at"],
                last_error=row["last_error"],
                dead_at=row["dead_at"],
                sent_at=row["sent_at"],
            )
            for row in found
        ]

    async def retry_dead(self, now: datetime, *, ids: Sequence[int], platform: str | None) -> int:
        """Dead letters back in the queue, due now (all of them when no ids are given)."""
        conditions = [outbox.c.status == "dead"]
        if ids:
            conditions.append(outbox.c.id.in_(list(ids)))
        if platform is not None:
            conditions.append(outbox.c.platform == platform)
        result = await self.conn.execute(
            update(outbox)
            .where(and_(*conditions))
            .values(
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                lease_until=None,
                leased_by=None,
                dead_at=None,
            )
        )
        return int(result.rowcount or 0)

    async def delete_finished(
        self, statuses: Sequence[Status], *, created_before: datetime, ids: Sequence[int]
    ) -> int:
        """Delete rows in `statuses` (never pending ones): these ids, else older ones."""
        allowed = [status for status in statuses if status != PENDING]
        if not allowed:
            return 0
        conditions = [outbox.c.status.in_(allowed), outbox.c.created_at < created_before]
        if ids:
            conditions = [outbox.c.status.in_(allowed), outbox.c.id.in_(list(ids))]
        result = await self.conn.execute(delete(outbox).where(and_(*conditions)))
        return int(result.rowcount or 0)

    async def count_by_status(self) -> dict[tuple[str, str], int]:
        """(platform, status) -> rows."""
        result = await self.conn.execute(
            select(outbox.c.platform, outbox.c.status, func.count().label("n")).group_by(
                outbox.c.platform, outbox.c.status
            )
        )
        return {(row.platform, row.status): int(row.n) for row in result}

    async def oldest_pending(self) -> dict[str, datetime]:
        """Platform -> when its oldest pending row was created."""
        result = await self.conn.execute(
            select(outbox.c.platform, func.min(outbox.c.created_at).label("oldest"))
            .where(outbox.c.status == PENDING)
            .group_by(outbox.c.platform)
        )
        return {row.platform: row.oldest for row in result if isinstance(row.oldest, datetime)}
