"""The outbox dispatcher: retries, rate-limit waits, dead letters, leases."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bots.wiring import CoreTuning, build_core
from core import commands as c
from core.delivery import (
    OUTBOX_BACKOFF,
    DeliveryTuning,
    Dispatcher,
    PermanentFailure,
    RetryLater,
    Sender,
)
from core.desk import Desk, InboundKey, utc_now
from core.events import Event, PersonTarget, Relay
from core.faq.service import FaqService
from core.ratelimit import PlatformLimits, Rate
from core.storage.db import Database
from core.storage.outbox_store import OutboxRecords
from core.storage.tables import outbox, workers
from tests.support import (
    PLAIN_TUNING,
    FakeClock,
    eventually,
    person,
    settings_for,
    ticket_json,
)


@dataclass
class FlakyPlatform:
    """Fails the first `failures` sends with `error`, then accepts."""

    error: Exception
    failures: int
    delivered: list[Event] = field(default_factory=list)
    attempts: int = 0

    async def send(self, event: Event) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error
        self.delivered.append(event)


FEW_RETRIES = replace(
    PLAIN_TUNING, delivery=DeliveryTuning(backoff=replace(OUTBOX_BACKOFF, base=2, attempts=3))
)


@asynccontextmanager
async def _setup(
    tmp_path: Path,
    kb: Path,
    platform: Sender,
    clock: Callable[[], datetime],
    tuning: CoreTuning = FEW_RETRIES,
) -> AsyncIterator[tuple[Database, Desk, Dispatcher]]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    await db.upgrade()
    faq = FaqService(kb, "en")
    senders = {"test": platform}
    async with build_core(
        settings_for(kb), db=db, faq=faq, clock=clock, senders=senders, tuning=tuning
    ) as core:
        yield db, core.desk, core.dispatcher
    await db.dispose()


async def _statuses(db: Database) -> list[tuple[str, int]]:
    async with db.transaction() as conn:
        rows = (await conn.execute(select(outbox.c.status, outbox.c.attempts))).all()
    return [(r.status, r.attempts) for r in rows]


async def test_retry_after_is_honoured_then_delivered(tmp_path: Path, small_kb: Path) -> None:
    clock = FakeClock()
    platform = FlakyPlatform(RetryLater(30), failures=1)
    async with _setup(tmp_path, small_kb, platform, clock) as (db, desk, dispatcher):
        await desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("test", "1"))
        await dispatcher.run_until_idle()
        assert platform.delivered == []
        clock.advance(29)
        await dispatcher.run_until_idle()
        assert platform.delivered == [] and platform.attempts == 1
        clock.advance(2)
        await dispatcher.run_until_idle()
        assert len(platform.delivered) == 1
        assert await _statuses(db) == [("sent", 1)]


async def test_temporary_errors_back_off_and_give_up_into_a_dead_letter(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock()
    platform = FlakyPlatform(ConnectionError("reset by peer"), failures=100)
    async with _setup(tmp_path, small_kb, platform, clock) as (db, desk, dispatcher):
        await desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("test", "1"))
        for _ in range(10):
            await dispatcher.run_until_idle()
            clock.advance(600)
        assert platform.attempts == 3
        assert await _statuses(db) == [("dead", 3)]


async def test_a_blocked_requester_is_shown_on_the_ticket_card(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock()

    @dataclass
    class BlocksAlice:
        delivered: list[Event] = field(default_factory=list)

        async def send(self, event: Event) -> None:
            if isinstance(event.target, PersonTarget) and event.target.user_id == "alice":
                raise PermanentFailure("Forbidden: bot was blocked by the user")
            self.delivered.append(event)

    platform = BlocksAlice()
    async with _setup(tmp_path, small_kb, platform, clock, PLAIN_TUNING) as (db, desk, dispatcher):
        await desk.handle(c.OpenTicket(actor=person("alice"), text="help"), InboundKey("test", "1"))
        await dispatcher.run_until_idle()
        cards = [e for e in platform.delivered if e.payload.kind == "ticket_card"]
        assert cards[-1].payload.ticket.delivery_problem  # type: ignore[union-attr]
        assert "blocked" in cards[-1].payload.ticket.delivery_problem  # type: ignore[union-attr]
        detail = await ticket_json(db, 1)
        assert detail is not None and "blocked" in detail["delivery_problem"]
        assert ("dead", 1) in await _statuses(db)


async def test_a_crashed_workers_lease_expires_and_the_message_is_delivered(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock()
    platform = FlakyPlatform(RuntimeError("unused"), failures=0)
    async with _setup(tmp_path, small_kb, platform, clock) as (_, desk, dispatcher):
        await desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("test", "1"))
        leased = await dispatcher._lease(10)  # a worker takes the row, then dies before sending
        assert len(leased) == 1
        await dispatcher.run_until_idle()
        assert platform.delivered == []  # still leased by the dead worker
        clock.advance(dispatcher.lease_seconds + 1)
        await dispatcher.run_until_idle()
        assert len(platform.delivered) == 1


async def test_a_lease_commits_with_its_owners_heartbeat_and_a_clean_stop_retires_it(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock()
    platform = FlakyPlatform(RuntimeError("unused"), failures=0)
    async with _setup(tmp_path, small_kb, platform, clock) as (db, desk, dispatcher):
        await desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("test", "1"))
        assert len(await dispatcher._lease(10)) == 1
        assert await _workers(db) == [(dispatcher.worker_id, clock())]
        stop = asyncio.Event()
        stop.set()
        await dispatcher.run_forever(stop)
        assert await _workers(db) == []


async def _workers(db: Database) -> list[tuple[str, datetime]]:
    async with db.transaction() as conn:
        rows = (await conn.execute(select(workers.c.worker_id, workers.c.heartbeat_at))).all()
    return [(row.worker_id, row.heartbeat_at) for row in rows]


async def test_agents_are_reminded_once_per_target_and_of_a_waiting_requester(
    tmp_path: Path, small_kb: Path
) -> None:
    """Without a service file: first response within HELPDESK_SLA_UNCLAIMED_MINUTES (30),
    around the clock; a reminder at 75 % of it and one at breach, each once; a requester
    waiting HELPDESK_SLA_REPLY_MINUTES for an answer is reminded once per period."""
    from core.desk import SlaPolicy
    from core.events import Notice

    clock = FakeClock()
    platform = FlakyPlatform(RuntimeError("unused"), failures=0)
    async with _setup(tmp_path, small_kb, platform, clock) as (_, desk, dispatcher):
        policy = SlaPolicy(unclaimed=timedelta(minutes=30), reply=timedelta(hours=4))
        alice, bob = person("alice"), person("bob", agent=True)
        await desk.handle(
            c.OpenTicket(actor=alice, text="no one claims me"), InboundKey("test", "1")
        )
        await desk.handle(
            c.OpenTicket(actor=alice, text="waiting for bob"), InboundKey("test", "2")
        )
        await desk.handle(c.Claim(actor=bob, number=2), InboundKey("test", "3"))
        await desk.handle(c.Reply(actor=bob, number=2, text="looking"), InboundKey("test", "3b"))
        await desk.handle(
            c.SendText(actor=alice, text="any news?", ticket_number=2), InboundKey("test", "4")
        )
        await dispatcher.run_until_idle()
        platform.delivered.clear()

        def notices() -> list[str]:
            found = [e.payload.key for e in platform.delivered if isinstance(e.payload, Notice)]
            platform.delivered.clear()
            return found

        clock.advance(22 * 60)
        assert await desk.remind_overdue(policy) == 0
        clock.advance(2 * 60)  # 24 of 30 minutes: past 75 % for #1 (#2 was answered)
        assert await desk.remind_overdue(policy) == 2  # the reminder and the card
        assert await desk.remind_overdue(policy) == 0  # once per ticket and target
        await dispatcher.run_until_idle()
        assert notices() == ["sla.warned.first_response"]
        clock.advance(7 * 60)
        assert await desk.remind_overdue(policy) == 2
        assert await desk.remind_overdue(policy) == 0
        clock.advance(4 * 3600)
        assert await desk.remind_overdue(policy) == 1  # the requester of #2 waits
        await dispatcher.run_until_idle()
        assert notices() == ["sla.breached.first_response", "reminder.waiting"]
        await desk.handle(c.Reply(actor=bob, number=2, text="on it"), InboundKey("test", "5"))
        clock.advance(5 * 3600)
        assert await desk.remind_overdue(policy) == 0  # #2 got its answer, #1 was told


async def test_sending_yields_to_a_backlog_of_updates_but_not_for_long(
    tmp_path: Path, small_kb: Path
) -> None:
    platform = FlakyPlatform(RetryLater(1), failures=0)
    async with _setup(tmp_path, small_kb, platform, utc_now, PLAIN_TUNING) as (db, desk, _):
        # This dispatcher alone: its inbox never catches up.
        dispatcher = Dispatcher(
            db,
            {"test": platform},
            clock=utc_now,
            tuning=DeliveryTuning(poll_seconds=0.05, max_deferral_seconds=2.0),
            defer_while=lambda: True,
        )
        await desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("test", "1"))
        stop = asyncio.Event()
        task = asyncio.create_task(dispatcher.run_forever(stop))
        await asyncio.sleep(0.3)
        held_back = list(platform.delivered)
        try:
            await eventually(lambda: bool(platform.delivered))  # sent once the deferral ran out
        finally:
            stop.set()
            await task
    assert held_back == []
    assert len(platform.delivered) == 1


class StallingLoop:
    """Simulated time on a busy event loop: sleepers wake only when the test moves time.

    A stall moves time a long way at once, so every sleeper whose moment passed
    wakes together, late, as on a real loop that was busy applying a batch.
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sleepers.append((self.clock.now + timedelta(seconds=seconds), woken))
        await woken

    async def move(self, seconds: float) -> None:
        self.clock.advance(seconds)
        due = [woken for at, woken in self.sleepers if at <= self.clock.now]
        self.sleepers = [(at, woken) for at, woken in self.sleepers if at > self.clock.now]
        for woken in due:
            woken.set_result(None)
        for _ in range(10):  # let the woken senders run to their next sleep
            await asyncio.sleep(0)


