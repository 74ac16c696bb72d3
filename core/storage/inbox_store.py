"""The inbox's rows: updates stored at ack time, claimed and applied later.

Storing is one statement pair for many updates at once: the dedupe keys go
into `inbound_updates` (core.storage.dedupe returns the new ones), then only
the new ones into `inbox`. Claiming takes the oldest due rows with
FOR UPDATE SKIP LOCKED on PostgreSQL, so workers take disjoint rows, and skips
a row while an older row of the same person is still queued (held by another
worker or waiting for a retry), so one person's updates apply in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.dedupe import record_new_updates
from core.storage.params import one_of
from core.storage.tables import inbound_updates, inbox

PENDING = "pending"
FAILED = "failed"


@dataclass(frozen=True)
class NewUpdate:
    platform: str
    update_id: str
    actor_key: str
    command: str  # core.commands.command_to_json


@dataclass(frozen=True)
class QueuedUpdate:
    id: int
    platform: str
    update_id: str
    command: str
    attempts: int


@dataclass(frozen=True)
class ParkedUpdate:
    """A row that failed for good, as operators see it (`helpdesk inbox list`)."""

    id: int
    platform: str
    update_id: str
    attempts: int
    last_error: str | None
    received_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "platform": self.platform,
            "update_id": self.update_id,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "received_at": self.received_at.isoformat(),
        }


class InboxRecords:
    """The inbox seen through one open transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.is_postgres = conn.dialect.name == "postgresql"

    async def store(self, updates: Sequence[NewUpdate], now: datetime) -> set[tuple[str, str]]:
        """Queue the updates never seen before; the keys of those that were new."""
        unique = {(u.platform, u.update_id): u for u in updates}
        if not unique:
            return set()
        new = await record_new_updates(self.conn, unique, now)
        if new:
            rows = [
                {
                    "platform": u.platform,
                    "update_id": u.update_id,
                    "actor_key": u.actor_key,
                    "command": u.command,
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "received_at": now,
                }
                for key, u in unique.items()
                if key in new
            ]
            await self.conn.execute(inbox.insert(), rows)
        return new

    async def claim(
        self, now: datetime, *, limit: int, only: Sequence[int] | None = None
    ) -> list[QueuedUpdate]:
        """The oldest due rows (or the `only` ones), locked until this transaction ends.

        A row is left out while an older row of the same person is queued and
        not in this claim (another worker holds it, or it waits for a retry).
        """
        query = (
            select(
                inbox.c.id,
                inbox.c.platform,
                inbox.c.update_id,
                inbox.c.command,
                inbox.c.attempts,
                inbox.c.actor_key,
            )
            .where(inbox.c.status == PENDING, inbox.c.next_attempt_at <= now)
            .order_by(inbox.c.id)
            .limit(limit)
        )
        if only is not None:
            query = query.where(inbox.c.id.in_(only))
        if self.is_postgres:
            query = query.with_for_update(skip_locked=True)
        rows = (await self.conn.execute(query)).all()
        if not rows:
            return []
        ids = [int(r[0]) for r in rows]
        held = await self.conn.execute(
            _held_elsewhere(self.is_postgres),
            {"actors": sorted({str(r[5]) for r in rows}), "ids": ids, "newest": max(ids)},
        )
        first_held = {str(k): int(i) for k, i in held.all()}
        return [
            QueuedUpdate(int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]))
            for r in rows
            if int(r[0]) < first_held.get(str(r[5]), int(r[0]) + 1)
        ]

    async def done(self, ids: Sequence[int]) -> None:
        """Applied: the rows leave the queue (the dedupe keys stay)."""
        if ids:
            await self.conn.execute(_delete_rows(self.is_postgres), {"ids": list(ids)})

    async def postpone(self, row_id: int, error: str, retry_at: datetime | None) -> None:
        """A failed attempt: due again at `retry_at`, or failed for good when None."""
        values: dict[str, Any] = {"attempts": inbox.c.attempts + 1, "last_error": error[:2000]}
        if retry_at is None:
            values["status"] = FAILED
        else:
            values["next_attempt_at"] = retry_at
        await self.conn.execute(update(inbox).where(inbox.c.id == row_id).values(**values))

    async def retry_failed(self, now: datetime) -> int:
        """Queue every failed row again (after a fix was deployed)."""
        result = await self.conn.execute(
            update(inbox)
            .where(inbox.c.status == FAILED)
            .values(status=PENDING, attempts=0, next_attempt_at=now)
        )
        return int(result.rowcount or 0)

    async def forget_keys(self, received_before: datetime) -> int:
        """Drop dedupe keys of updates received before then and no longer queued.

        Platforms redeliver within minutes (Slack) or a day (Telegram keeps
        updates 24 h); keys older than that only take space.
        """
        queued = select(inbox.c.id).where(
            inbox.c.platform == inbound_updates.c.platform,
            inbox.c.update_id == inbound_updates.c.update_id,
        )
        result = await self.conn.execute(
            delete(inbound_updates).where(
                inbound_updates.c.received_at < received_before, ~queued.exists()
            )
        )
        return int(result.rowcount or 0)

    async def depth(self) -> dict[str, int]:
        """Queued rows by status."""
        rows = await self.conn.execute(
            select(inbox.c.status, func.count()).group_by(inbox.c.status)
        )
        return {str(status): int(n) for status, n in rows.all()}

    async def oldest_pending(self) -> datetime | None:
        value = await self.conn.scalar(
            select(func.min(inbox.c.received_at)).where(inbox.c.status == PENDING)
        )
        return value if isinstance(value, datetime) else None

    async def failed(self, limit: int = 50) -> list[ParkedUpdate]:
        rows = await self.conn.execute(
            select(
                inbox.c.id,
                inbox.c.platform,
                inbox.c.update_id,
                inbox.c.attempts,
                inbox.c.last_error,
                inbox.c.received_at,
            )
            .where(inbox.c.status == FAILED)
            .order_by(inbox.c.id)
            .limit(limit)
        )
        return [ParkedUpdate(**row) for row in rows.mappings().all()]


# Statements built once (list parameters: core.storage.params).


@cache
def _held_elsewhere(postgres: bool) -> Any:
    """Per person among `actors`: their oldest queued row older than `newest`, not in `ids`."""
    return (
        select(inbox.c.actor_key, func.min(inbox.c.id))
        .where(
            one_of(inbox.c.actor_key, "actors", postgres=postgres, item_type=String),
            inbox.c.status == PENDING,
            inbox.c.id < bindparam("newest"),
            ~one_of(inbox.c.id, "ids", postgres=postgres, item_type=Integer),
        )
        .group_by(inbox.c.actor_key)
    )


@cache
def _delete_rows(postgres: bool) -> Any:
    return delete(inbox).where(one_of(inbox.c.id, "ids", postgres=postgres, item_type=Integer))
