"""The inbox: an update is stored durably and acknowledged, then applied by the desk.

A platform's ack waits only for `submit`: the update's command is written to
the `inbox` table (deduplicated by its platform id) and committed. Updates
arriving together share that commit (group commit), so a burst of events is
acknowledged in a few milliseconds each. `run_forever` applies the queued
updates in batches, oldest first, one transaction per batch (`apply_queued`:
the desk applies each command in it, `Desk.apply`); a batch that stops on one
update is split so the others still apply, and the failing update is retried
with backoff, then parked as failed with its error (`helpdesk inbox list|retry`);
one that retrying cannot help (not even JSON, or values the database refuses)
is parked at once.
Several workers share the queue: rows are claimed with SKIP LOCKED, one
person's updates in order.

Nothing is lost on a crash: before the commit the platform has no ack and
redelivers; after it the row stays queued until a transaction that applied it
also removed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from core import commands as c
from core import errors
from core.commands import InboundKey
from core.desk import Desk
from core.events import Event
from core.redact import describe
from core.retry import Backoff
from core.storable import storable, storable_text
from core.storage.db import Database, is_data_error, is_outage
from core.storage.inbox_store import InboxRecords, NewUpdate, QueuedUpdate
from core.storage.outbox_store import OutboxRecords
from core.storage.repository import Repository

log = logging.getLogger(__name__)

# Commands about an existing ticket or FAQ answer, refused when it moved on meanwhile.
_MAY_BE_REFUSED = (c.TicketCommand, c.EditMessage, c.FaqFeedback, c.ChooseSuggestion)


@dataclass
class QueuedBatch:
    """What `Inbox.apply_queued` did: rows applied, or where the batch stopped."""

    applied: int = 0
    failed_at: int | None = None
    row: QueuedUpdate | None = None
    error: BaseException | None = None
    taken_elsewhere: bool = False  # the row went to another worker meanwhile

    @property
    def found_nothing(self) -> bool:
        """Nothing was queued and due: the caller may wait for news."""
        return self.applied == 0 and self.failed_at is None and not self.taken_elsewhere


class _BatchStopped(Exception):
    def __init__(self, index: int, row: QueuedUpdate, error: BaseException) -> None:
        super().__init__(f"queued update {row.id} failed: {error!r}")
        self.index, self.row, self.error = index, row, error


class UnreadableUpdate(ValueError):
    """A queued row whose text is not a stored command of any version (not even JSON)."""


def _stored_command(row: QueuedUpdate) -> c.Command | ValueError:
    """The row's command, or the error that says why it cannot be read.

    A row of a command type or shape this version does not know may come from
    a newer release, whose workers can apply it: that one is retried as usual.
    """
    try:
        return c.command_from_json(row.command)
    except ValueError as error:
        if isinstance(error.__cause__, json.JSONDecodeError):
            return UnreadableUpdate(str(error))
        return error


def retry_cannot_help(error: BaseException) -> bool:
    """The update itself is at fault: the same row would fail the same way every time.

    Such a row is parked at once, so the person's next update is not held
    behind its backoff.
    """
    return isinstance(error, UnreadableUpdate) or is_data_error(error)


# A failing update: tried again after 2, 4, 8, 16 s, then parked as failed.
INBOX_BACKOFF = Backoff(base=2.0, attempts=5)


class Intake(Protocol):
    """Where a platform adapter hands a command (the inbox; tests may bring their own)."""

    async def submit(self, cmd: c.Command, update: InboundKey) -> bool:
        """Store (or apply) the update; False when it was seen before."""
        ...


@dataclass(frozen=True)
class InboxTuning:
    """How the inbox groups its work; the defaults suit PostgreSQL."""

    batch_size: int = 100  # updates applied per transaction
    poll_seconds: float = 1.0
    backoff: Backoff = INBOX_BACKOFF
    store_batch_size: int = 500  # updates stored per group commit


class Inbox:
    """Group-committed intake plus the loop that applies what it stored."""

    def __init__(
        self,
        db: Database,
        desk: Desk,
        *,
        clock: Callable[[], datetime],
        tuning: InboxTuning = InboxTuning(),
    ) -> None:
        self.db = db
        self.desk = desk
        self.clock = clock
        self.batch_size = tuning.batch_size
        self.poll_seconds = tuning.poll_seconds
        self.backoff = tuning.backoff
        self.store_batch_size = tuning.store_batch_size
        self.applied = 0
        self.backlogged = False  # the last batch was full: more is waiting
        self.last_cycle_at: datetime | None = None
        self._waiting: list[tuple[NewUpdate, asyncio.Future[bool]]] = []
        self._storing: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # storing (on the ack path)

    async def submit(self, cmd: c.Command, update: InboundKey) -> bool:
        """Store the update for the desk; returns once it is committed."""
        # A lone surrogate could not even be written to the queue.
        keep_nul = self.db.is_sqlite
        cmd, update = storable(cmd, keep_nul=keep_nul), storable(update, keep_nul=keep_nul)
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
                batch = await self.apply_queued(limit)
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
            batch = await self.apply_queued(limit)
            limit = await self._after(batch)
            total += batch.applied
            if batch.found_nothing:
                return total

    async def apply_queued(self, limit: int) -> QueuedBatch:
        """Apply up to `limit` queued updates, oldest first, in one transaction.

        One commit for many updates is what lets a worker keep up with a busy
        workspace. If the update at index k fails, the whole batch rolls back
        and `failed_at` says so: the caller applies the k before it as a batch,
        then the failing one alone. A refusal (DeskError) of an update applied
        alone is answered like `Desk.handle` answers it; any other error is
        retried later (`_postpone`).
        """
        now = self.clock()
        try:
            async with self.db.transaction() as conn:
                repo, queue = self.desk.repository(conn), InboxRecords(conn)
                rows = await queue.claim(now, limit=limit)
                commands = [_stored_command(row) for row in rows]
                await repo.prefetch_people(
                    cmd.actor.ref for cmd in commands if isinstance(cmd, c.Command)
                )
                await repo.prefetch_active_tickets()
                events: list[Event] = []
                for index, (row, cmd) in enumerate(zip(rows, commands, strict=True)):
                    try:
                        if isinstance(cmd, Exception):
                            raise cmd
                        events += await self._apply_in_batch(conn, repo, cmd, now)
                    except Exception as error:
                        raise _BatchStopped(index, row, error) from error
                await queue.done([row.id for row in rows])
                await OutboxRecords(conn).enqueue(events, now)
        except _BatchStopped as stopped:
            if stopped.index == 0 and isinstance(stopped.error, errors.DeskError):
                return await self._refuse_queued(stopped.row, stopped.error)
            return QueuedBatch(failed_at=stopped.index, row=stopped.row, error=stopped.error)
        self.desk.queued(events)
        return QueuedBatch(applied=len(rows))

    async def _apply_in_batch(
        self, conn: AsyncConnection, repo: Repository, cmd: c.Command, now: datetime
    ) -> list[Event]:
        """Apply one of a batch; an agent's command that may be refused gets a savepoint.

        A refusal then costs nothing to the rest of the batch, and no ticket
        number is used up by a rolled-back batch when two agents race for a claim.
        Plain messages, questions and new tickets (the bulk) need none.
        """
        if not isinstance(cmd, _MAY_BE_REFUSED):
            return await self.desk.apply(repo, cmd, now)
        savepoint = await conn.begin_nested()
        try:
            events = await self.desk.apply(repo, cmd, now)
        except errors.DeskError as refused:
            await savepoint.rollback()
            repo.forget()  # what it read inside the savepoint may be gone
            return await self.desk.refuse(repo, cmd, now, refused)
        await savepoint.commit()
        return events

    async def _refuse_queued(self, row: QueuedUpdate, refused: errors.DeskError) -> QueuedBatch:
        """Answer a refused update alone, unless another worker took it meanwhile."""
        now = self.clock()
        async with self.db.transaction() as conn:
            repo, queue = self.desk.repository(conn), InboxRecords(conn)
            if not await queue.claim(now, limit=1, only=[row.id]):
                return QueuedBatch(taken_elsewhere=True)
            events = await self.desk.refuse(repo, c.command_from_json(row.command), now, refused)
            await queue.done([row.id])
            await OutboxRecords(conn).enqueue(events, now)
        self.desk.queued(events)
        return QueuedBatch(applied=1)

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
        if retry_cannot_help(error):
            log.error(
                "update %s:%s cannot be applied and is parked (helpdesk inbox list): %s",
                row.platform,
                row.update_id,
                describe(error),
            )
            retry_at = None
        elif self.backoff.exhausted(attempts):
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
        async with self.db.transaction() as conn:
            await InboxRecords(conn).postpone(
                row.id, storable_text(describe(error, 500), keep_nul=self.db.is_sqlite), retry_at
            )

    async def _idle(self, stop: asyncio.Event) -> None:
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait(waits, timeout=self.poll_seconds, return_when="FIRST_COMPLETED")
        for waiter in waits:
            waiter.cancel()

    async def depth(self) -> dict[str, int]:
        async with self.db.transaction() as conn:
            return await InboxRecords(conn).depth()
