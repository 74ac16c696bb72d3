"""Worker heartbeats, and the takeover of a dead worker's outbox leases.

Every dispatcher writes its heartbeat into the `workers` table every
`heartbeat_seconds`, and with every lease it takes. A worker whose heartbeat
is older than `stale_after_seconds` is taken for dead: whichever live worker
notices first deletes its row and frees the outbox rows it had leased, which
are then sent again at once (the same worker id would have released them on
restart; a lease otherwise expires only after `lease_seconds`). A live worker
keeps beating while its sends are in flight, however long they take, so its
leases are never taken. The approach is that of PostgreSQL job queues such as
procrastinate (worker heartbeats, "stalled" jobs of workers that stopped beating).

Times are the workers' own clocks, as leases already are: hosts sharing a
database keep their clocks in sync (NTP), well within the staleness bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.redact import describe
from core.storage.db import Database
from core.storage.outbox_store import OutboxRecords
from core.storage.worker_store import WorkerRecords

log = logging.getLogger(__name__)

# A takeover check waits a little past the moment a worker turns stale, so it finds it so.
_PAST_STALE_SECONDS = 0.05


@dataclass(frozen=True)
class Takeover:
    """One check: rows freed, and when the next check is worth making."""

    released: int
    next_check_in: float


class Heartbeat:
    """One worker's heartbeat and its watch over the others'."""

    def __init__(
        self,
        db: Database,
        worker_id: str,
        *,
        clock: Callable[[], datetime],
        every_seconds: float,
        stale_after_seconds: float,
    ) -> None:
        self.db = db
        self.worker_id = worker_id
        self.clock = clock
        self.every_seconds = every_seconds
        self.stale_after = timedelta(seconds=stale_after_seconds)
        self.last_beat_at: datetime | None = None

    async def beat_with(self, conn: AsyncConnection, now: datetime) -> None:
        """Beat inside the caller's transaction (a lease commits with its owner's heartbeat)."""
        if self.last_beat_at is not None and (now - self.last_beat_at).total_seconds() < (
            self.every_seconds
        ):
            return
        await WorkerRecords(conn).beat(self.worker_id, now)
        self.last_beat_at = now

    async def check(self) -> Takeover:
        """Beat, forget stale workers and free their leases, in one transaction."""
        now = self.clock()
        async with self.db.transaction() as conn:
            workers = WorkerRecords(conn)
            await workers.beat(self.worker_id, now)
            await workers.forget_stale(now - self.stale_after)
            released = await OutboxRecords(conn).take_over(now)
            oldest = await workers.oldest_heartbeat(excluding=self.worker_id)
        self.last_beat_at = now
        if released:
            log.warning("took over %d outbox rows leased by workers that stopped beating", released)
        wait = self.every_seconds
        if oldest is not None:
            # The oldest other heartbeat turns stale then: check right after, not a beat later.
            turns_stale = (oldest + self.stale_after - now).total_seconds() + _PAST_STALE_SECONDS
            wait = min(wait, max(_PAST_STALE_SECONDS, turns_stale))
        return Takeover(released, wait)

    async def retire(self) -> None:
        """Stopped cleanly: the row goes, and with it any lease left behind."""
        async with self.db.transaction() as conn:
            await WorkerRecords(conn).retire(self.worker_id)

    async def run(self, stop: asyncio.Event, on_released: Callable[[], None]) -> None:
        """Beat and watch until `stop`; `on_released` when rows were freed."""
        while not stop.is_set():
            wait = self.every_seconds
            try:
                found = await self.check()
            except Exception as error:
                log.error("heartbeat failed; trying again: %s", describe(error))
            else:
                wait = found.next_check_in
                if found.released:
                    on_released()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
