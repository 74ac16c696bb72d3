"""Send budgets shared by every worker process: one GCRA state row per key.

A platform's limits are declared by the composition root (`PlatformLimits`):
per private chat, per agents' chat (every ticket thread lives in it), per bot.
Each outgoing message needs a slot in every budget that applies to it; the
slot is reserved in the database, in the same transaction that leases the
message, so N workers together never exceed one platform limit.

GCRA keeps one number per key, the theoretical arrival time (TAT) of the next
message: a send at `t` is allowed when `t >= tat - tolerance`, and moves the
TAT to `max(tat, t) + interval`. With `burst=1` the sends are spaced exactly
`interval` apart, so no window of the platform's period ever sees more than
`count` messages.

Writers of the table serialise per platform: PostgreSQL through a
transaction-scoped advisory lock, SQLite through its single writer
(BEGIN IMMEDIATE). One lock per platform cannot deadlock and costs nothing
that the per-bot budget does not already impose.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events import AgentsTarget, PersonTarget, TicketThreadTarget
from core.storage.dialect import insert_for
from core.storage.tables import rate_limits


@dataclass(frozen=True)
class Rate:
    """`count` messages per `per_seconds`, at most `burst` of them back to back."""

    count: int
    per_seconds: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or self.per_seconds <= 0 or self.burst < 1:
            raise ValueError(f"invalid rate {self}")

    @property
    def interval(self) -> float:
        return self.per_seconds / self.count

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval


@dataclass(frozen=True)
class PlatformLimits:
    """One platform's budgets; None means the platform sets no such limit."""

    per_person: Rate | None = None
    per_agents_chat: Rate | None = None
    per_bot: Rate | None = None

    def budgets(
        self, target: PersonTarget | TicketThreadTarget | AgentsTarget
    ) -> list[tuple[str, Rate]]:
        platform = target.platform
        found: list[tuple[str, Rate]] = []
        if isinstance(target, PersonTarget):
            if self.per_person is not None:
                found.append((f"{platform}:person:{target.user_id}", self.per_person))
        elif self.per_agents_chat is not None:
            # Ticket threads are topics or threads of one agents' chat: one budget (the
            # chat's own messages, such as the weekly digest, share it).
            found.append((f"{platform}:agents", self.per_agents_chat))
        if self.per_bot is not None:
            found.append((f"{platform}:bot", self.per_bot))
        return found


Budgets = Sequence[tuple[str, Rate]]

# Times go through the database as microsecond timestamps: a slot a rounding
# error away counts as now, or a row could be woken forever just before it.
EPSILON = 1e-3


@dataclass(frozen=True)
class Grant:
    """Whether a message may go now, and at what time (epoch seconds).

    Granted: `at` is the reserved slot (at most `lookahead` seconds ahead; the
    sender waits for it). Refused: `at` is the earliest time worth asking again.
    """

    granted: bool
    at: float


def _lock_id(platform: str) -> int:
    return zlib.crc32(f"helpdesk.ratelimit:{platform}".encode()) & 0x7FFFFFFF


class RateLimiter:
    def __init__(self, limits: Mapping[str, PlatformLimits], *, lookahead: float = 0.0) -> None:
        self.limits = dict(limits)
        self.lookahead = lookahead

    def budgets(
        self, target: PersonTarget | TicketThreadTarget | AgentsTarget
    ) -> list[tuple[str, Rate]]:
        limits = self.limits.get(target.platform)
        return limits.budgets(target) if limits is not None else []

    @staticmethod
    async def _lock(conn: AsyncConnection, keys: Iterable[str]) -> None:
        if conn.dialect.name != "postgresql":
            return  # SQLite: the transaction already holds the only write lock
        platforms = sorted({key.split(":", 1)[0] for key in keys})
        for platform in platforms:
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(:id)"), {"id": _lock_id(platform)}
            )

    @staticmethod
    async def _load(conn: AsyncConnection, keys: Iterable[str]) -> dict[str, float]:
        wanted = sorted(set(keys))
        state: dict[str, float] = dict.fromkeys(wanted, 0.0)
        if wanted:
            rows = await conn.execute(
                select(rate_limits.c.key, rate_limits.c.tat).where(rate_limits.c.key.in_(wanted))
            )
            state.update({row.key: float(row.tat) for row in rows})
        return state

    @staticmethod
    async def _store(conn: AsyncConnection, values: Mapping[str, float]) -> None:
        if not values:
            return
        rows = [{"key": key, "tat": tat} for key, tat in sorted(values.items())]
        stmt = insert_for(conn, rate_limits).values(rows)
        await conn.execute(
            stmt.on_conflict_do_update(index_elements=["key"], set_={"tat": stmt.excluded.tat})
        )

    async def reserve(
        self, conn: AsyncConnection, wants: Sequence[Budgets], now: float
    ) -> list[Grant]:
        """Reserve one slot per message (in order) inside the caller's transaction."""
        keys = [key for budgets in wants for key, _ in budgets]
        if not keys:
            return [Grant(True, now) for _ in wants]
        await self._lock(conn, keys)
        real = await self._load(conn, keys)
        # Refused messages are spread over the coming slots (not persisted), so
        # they come back one by one instead of all at the next slot.
        projected = dict(real)
        changed: dict[str, float] = {}
        grants: list[Grant] = []
        for budgets in wants:
            if not budgets:
                grants.append(Grant(True, now))
                continue
            slot = max([now, *(real[key] - rate.tolerance for key, rate in budgets)])
            if slot <= now + self.lookahead + EPSILON:
                for key, rate in budgets:
                    real[key] = max(real[key], slot) + rate.interval
                    projected[key] = max(projected[key], real[key])
                    changed[key] = real[key]
                grants.append(Grant(True, slot))
                continue
            later = max([now, *(projected[key] - rate.tolerance for key, rate in budgets)])
            for key, rate in budgets:
                projected[key] = max(projected[key], later) + rate.interval
            grants.append(Grant(False, later))
        await self._store(conn, changed)
        return grants

    async def hold(self, conn: AsyncConnection, budgets: Budgets, until: float) -> None:
        """The platform said "wait until `until`": nothing goes to these budgets before."""
        if not budgets:
            return
        await self._lock(conn, [key for key, _ in budgets])
        state = await self._load(conn, [key for key, _ in budgets])
        changed = {
            key: until + rate.tolerance
            for key, rate in budgets
            if state[key] < until + rate.tolerance
        }
        await self._store(conn, changed)


class Departures:
    """When this process may next send to a platform under its bot-wide rate.

    The reserved slots are spaced right, but sends that wake late (a busy
    event loop) would leave together and bunch up at the platform; this
    keeps the actual departures of one process apart as well.
    """

    def __init__(self, limits: Mapping[str, PlatformLimits]) -> None:
        self.limits = limits
        self._next: dict[str, float] = {}

    def take(self, platform: str, now: float) -> float:
        """The departure time (epoch seconds) of the next send to `platform`, reserved."""
        limits = self.limits.get(platform)
        if limits is None or limits.per_bot is None:
            return 0.0
        at = max(now, self._next.get(platform, 0.0))
        self._next[platform] = at + limits.per_bot.interval
        return at


async def forget_idle_budgets(conn: AsyncConnection, before: float) -> None:
    """Drop budgets whose next slot was free before `before` (epoch seconds): they hold nothing."""
    await conn.execute(delete(rate_limits).where(rate_limits.c.tat < before))
