"""Looking at and acting on the outbox: dead letters, retries, purges, gauges.

Used by `helpdesk outbox list|retry|purge` and by the metrics endpoint; every
function is one short transaction, safe while workers are running.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.ratelimit import forget_idle_budgets
from core.storage.db import Database
from core.storage.dedupe import updates_by_platform
from core.storage.inbox_store import InboxRecords
from core.storage.outbox_store import OutboxRecords, OutboxRow, Status
from core.storage.tables import faq_queries


async def list_rows(
    db: Database,
    *,
    statuses: Sequence[Status] | None = ("pending", "dead"),
    platform: str | None = None,
    limit: int = 50,
) -> list[OutboxRow]:
    """Rows newest first; the event's content stays out (it is personal data)."""
    async with db.transaction() as conn:
        return await OutboxRecords(conn).rows(statuses=statuses, platform=platform, limit=limit)


async def status_counts(db: Database, platform: str | None = None) -> dict[str, int]:
    """Status -> rows (of one platform, or of all)."""
    async with db.transaction() as conn:
        by_status = await OutboxRecords(conn).count_by_status()
    counts: dict[str, int] = {}
    for (row_platform, status), rows in by_status.items():
        if platform is None or row_platform == platform:
            counts[status] = counts.get(status, 0) + rows
    return counts


async def retry_dead(
    db: Database, now: datetime, *, ids: Sequence[int] = (), platform: str | None = None
) -> int:
    """Put dead letters back in the queue (all of them when no ids are given)."""
    async with db.transaction() as conn:
        return await OutboxRecords(conn).retry_dead(now, ids=ids, platform=platform)


async def purge(
    db: Database,
    now: datetime,
    *,
    statuses: Sequence[Status] = ("sent",),
    older_than: timedelta = timedelta(days=7),
    ids: Sequence[int] = (),
) -> int:
    """Delete finished rows (never pending ones) and rate-limit keys idle for a day."""
    if all(status == "pending" for status in statuses):
        return 0
    async with db.transaction() as conn:
        deleted = await OutboxRecords(conn).delete_finished(
            statuses, created_before=now - older_than, ids=ids
        )
        await forget_idle_budgets(conn, (now - timedelta(days=1)).timestamp())
    return deleted


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
        records = OutboxRecords(conn)
        by_status = await records.count_by_status()
        oldest = {
            platform: max(0.0, (now - created).total_seconds())
            for platform, created in (await records.oldest_pending()).items()
        }
        inbound = await updates_by_platform(conn)
        decisions = {
            row.decision: int(row.n)
            for row in await conn.execute(
                select(faq_queries.c.decision, func.count().label("n")).group_by(
                    faq_queries.c.decision
                )
            )
        }
        queue = InboxRecords(conn)
        queued = await queue.depth()
        oldest_queued = await queue.oldest_pending()
    waiting = (now - oldest_queued).total_seconds() if oldest_queued else 0.0
    return Snapshot(by_status, oldest, inbound, decisions, queued, max(0.0, waiting))
