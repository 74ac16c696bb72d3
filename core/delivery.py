"""The outbox dispatcher: delivers stored events through each platform's sender.

Guarantees, and the one window where they are weaker:

- A row is leased before it is sent (lease time, owner, attempt count, and its
  rate-limit slots are written in one transaction; PostgreSQL workers take
  rows with FOR UPDATE SKIP LOCKED, so two workers never lease the same row).
  A worker killed at any point leaves its rows leased; they come back when
  the lease expires, or at once when the same worker id starts again.
- Rows of one conversation (`target_key`) go out in order: a row is only
  eligible when no earlier row of its conversation is still pending.
- A row is marked sent right after the platform accepted it; that write is
  retried if the database hiccups. The only way to deliver a message twice is
  a crash (or a lost database) between the platform's acceptance and that
  write, or a send that timed out after the platform accepted it: the
  at-least-once window, one message per conversation at most (docs/deployment.md).
- 429s are honoured for the whole conversation (every worker waits), other
  errors are retried with exponential backoff and full jitter, permanent
  failures and exhausted retries are dead-lettered with their reason.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from core.events import Event, event_from_json
from core.ratelimit import Budgets, PlatformLimits, RateLimiter
from core.redact import describe, redact
from core.storage.db import Database
from core.storage.tables import outbox

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


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 1.0
    max_seconds: float = 300.0
    max_attempts: int = 12
    lease_seconds: float = 60.0
    # Below the lease, so a hung send is abandoned before another worker may take the row.
    send_timeout_seconds: float = 30.0
    # 429s do not count as attempts; this bounds how long a row may keep being refused.
    give_up_after_seconds: float = 24 * 3600.0

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: spreads retries of many workers apart."""
        ceiling = min(self.max_seconds, self.base_seconds * (2 ** max(0, attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Leased:
    id: int
    attempts: int
    event: Event
    created_at: datetime | None = None
    slot: float = 0.0  # epoch seconds: the rate-limit slot reserved for this send
    budgets: Budgets = ()


@dataclass
class DeliveryStats:
    """This process's delivery counters (the outbox table holds the cluster's state)."""

    sent: Counter[str] = field(default_factory=Counter)
    retried: Counter[tuple[str, str]] = field(default_factory=Counter)  # (platform, cause)
    dead: Counter[str] = field(default_factory=Counter)
    deferred: Counter[str] = field(default_factory=Counter)  # held back by our own limits


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


DEFERRAL_STEP_SECONDS = 0.02


class Dispatcher:
    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        *,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime],
        on_dead: Callable[[Event, str], Awaitable[None]] | None = None,
        batch_size: int = 50,
        poll_seconds: float = 0.5,
        limits: Mapping[str, PlatformLimits] | None = None,
        lookahead_seconds: float = 0.0,
        concurrency: int = 32,
        worker_id: str | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.on_dead = on_dead
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.limiter = RateLimiter(limits or {}, lookahead=lookahead_seconds)
        self.concurrency = max(1, concurrency)
        self.worker_id = worker_id or default_worker_id()
        self.sleep = sleep
        self.stats = DeliveryStats()
        self._wake = asyncio.Event()
        self._unrecorded: list[Leased] = []
        self._recording = asyncio.Lock()
        self.last_cycle_at: datetime | None = None
        # While this says the inbox has a backlog, sending waits (at most
        # `max_deferral_seconds` at a time): acks and applying updates come first.
        self.defer_while: Callable[[], bool] | None = None
        self._last_departure: dict[str, float] = {}
        self.max_deferral_seconds = 1.0

    def set_limits(self, platform: str, limits: PlatformLimits) -> None:
        self.limiter.limits[platform] = limits

    def wake(self) -> None:
        self._wake.set()

    # leasing

    def _eligible(
        self, now: datetime, query: Select[tuple[object, ...]]
    ) -> Select[tuple[object, ...]]:
        """Due, unleased rows of a platform we serve, first of their conversation."""
        earlier = outbox.alias("earlier")
        blocked = exists().where(
            and_(
                earlier.c.target_key == outbox.c.target_key,
                earlier.c.status == "pending",
                earlier.c.id < outbox.c.id,
            )
        )
        return query.where(
            outbox.c.status == "pending",
            outbox.c.platform.in_(list(self.senders)),
            outbox.c.next_attempt_at <= now,
            or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now),
            ~blocked,
        )

    async def _lease(self, limit: int) -> list[Leased]:
        """Lease due rows and reserve their rate-limit slots, in one transaction."""
        now = self.clock()
        query = self._eligible(
            now,
            select(outbox.c.id, outbox.c.attempts, outbox.c.event, outbox.c.created_at),
        )
        query = query.order_by(outbox.c.id).limit(limit)
        async with self.db.transaction() as conn:
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True, of=outbox)
            rows = (await conn.execute(query)).all()
            if not rows:
                return []
            readable: list[Leased] = []
            for found in rows:
                try:
                    event = event_from_json(found.event)
                except Exception as error:  # a row no code can send: out of the way, visibly
                    await self._set(
                        conn,
                        found.id,
                        status="dead",
                        dead_at=now,
                        last_error=f"unreadable event: {type(error).__name__}"[:1000],
                    )
                    continue
                readable.append(
                    Leased(
                        found.id,
                        found.attempts + 1,
                        event,
                        found.created_at,
                        budgets=tuple(self.limiter.budgets(event.target)),
                    )
                )
            grants = await self.limiter.reserve(
                conn, [row.budgets for row in readable], _epoch(now)
            )
            leased: list[Leased] = []
            deferred: list[dict[str, object]] = []
            for row, grant in zip(readable, grants, strict=True):
                if grant.granted:
                    leased.append(
                        Leased(
                            row.id, row.attempts, row.event, row.created_at, grant.at, row.budgets
                        )
                    )
                else:
                    deferred.append({"row_id": row.id, "due": _moment(grant.at)})
                    self.stats.deferred[row.event.target.platform] += 1
            if leased:
                lease_until = now + timedelta(
                    seconds=self.policy.lease_seconds + self.limiter.lookahead
                )
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([row.id for row in leased]))
                    .values(
                        lease_until=lease_until,
                        attempts=outbox.c.attempts + 1,
                        leased_by=self.worker_id,
                    )
                )
            if deferred:
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.id == bindparam("row_id"))
                    .values(next_attempt_at=bindparam("due")),
                    deferred,
                )
        return leased

    async def recover(self) -> int:
        """Release the rows this worker id leased before it died (restart of the same unit)."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(outbox)
                .where(outbox.c.status == "pending", outbox.c.leased_by == self.worker_id)
                .values(lease_until=None, leased_by=None)
            )
        released = int(result.rowcount or 0)
        if released:
            log.warning("released %d leased outbox rows of worker %s", released, self.worker_id)
        return released

    async def next_due(self) -> datetime | None:
        """When the earliest row we could send becomes due (None: nothing pending)."""
        far = self.clock() + timedelta(days=36500)
        query = self._eligible(far, select(func.min(outbox.c.next_attempt_at)))
        async with self.db.transaction() as conn:
            value = await conn.scalar(query)
        return value if isinstance(value, datetime) else None

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

    def _departure(self, platform: str) -> float:
        """When this process may next send to `platform` under its bot-wide rate.

        The reserved slots are spaced right, but sends that wake late (a busy
        event loop) would leave together and bunch up at the platform; this
        keeps the actual departures of one process apart as well.
        """
        limits = self.limiter.limits.get(platform)
        if limits is None or limits.per_bot is None:
            return 0.0
        at = max(_epoch(self.clock()), self._last_departure.get(platform, 0.0))
        self._last_departure[platform] = at + limits.per_bot.interval
        return at

    async def _deliver(self, row: Leased) -> None:
        platform = row.event.target.platform
        wait = row.slot - _epoch(self.clock())
        if wait > 0:
            await self.sleep(wait)
        wait = self._departure(platform) - _epoch(self.clock())  # taken on waking, in order
        if wait > 0:
            await self.sleep(wait)
        sender = self.senders.get(platform)
        if sender is None:
            await self._retry(row, self.poll_seconds, "no sender for this platform", "error")
            return
        try:
            async with asyncio.timeout(self.policy.send_timeout_seconds):
                await sender.send(row.event)
        except RetryLater as wait_error:
            await self._rate_limited(row, wait_error)
        except PermanentFailure as failure:
            await self._dead(row, f"permanent: {failure}")
        except Exception as error:  # network errors, 5xx, timeouts: all temporary
            cause = "timeout" if isinstance(error, TimeoutError) else "error"
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            if row.attempts >= self.policy.max_attempts:
                await self._dead(row, f"gave up after {row.attempts} attempts: {reason}")
            else:
                await self._retry(row, self.policy.backoff(row.attempts), reason, cause)
        else:
            await self._mark_sent(row)

    async def _mark_sent(self, row: Leased) -> None:
        """Record a delivery; deliveries finishing together share one UPDATE.

        Each caller queues its row, then whoever holds the lock writes everything
        queued so far: a row waits at most for one write already in flight.
        """
        self._unrecorded.append(row)
        async with self._recording:
            batch, self._unrecorded = self._unrecorded, []
            if batch:
                await self._record_sent(batch)

    async def _record_sent(self, batch: list[Leased]) -> None:
        # The platform has these messages now: losing this write is the duplicate
        # window, so a database hiccup is retried rather than left to the lease expiry.
        ids = [row.id for row in batch]
        delay = 0.05
        for attempt in range(1, 8):
            try:
                async with self.db.transaction() as conn:
                    await conn.execute(
                        update(outbox)
                        .where(outbox.c.id.in_(ids), outbox.c.status == "pending")
                        .values(status="sent", sent_at=self.clock(), lease_until=None)
                    )
            except Exception as error:
                log.warning(
                    "recording deliveries ids=%s failed (attempt %d): %s",
                    ids,
                    attempt,
                    describe(error),
                )
                await self.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            for row in batch:
                self.stats.sent[row.event.target.platform] += 1
            log.debug("delivered ids=%s", ids)
            return
        log.error("deliveries ids=%s reached the platform but are not recorded: may repeat", ids)

    async def _rate_limited(self, row: Leased, wait: RetryLater) -> None:
        now = self.clock()
        if row.created_at is not None and (now - row.created_at).total_seconds() > (
            self.policy.give_up_after_seconds
        ):
            await self._dead(
                row, f"still rate limited after {self.policy.give_up_after_seconds:g}s"
            )
            return
        # The platform's wait applies to the conversation, so every worker honours it.
        conversation = [(key, rate) for key, rate in row.budgets if not key.endswith(":bot")]
        try:
            async with self.db.transaction() as conn:
                await self.limiter.hold(conn, conversation, _epoch(now) + wait.seconds)
        except Exception:
            log.exception("could not record a platform wait for id=%s", row.id)
        # No jitter needed: the shared budgets already space the resumed sends.
        await self._retry(row, wait.seconds, str(wait), "rate_limited", count_attempt=False)

    async def _retry(
        self,
        row: Leased,
        delay: float,
        reason: str,
        cause: str,
        count_attempt: bool = True,
    ) -> None:
        reason = redact(reason)
        platform = row.event.target.platform
        self.stats.retried[(platform, cause)] += 1
        log.warning(
            "delivery id=%s platform=%s attempt=%d retry_in=%.1fs cause=%s: %s",
            row.id,
            platform,
            row.attempts,
            delay,
            cause,
            reason[:300],
        )
        values: dict[str, object] = {
            "next_attempt_at": self.clock() + timedelta(seconds=delay),
            "lease_until": None,
            "leased_by": None,
            "last_error": reason[:1000],
        }
        if not count_attempt:
            values["attempts"] = row.attempts - 1
        async with self.db.transaction() as conn:
            await self._set(conn, row.id, **values)

    async def _dead(self, row: Leased, reason: str) -> None:
        reason = redact(reason)
        platform = row.event.target.platform
        self.stats.dead[platform] += 1
        log.error("delivery id=%s platform=%s dead-lettered: %s", row.id, platform, reason[:300])
        async with self.db.transaction() as conn:
            await self._set(
                conn,
                row.id,
                status="dead",
                dead_at=self.clock(),
                lease_until=None,
                leased_by=None,
                last_error=reason[:1000],
            )
        if self.on_dead is not None:
            await self.on_dead(row.event, reason)

    @staticmethod
    async def _set(conn: AsyncConnection, row_id: int, **values: object) -> None:
        await conn.execute(
            update(outbox)
            .where(outbox.c.id == row_id, outbox.c.status == "pending")
            .values(**values)
        )

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
        """Lease and deliver until `stop`; up to `concurrency` sends in flight."""
        try:
            await self.recover()
        except Exception:
            log.exception("could not release this worker's old leases; they will expire")
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
            self._wake.clear()
            waiters: set[asyncio.Future[object]] = {
                asyncio.ensure_future(self._wake.wait()),
                asyncio.ensure_future(stop.wait()),
            }
            await asyncio.wait(
                waiters | set(in_flight), timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in waiters:
                waiter.cancel()
            in_flight = {task for task in in_flight if not task.done()}
        if in_flight:
            await asyncio.wait(in_flight, timeout=self.policy.send_timeout_seconds + 5)

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
            value = await conn.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.status == "pending")
            )
        return int(value or 0)
