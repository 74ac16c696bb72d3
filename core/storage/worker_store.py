"""The `workers` table: one heartbeat per running dispatcher.

A worker writes its row when it starts and every few seconds after; a row
whose heartbeat is older than the staleness bound belongs to a dead worker and
is deleted by whichever live worker notices. The outbox rows such a worker
leased are then taken over (core.storage.outbox_store.OutboxRecords.take_over).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.dialect import insert_for
from core.storage.tables import workers


class WorkerRecords:
    """The workers' heartbeats seen through one open transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def beat(self, worker_id: str, now: datetime) -> None:
        """`worker_id` is alive at `now` (its row is made on the first beat)."""
        statement = insert_for(self.conn, workers).values(
            worker_id=worker_id, heartbeat_at=now, started_at=now
        )
        await self.conn.execute(
            statement.on_conflict_do_update(
                index_elements=["worker_id"], set_={"heartbeat_at": statement.excluded.heartbeat_at}
            )
        )

    async def forget_stale(self, beaten_before: datetime) -> int:
        """Delete the workers whose last heartbeat is older than `beaten_before`; how many."""
        # The condition is the DELETE's own: a worker that beat meanwhile is kept.
        result = await self.conn.execute(
            delete(workers).where(workers.c.heartbeat_at < beaten_before)
        )
        return int(result.rowcount or 0)

    async def retire(self, worker_id: str) -> None:
        """`worker_id` stopped cleanly."""
        await self.conn.execute(delete(workers).where(workers.c.worker_id == worker_id))

    async def oldest_heartbeat(self, excluding: str) -> datetime | None:
        """The earliest heartbeat of the other live workers (None: there are none)."""
        value = await self.conn.scalar(
            select(func.min(workers.c.heartbeat_at)).where(workers.c.worker_id != excluding)
        )
        return value if isinstance(value, datetime) else None
