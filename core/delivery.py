"""The outbox dispatcher: delivers stored events through each platform's sender.

Guarantees, and the one window where they are weaker:

- A row is leased before it is sent (lease time, owner, attempt count, and its
  rate-limit slots are written in one transaction; PostgreSQL workers take
  rows with FOR UPDATE SKIP LOCKED, so two workers never lease the same row).
  A worker killed at any point leaves its rows leased; they come back as soon
  as its heartbeat is stale (core.heartbeat: seconds), at once when the same
  worker id starts again, and at the latest when the lease expires.
- Rows of one conversation (`target_key`) go out in order: a row is only
  eligible when no earlier row of its conversation is still pending.
- A row is marked sent right after the platform accepted it; that write is
  retried if the database hiccups. The only ways to deliver a message twice
  are a crash (or a lost database) between the platform's acceptance and that
  write, and a send whose answer was lost where the platform cannot be asked
  whether it has the message: the at-least-once window, one message per
  conversation at most (README, "What 'nothing lost, nothing twice' means
  precisely").
- A send whose answer was lost (the sender raises MaybeSent) is never repeated
  blindly: the message is looked for first, or tried once more at most
  (core.unknown_outcome). A send that outlives `send_timeout_seconds` is an
  ordinary temporary failure; senders give up on the platform before that.
- 429s are honoured for the whole conversation (every worker waits), other
  errors are retried with exponential backoff and jitter (core.retry), permanent
  failures and exhausted retries are dead-lettered with their reason.

The SQL is core.storage.outbox_store's; this module decides what to write.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from core.delivery_outcomes import DeliveryStats, Leased, OutcomeWriter
from core.events import Event, event_from_json
from core.heartbeat import Heartbeat
from core.ratelimit import Departures, PlatformLimits, RateLimiter
from core.redact import describe
from core.retry import Backoff
from core.storage.db import Database
from core.storage.outbox_store import DueRow, OutboxRecords
from core.unknown_outcome import MaybeSent, Resolution, marker_of, send_once, settle
from core.wakeup import Wakeup

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Base of what a sender may raise; anything else counts as temporary."""


class RetryLater(DeliveryError):
    """The platform asked us to wait (HTTP 429 Retry-After, Telegram retry_after)."""

    def __init__(self, seconds: float, reason: str = "rate limited") -> None:
        super().__init__(f"{reason}; retry after {seconds:g}s")
        self.seconds = seconds


class PermanentFailure(DeliveryError):
    """Retrying cannot help: blocked bot, deleted chat, invalid recipient."""


class Sender(Protocol):
    async def send(self, event: Event) -> None: ...


# Temporary send failures: the jitter spreads retries of many workers apart.
OUTBOX_BACKOFF = Backoff(base=1.0, cap=300.0, jitter=0.5, attempts=12)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


DEFERRAL_STEP_SECONDS = 0.02


@dataclass(frozen=True)
class DeliveryTuning:
    """How the dispatcher paces itself; the defaults suit one worker of `helpdesk run`."""

    backoff: Backoff = OUTBOX_BACKOFF
    lease_seconds: float = 60.0
    # Below the lease, so a hung send is abandoned before another worker may take the row.
    send_timeout_seconds: float = 30.0
    # 429s do not count as attempts; this bounds how long a row may keep being refused.
    give_up_after_seconds: float = 24 * 3600.0
    batch_size: int = 50
    poll_seconds: float = 0.5
    # How far ahead rate-limit slots may be reserved (sends then wait for their slot).
    lookahead_seconds: float = 0.0
    concurrency: int = 32
    # The longest a send waits at a time for the inbox's backlog (`defer_while`).
    max_deferral_seconds: float = 1.0
    # A worker beats this often; one silent for `stale_worker_seconds` (3 beats) is
    # taken for dead and its leased rows are sent by the others.
    heartbeat_seconds: float = 2.0
    stale_worker_seconds: float = 6.0


