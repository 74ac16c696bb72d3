"""What became of each send, written to its outbox row and this process's counters.

A delivery the platform accepted is recorded at once, and deliveries finishing
together share one UPDATE; that write is retried through database hiccups,
because losing it is the only way a message goes out twice. A failed send is
rescheduled or dead-lettered with its reason, secrets redacted.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.events import Event
from core.ratelimit import Budgets
from core.redact import describe, redact
from core.retry import Backoff
from core.storage.db import Database
from core.storage.outbox_store import OutboxRecords

log = logging.getLogger(__name__)

# Recording a delivery the platform accepted (losing that write repeats the message).
RECORD_BACKOFF = Backoff(base=0.05, cap=5.0, attempts=7)


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
    # Sends whose answer was lost, by (platform, resolution): core.unknown_outcome.Resolution.
    unknown: Counter[tuple[str, str]] = field(default_factory=Counter)


class OutcomeWriter:
    def __init__(
        self,
        db: Database,
        stats: DeliveryStats,
        *,
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.db = db
        self.stats = stats
        self.clock = clock
        self.sleep = sleep
        self._unrecorded: list[Leased] = []
        self._recording = asyncio.Lock()

    async def sent(self, row: Leased) -> None:
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
        attempt = 0
        while not RECORD_BACKOFF.exhausted(attempt):
            attempt += 1
            try:
                async with self.db.transaction() as conn:
                    await OutboxRecords(conn).mark_sent(ids, self.clock())
            except Exception as error:
                log.warning(
                    "recording deliveries ids=%s failed (attempt %d): %s",
                    ids,
                    attempt,
                    describe(error),
                )
                await self.sleep(RECORD_BACKOFF.delay(attempt))
                continue
            for row in batch:
                self.stats.sent[row.event.target.platform] += 1
            log.debug("delivered ids=%s", ids)
            return
        log.error("deliveries ids=%s reached the platform but are not recorded: may repeat", ids)

    async def retry(
        self,
        row: Leased,
        delay: float,
        reason: str,
        cause: str,
        count_attempt: bool = True,
    ) -> None:
        """Due again in `delay` seconds; a try that does not count gives its attempt back."""
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
        at = self.clock() + timedelta(seconds=delay)
        attempts = None if count_attempt else row.attempts - 1
        async with self.db.transaction() as conn:
            await OutboxRecords(conn).reschedule(row.id, at, reason, attempts=attempts)

    async def dead(self, row: Leased, reason: str) -> str:
        """Dead-lettered for good; the reason as stored (redacted)."""
        reason = redact(reason)
        platform = row.event.target.platform
        self.stats.dead[platform] += 1
        log.error("delivery id=%s platform=%s dead-lettered: %s", row.id, platform, reason[:300])
        async with self.db.transaction() as conn:
            await OutboxRecords(conn).mark_dead(row.id, self.clock(), reason)
        return reason