@dataclass
class ClockedPlatform:
    """Remembers when (simulated time) each message reached it."""

    clock: FakeClock
    arrivals: list[datetime] = field(default_factory=list)

    async def send(self, event: Event) -> None:
        self.arrivals.append(self.clock.now)


async def test_sends_that_wake_late_together_still_leave_at_the_bot_wide_rate(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    stalling = StallingLoop(clock)
    platform = ClockedPlatform(clock)
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    await db.upgrade()
    events = [
        Event(
            target=PersonTarget(platform="test", user_id=f"u{i}"),
            lang="en",
            payload=Relay(
                ticket_number=1, message_id=i, author_name="A", author_role="agent", text="hi"
            ),
        )
        for i in range(10)
    ]
    async with db.transaction() as conn:
        await OutboxRecords(conn).enqueue(events, clock())
    dispatcher = Dispatcher(
        db,
        {"test": platform},
        clock=clock,
        limits={"test": PlatformLimits(per_bot=Rate(10, 1.0))},
        # All ten slots (0.0 s .. 0.9 s) reserved in one lease.
        tuning=DeliveryTuning(lookahead_seconds=1.0),
        sleep=stalling.sleep,
    )
    sending = asyncio.create_task(dispatcher.run_once())
    # Leasing writes through the database's thread: wait for the nine later slots'
    # sleepers (slot 0.0 leaves at once) in real time, not in loop turns.
    await eventually(lambda: len(stalling.sleepers) >= 9)
    await stalling.move(0.55)  # the loop was busy: slots 0.1 .. 0.5 wake together
    for _ in range(3000):
        if sending.done():
            break
        await stalling.move(0.01)
        await asyncio.sleep(0.001)  # recording a send also goes through that thread
    assert sending.done(), "the dispatcher never finished its round"
    assert await sending == 10
    await db.dispose()
    assert len(platform.arrivals) == 10
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(platform.arrivals)]
    assert min(gaps) >= 0.1 - 0.011  # one step of simulated time is the only slack


async def test_an_agents_home_that_cannot_be_shown_leaves_their_own_tickets_unmarked(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock()

    @dataclass
    class RefusesHomes:
        async def send(self, event: Event) -> None:
            if event.payload.kind == "agent_home":
                raise PermanentFailure("not_found")

    async with _setup(tmp_path, small_kb, RefusesHomes(), clock, PLAIN_TUNING) as (db, desk, d):
        bob = person("bob", agent=True)
        await desk.handle(c.OpenTicket(actor=bob, text="my own laptop"), InboundKey("test", "1"))
        await desk.handle(c.ShowAgentHome(actor=bob, reply_context=None), InboundKey("test", "2"))
        await d.run_until_idle()
        assert ("dead", 1) in await _statuses(db)  # the home view was refused for good
        detail = await ticket_json(db, 1)
        assert detail is not None and detail["delivery_problem"] is None
