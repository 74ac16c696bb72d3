"""Looking at and acting on the outbox: dead letters, retries, purges, gauges.

Used by `helpdesk outbox list|retry|purge` and by the metrics endpoint; every
function is one short transaction, safe while workers are running.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import and_, delete, func, select, update

from core.storage.db import Database
from core.storage.inbox_store import InboxRecords
from core.storage.tables import faq_queries, inbound_updates, outbox, rate_limits

Status = Literal["pending", "sent", "dead"]


@dataclass(frozen=True)
class OutboxRow:
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


async def list_rows(
    db: Database,
    *,
    status: Status | None = "dead",
    platform: str | None = None,
    limit: int = 50,
) -> list[OutboxRow]:
    """Rows newest first; the event's content stays out (it is personal data)."""
    query = select(outbox).order_by(outbox.c.id.desc()).limit(limit)
    if status is not None:
        query = query.where(outbox.c.status == status)
    if platform is not None:
        query = query.where(outbox.c.platform == platform)
    async with db.transaction() as conn:
        rows = (await conn.execute(query)).mappings().all()
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
        for row in rows
    ]


async def retry_dead(
    db: Database, now: datetime, *, ids: Sequence[int] = (), platform: str | None = None
) -> int:
    """Put dead letters back in the queue (all of them when no ids are given)."""
    conditions = [outbox.c.status == "dead"]
    if ids:
        conditions.append(outbox.c.id.in_(list(ids)))
    if platform is not None:
        conditions.append(outbox.c.platform == platform)
    async with db.transaction() as conn:
        result = await conn.execute(
            update(outbox)
            .where(and_(*conditions))
            .values(
                status="pending",
                attempts=0,
                next_attempt_at=now,
                lease_until=None,
                leased_by=None,
                dead_at=None,
            )
        )
    return int(result.rowcount or 0)


async def purge(
    db: Database,
    now: datetime,
    *,
    statuses: Sequence[Status] = ("sent",),
    older_than: timedelta = timedelta(days=7),
    ids: Sequence[int] = (),
) -> int:
    """Delete finished rows (never pending ones) and rate-limit keys idle for a day."""
    allowed = [status for status in statuses if status != "pending"]
    if not allowed:
        return 0
    cutoff = now - older_than
    conditions = [outbox.c.status.in_(allowed), outbox.c.created_at < cutoff]
    if ids:
        conditions = [outbox.c.status.in_(allowed), outbox.c.id.in_(list(ids))]
    async with db.transaction() as conn:
        result = await conn.execute(delete(outbox).where(and_(*conditions)))
        idle = (now - timedelta(days=1)).timestamp()
        await conn.execute(delete(rate_limits).where(rate_limits.c.tat < idle))
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class Snapshot:
    """The cluster's delivery state, read from the database (same from every worker)."""

    by_status: dict[tuple[str, str], int]  # (platform, status) -> rows
    oldest_pending_seconds: dict[str, float]  # platform -> age of its oldest pending row
    inbound: dict[str, int]  # platform -> updates recorded
    faq_decisions: dict[str, int]  # answer | suggest | none -> count
    inbox: dict[str, int]  # pending | failed -> updates stored but not applied
    inbox_oldest_seconds: float  # age of the oldest update waiting for the desk


async def snapshot(db: Database, now: datetime) -> Snapshot:
    async with db.transaction() as conn:
        by_status = {
            (row.platform, row.status): int(row.n)
            for row in await conn.execute(
                select(outbox.c.platform, outbox.c.status, func.count().label("n")).group_by(
                    outbox.c.platform, outbox.c.status
                )
            )
        }
        oldest = {
            row.platform: max(0.0, (now - row.oldest).total_seconds())
            for row in await conn.execute(
                select(outbox.c.platform, func.min(outbox.c.created_at).label("oldest"))
                .where(outbox.c.status == "pending")
                .group_by(outbox.c.platform)
            )
            if isinstance(row.oldest, datetime)
        }
        inbound = {
            row.platform: int(row.n)
            for row in await conn.execute(
                select(inbound_updates.c.platform, func.count().label("n")).group_by(
                    inbound_updates.c.platform
                )
            )
        }
        decisions = {
            row.decision: int(row.n)
            for row in await conn.execute(
                select(faq_queries.c.decision, func.count().label("n")).group_by(
                    faq_queries.c.decision
                )
            )
        }
        records = InboxRecords(conn)
        queued = await records.depth()
        oldest_queued = await records.oldest_pending()
    waiting = (now - oldest_queued).total_seconds() if oldest_queued else 0.0
    return Snapshot(by_status, oldest, inbound, decisions, queued, max(0.0, waiting))
