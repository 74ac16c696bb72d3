"""The outbox dispatcher: delivers stored events through each platform's sender.

Rows are leased before sending (so a crashed worker's rows come back after the
lease), delivered in order per conversation (`target_key`), retried with
exponential backoff and jitter, and dead-lettered with their reason on a
permanent failure or after too many attempts. A message is marked sent only
after the platform accepted it: a crash between the two can repeat that one
message (the at-least-once window), never lose it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events import Event, event_from_json
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

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff: spreads retries of many workers apart."""
        ceiling = min(self.max_seconds, self.base_seconds * (2 ** max(0, attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Leased:
    id: int
    attempts: int
    event: Event


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
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.on_dead = on_dead
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self.last_cycle_at: datetime | None = None

    def wake(self) -> None:
        self._wake.set()

    async def _lease(self, limit: int) -> list[Leased]:
        """Take due rows whose conversation has no earlier undelivered row."""
        now = self.clock()
        earlier = outbox.alias("earlier")
        blocked = exists().where(
            and_(
                earlier.c.target_key == outbox.c.target_key,
                earlier.c.status == "pending",
                earlier.c.id < outbox.c.id,
            )
        )
        query = (
            select(outbox.c.id, outbox.c.attempts, outbox.c.event)
            .where(
                outbox.c.status == "pending",
                outbox.c.platform.in_(list(self.senders)),
                outbox.c.next_attempt_at <= now,
                or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now),
                ~blocked,
            )
            .order_by(outbox.c.id)
            .limit(limit)
        )
        async with self.db.transaction() as conn:
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True, of=outbox)
            rows = (await conn.execute(query)).all()
            if not rows:
                return []
            lease_until = now + timedelta(seconds=self.policy.lease_seconds)
            await conn.execute(
                update(outbox)
                .where(outbox.c.id.in_([row.id for row in rows]))
                .values(lease_until=lease_until, attempts=outbox.c.attempts + 1)
            )
        return [Leased(row.id, row.attempts + 1, event_from_json(row.event)) for row in rows]

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were attempted."""
        self.last_cycle_at = self.clock()
        leased = await self._lease(self.batch_size)
        for row in leased:
            await self._deliver(row)
        return len(leased)

    async def _deliver(self, row: Leased) -> None:
        sender = self.senders[row.event.target.platform]
        try:
            await sender.send(row.event)
        except RetryLater as wait:
            await self._retry(row, wait.seconds, str(wait), count_attempt=False)
        except PermanentFailure as failure:
            await self._dead(row, f"permanent: {failure}")
        except Exception as error:  # network errors, 5xx, timeouts: all temporary
            reason = f"{type(error).__name__}: {error}"
            if row.attempts >= self.policy.max_attempts:
                await self._dead(row, f"gave up after {row.attempts} attempts: {reason}")
            else:
                await self._retry(row, self.policy.backoff(row.attempts), reason)
        else:
            async with self.db.transaction() as conn:
                await self._set(conn, row.id, status="sent", sent_at=self.clock(), lease_until=None)

    async def _retry(
        self, row: Leased, delay: float, reason: str, count_attempt: bool = True
    ) -> None:
        log.warning(
            "delivery %s to %s delayed %.1fs: %s", row.id, row.event.target.platform, delay, reason
        )
        values: dict[str, object] = {
            "next_attempt_at": self.clock() + timedelta(seconds=delay),
            "lease_until": None,
            "last_error": reason[:1000],
        }
        if not count_attempt:
            values["attempts"] = row.attempts - 1
        async with self.db.transaction() as conn:
            await self._set(conn, row.id, **values)

    async def _dead(self, row: Leased, reason: str) -> None:
        log.error("delivery %s to %s dead-lettered: %s", row.id, row.event.target.platform, reason)
        async with self.db.transaction() as conn:
            await self._set(conn, row.id, status="dead", lease_until=None, last_error=reason[:1000])
        if self.on_dead is not None:
            await self.on_dead(row.event, reason)

    @staticmethod
    async def _set(conn: AsyncConnection, row_id: int, **values: object) -> None:
        await conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))

    async def run_until_idle(self, max_rounds: int = 1000) -> int:
        """Deliver until nothing is due (console and tests); returns rows attempted."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once()
            total += done
            if done == 0:
                break
        return total

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                done = await self.run_once()
            except Exception:
                log.exception("outbox cycle failed; retrying")
                done = 0
            if done:
                continue
            self._wake.clear()
            waiters = {asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())}
            _done, pending = await asyncio.wait(
                waiters, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()

    async def depth(self) -> int:
        async with self.db.transaction() as conn:
            value = await conn.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.status == "pending")
            )
        return int(value or 0)
