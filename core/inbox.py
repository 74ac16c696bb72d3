"""The inbox: an update is stored durably and acknowledged, then applied by the desk.

A platform's ack waits only for `submit`: the update's command is written to
the `inbox` table (deduplicated by its platform id) and committed. Updates
arriving together share that commit (group commit), so a burst of events is
acknowledged in a few milliseconds each. `run_forever` applies the queued
updates in batches, oldest first, one transaction per batch (Desk.apply_queued);
a batch that stops on one update is split so the others still apply, and the
failing update is retried with backoff, then parked as failed with its error
(`helpdesk inbox list|retry`). Several workers share the queue: rows are
claimed with SKIP LOCKED, one person's updates in order.

Nothing is lost on a crash: before the commit the platform has no ack and
redelivers; after it the row stays queued until a transaction that applied it
also removed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from core import commands as c
from core.desk import Desk, InboundKey, QueuedBatch
from core.redact import describe
from core.retry import Backoff
from core.storage.db import Database, is_outage
from core.storage.inbox_store import InboxRecords, NewUpdate, QueuedUpdate

log = logging.getLogger(__name__)

# A failing update: tried again after 2, 4, 8, 16 s, then parked as failed.
INBOX_BACKOFF = Backoff(base=2.0, attempts=5)


class Intake(Protocol):
    """Where a platform adapter hands a command (the inbox; tests may bring their own)."""

    async def submit(self, cmd: c.Command, update: InboundKey) -> bool:
        """Store (or apply) the update; False when it was seen before."""
        ...


class Inbox:
    """Group-committed intake plus the loop that applies what it stored."""

    def __init__(
        self,
        db: Database,
        desk: Desk,
        *,
        clock: Callable[[], datetime],
        batch_size: int = 100,
        poll_seconds: float = 1.0,
        backoff: Backoff = INBOX_BACKOFF,
        store_batch_size: int = 500,
    ) -> None:
        self.db = db
        self.desk = desk
        self.clock = clock
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.backoff = backoff
        self.store_batch_size = store_batch_size
        self.applied = 0
        self.backlogged = False  # the last batch was full: more is waiting
        self.last_cycle_at: datetime | None = None
        self._waiting: list[tuple[NewUpdate, asyncio.Future[bool]]] = []
        self._storing: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # storing (on the ack path)

    async def submit(self, cmd: c.Command, update: InboundKey) -> bool:
        """Store the update for the desk; returns once it is committed."""
        item = NewUpdate(
            platform=update.platform,
            update_id=update.update_id,
            actor_key=f"{cmd.actor.platform}:{cmd.actor.user_id}",
            command=c.command_to_json(cmd),
        )
        stored: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, stored))
        if self._storing is None or self._storing.done():
            self._storing = asyncio.create_task(self._store_waiting())
        return await stored

    async def _store_waiting(self) -> None:
        """Commit everything that is waiting, one transaction per group."""
        while self._waiting:
            group = self._waiting[: self.store_batch_size]
            del self._waiting[: self.store_batch_size]
            try:
                async with self.db.transaction() as conn:
                    new = await InboxRecords(conn).store([item for item, _ in group], self.clock())
            except Exception as error:
                for _, stored in group:
                    if not stored.done():
                        stored.set_exception(error)
                continue
            answered: set[tuple[str, str]] = set()
            for item, stored in group:
                key = (item.platform, item.update_id)
                first = key in new and key not in answered
                answered.add(key)
                if not stored.done():
                    stored.set_result(first)
            if new:
                self.wake()

    # applying (in the background)

    def wake(self) -> None:
        self._wake.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Apply queued updates until `stop` is set."""
        limit = self.batch_size
        while not stop.is_set():
            self.last_cycle_at = self.clock()
            self._wake.clear()
            try:
                batch = await self.desk.apply_queued(limit)
                limit = await self._after(batch)
            except Exception:
                log.exception("applying queued updates failed; trying again shortly")
                await self._idle(stop)
                continue
            if batch.found_nothing:
                await self._idle(stop)

    async def apply_all(self) -> int:
        """Apply everything that is due now (tests and one-off runs); how many applied."""
        total, limit = 0, self.batch_size
        while True:
            batch = await self.desk.apply_queued(limit)
            limit = await self._after(batch)
            total += batch.applied
            if batch.found_nothing:
                return total

    def has_backlog(self) -> bool:
        return self.backlogged

    async def _after(self, batch: QueuedBatch) -> int:
        """The next batch's size: the good prefix after a stop, else the full size."""
        self.applied += batch.applied
        self.backlogged = batch.failed_at is not None or batch.applied >= self.batch_size
        if batch.failed_at is None:
            return self.batch_size
        if batch.failed_at > 0:
            return batch.failed_at
        assert batch.row is not None and batch.error is not None
        if is_outage(batch.error):
            raise batch.error  # not the update's fault: back off, keep its attempts
        await self._postpone(batch.row, batch.error)
        return self.batch_size

    async def _postpone(self, row: QueuedUpdate, error: BaseException) -> None:
        attempts = row.attempts + 1
        if self.backoff.exhausted(attempts):
            log.error(
                "update %s:%s failed %d times and is parked (helpdesk inbox list): %s",
                row.platform,
                row.update_id,
                attempts,
                describe(error),
            )
            retry_at = None
        else:
            delay = self.backoff.delay(attempts)
            log.warning(
                "update %s:%s failed (%s); retrying in %.0f s",
                row.platform,
                row.update_id,
                describe(error),
                delay,
            )
            retry_at = self.clock() + timedelta(seconds=delay)
        await self.desk.postpone_queued(row, error, retry_at)

    async def _idle(self, stop: asyncio.Event) -> None:
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait(waits, timeout=self.poll_seconds, return_when="FIRST_COMPLETED")
        for waiter in waits:
            waiter.cancel()

    async def depth(self) -> dict[str, int]:
        async with self.db.transaction() as conn:
            return await InboxRecords(conn).depth()