class Dispatcher:
    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        *,
        clock: Callable[[], datetime],
        tuning: DeliveryTuning = DeliveryTuning(),
        limits: Mapping[str, PlatformLimits] | None = None,
        on_dead: Callable[[Event, str], Awaitable[None]] | None = None,
        defer_while: Callable[[], bool] | None = None,
        wakeup: Wakeup | None = None,
        worker_id: str | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.backoff = tuning.backoff
        self.lease_seconds = tuning.lease_seconds
        self.send_timeout_seconds = tuning.send_timeout_seconds
        self.give_up_after_seconds = tuning.give_up_after_seconds
        self.clock = clock
        self.on_dead = on_dead
        self.batch_size = tuning.batch_size
        self.poll_seconds = tuning.poll_seconds
        self.limiter = RateLimiter(limits or {}, lookahead=tuning.lookahead_seconds)
        self.departures = Departures(self.limiter.limits)
        self.concurrency = max(1, tuning.concurrency)
        self.worker_id = worker_id or default_worker_id()
        self.heartbeat = Heartbeat(
            db,
            self.worker_id,
            clock=clock,
            every_seconds=tuning.heartbeat_seconds,
            stale_after_seconds=tuning.stale_worker_seconds,
        )
        self.sleep = sleep
        self.stats = DeliveryStats()
        self.outcomes = OutcomeWriter(db, self.stats, clock=clock, sleep=sleep)
        self.wakeup = wakeup or Wakeup()
        self.last_cycle_at: datetime | None = None
        # While this says the inbox has a backlog, sending waits (at most
        # `max_deferral_seconds` at a time): acks and applying updates come first.
        self.defer_while = defer_while
        self.max_deferral_seconds = tuning.max_deferral_seconds

    def wake(self) -> None:
        self.wakeup.wake()

    # leasing

    async def _lease(self, limit: int) -> list[Leased]:
        """Lease due rows and reserve their rate-limit slots, in one transaction."""
        now = self.clock()
        async with self.db.transaction() as conn:
            records = OutboxRecords(conn)
            rows = await records.due(now, list(self.senders), limit)
            if not rows:
                return []
            readable: list[Leased] = []
            for found in rows:
                row = await self._read(records, found, now)
                if row is not None:
                    readable.append(row)
            grants = await self.limiter.reserve(
                conn, [row.budgets for row in readable], _epoch(now)
            )
            leased: list[Leased] = []
            deferred: list[tuple[int, datetime]] = []
            for row, grant in zip(readable, grants, strict=True):
                if grant.granted:
                    leased.append(replace(row, slot=grant.at))
                else:
                    deferred.append((row.id, _moment(grant.at)))
                    self.stats.deferred[row.event.target.platform] += 1
            if leased:
                await self.heartbeat.beat_with(conn, now)
                until = now + timedelta(seconds=self.lease_seconds + self.limiter.lookahead)
                await records.lease([row.id for row in leased], until, self.worker_id)
            if deferred:
                await records.defer(deferred)
        return leased

    async def _read(self, records: OutboxRecords, found: DueRow, now: datetime) -> Leased | None:
        """The row's event and budgets; a row no code can send goes out of the way, visibly."""
        try:
            event = event_from_json(found.event)
        except Exception as error:
            reason = f"unreadable event: {type(error).__name__}"
            await records.mark_unreadable(found.id, now, reason)
            return None
        budgets = tuple(self.limiter.budgets(event.target))
        return Leased(found.id, found.attempts + 1, event, found.created_at, budgets=budgets)

    async def recover(self) -> int:
        """Release the rows this worker id leased before it died (restart of the same unit)."""
        async with self.db.transaction() as conn:
            released = await OutboxRecords(conn).release(self.worker_id)
        if released:
            log.warning("released %d leased outbox rows of worker %s", released, self.worker_id)
        return released

    async def next_due(self) -> datetime | None:
        """When the earliest row we could send becomes due (None: nothing pending)."""
        far = self.clock() + timedelta(days=36500)
        async with self.db.transaction() as conn:
            return await OutboxRecords(conn).next_due(far, list(self.senders))

    # delivering

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were attempted."""
        self.last_cycle_at = self.clock()
        leased = await self._lease(self.batch_size)
        if leased:
            # Earliest slot first: each send waits for its own slot, never past a later one.
            leased.sort(key=lambda row: row.slot)
            await asyncio.gather(*(self._deliver(row) for row in leased))
        return len(leased)

    async def _deliver(self, row: Leased) -> None:
        platform = row.event.target.platform
        wait = row.slot - _epoch(self.clock())
        if wait > 0:
            await self.sleep(wait)
        now = _epoch(self.clock())
        wait = self.departures.take(platform, now) - now  # taken on waking, in order
        if wait > 0:
            await self.sleep(wait)
        sender = self.senders.get(platform)
        if sender is None:
            await self.outcomes.retry(
                row, self.poll_seconds, "no sender for this platform", "error"
            )
            return
        try:
            async with asyncio.timeout(self.send_timeout_seconds):
                await send_once(sender, row.event, marker_of(row.id))
        except MaybeSent as unsure:
            await self._unsure(row, sender, unsure)
        except Exception as error:
            await self._failed(row, error)
        else:
            await self.outcomes.sent(row)

    async def _failed(self, row: Leased, error: Exception) -> None:
        if isinstance(error, RetryLater):
            await self._rate_limited(row, error)
            return
        if isinstance(error, PermanentFailure):
            await self._dead(row, f"permanent: {error}")
            return
        # network errors, 5xx, timeouts: all temporary
        cause = "timeout" if isinstance(error, TimeoutError) else "error"
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if self.backoff.exhausted(row.attempts):
            await self._dead(row, f"gave up after {row.attempts} attempts: {reason}")
        else:
            await self.outcomes.retry(row, self.backoff.delay(row.attempts), reason, cause)

    async def _unsure(self, row: Leased, sender: Sender, unsure: MaybeSent) -> None:
        """Looked for before anything is sent again; only a message known missing is retried."""
        platform = row.event.target.platform
        try:
            resolution = await settle(
                sender, row.event, marker_of(row.id), self.send_timeout_seconds
            )
        except Exception as error:  # the resend was refused or failed outright: the ordinary way
            self.stats.unknown[(platform, Resolution.RESENT.value)] += 1
            await self._failed(row, error)
            return
        self.stats.unknown[(platform, resolution.value)] += 1
        log.warning("delivery id=%s outcome unknown (%s): %s", row.id, resolution, describe(unsure))
        if resolution is Resolution.MISSING:
            await self._failed(row, unsure)
        else:
            await self.outcomes.sent(row)

    async def _rate_limited(self, row: Leased, wait: RetryLater) -> None:
        now = self.clock()
        if row.created_at is not None and (now - row.created_at).total_seconds() > (
            self.give_up_after_seconds
        ):
            await self._dead(row, f"still rate limited after {self.give_up_after_seconds:g}s")
            return
        # The platform's wait applies to the conversation, so every worker honours it.
        conversation = [(key, rate) for key, rate in row.budgets if not key.endswith(":bot")]
        try:
            async with self.db.transaction() as conn:
                await self.limiter.hold(conn, conversation, _epoch(now) + wait.seconds)
        except Exception:
            log.exception("could not record a platform wait for id=%s", row.id)
        # No jitter needed: the shared budgets already space the resumed sends.
        await self.outcomes.retry(row, wait.seconds, str(wait), "rate_limited", count_attempt=False)

    async def _dead(self, row: Leased, reason: str) -> None:
        reason = await self.outcomes.dead(row, reason)
        if self.on_dead is not None:
            await self.on_dead(row.event, reason)

    # loops

    async def run_until_idle(self, max_rounds: int = 1000) -> int:
        """Deliver until nothing is due (console and tests); returns rows attempted."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once()
            total += done
            if done == 0:
                break
        return total

    async def _idle_timeout(self) -> float:
        try:
            due = await self.next_due()
        except Exception:
            return self.poll_seconds
        if due is None:
            return self.poll_seconds
        return min(self.poll_seconds, max(0.001, (due - self.clock()).total_seconds()))

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Lease and deliver until `stop`, beating meanwhile; up to `concurrency` sends."""
        try:
            await self.recover()
        except Exception:
            log.exception("could not release this worker's old leases; they will be taken over")
        # Beats until the last send is finished, not just until `stop`: rows still in
        # flight during a shutdown are not taken over.
        drained = asyncio.Event()
        beating = asyncio.create_task(self.heartbeat.run(drained, self.wake))
        try:
            await self._loop(stop)
        finally:
            drained.set()
            await beating
        try:
            await self.heartbeat.retire()
        except Exception as error:
            log.error("could not retire this worker's heartbeat: %s", describe(error))

    async def _loop(self, stop: asyncio.Event) -> None:
        in_flight: set[asyncio.Task[None]] = set()
        loop = asyncio.get_running_loop()
        deferred_since: float | None = None
        while not stop.is_set():
            self.last_cycle_at = self.clock()
            if self.defer_while is not None and self.defer_while():
                deferred_since = deferred_since or loop.time()
                if loop.time() - deferred_since < self.max_deferral_seconds:
                    await asyncio.sleep(DEFERRAL_STEP_SECONDS)
                    continue
            deferred_since = None
            leased: list[Leased] = []
            free = self.concurrency - len(in_flight)
            if free > 0:
                try:
                    leased = await self._lease(min(free, self.batch_size))
                except Exception as error:
                    log.error(
                        "outbox cycle failed; retrying: %s",
                        describe(error),
                    )
                for row in leased:
                    in_flight.add(asyncio.create_task(self._deliver_logged(row)))
            if leased:
                await asyncio.sleep(0)
                in_flight = {task for task in in_flight if not task.done()}
                continue
            timeout = self.poll_seconds if free <= 0 else await self._idle_timeout()
            self.wakeup.clear()
            waiters: set[asyncio.Future[object]] = {
                asyncio.ensure_future(self.wakeup.wait()),
                asyncio.ensure_future(stop.wait()),
            }
            await asyncio.wait(
                waiters | set(in_flight), timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in waiters:
                waiter.cancel()
            in_flight = {task for task in in_flight if not task.done()}
        if in_flight:
            await asyncio.wait(in_flight, timeout=self.send_timeout_seconds + 5)

    async def _deliver_logged(self, row: Leased) -> None:
        try:
            await self._deliver(row)
        except Exception as error:  # the row stays leased and comes back after the lease
            log.error(
                "delivery id=%s failed outside the sender: %s",
                row.id,
                describe(error),
            )

    async def depth(self) -> int:
        async with self.db.transaction() as conn:
            return await OutboxRecords(conn).depth()
