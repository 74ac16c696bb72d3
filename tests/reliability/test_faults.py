"""A misbehaving platform (429, 500, slow, silent, 403) and a database that drops connections.

The dispatcher runs on a simulated clock: the test advances it to the next due
row, so Retry-After and backoff are checked without waiting for them.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import DBAPIError

from bots.wiring import build_core
from core import commands as c
from core.delivery import OUTBOX_BACKOFF, DeliveryTuning, Dispatcher
from core.desk import Desk, InboundKey
from core.events import event_from_json
from core.faq.service import FaqService
from core.inbox import Inbox
from core.outbox_admin import list_rows, retry_dead
from core.retry import Backoff
from core.storage.db import Database
from core.storage.tables import inbound_updates, outbox, ticket_messages, tickets
from core.storage.tables import inbox as inbox_table
from tests.reliability.conftest import Report
from tests.reliability.loopback import (
    Answer,
    LoopbackPlatform,
    LoopbackSender,
    MarkingLoopbackSender,
    outgoing,
)
from tests.support import (
    PLAIN_TUNING,
    POSTGRES_ADMIN_DSN,
    FakeClock,
    person,
    postgres_database,
    postgres_schema,
    settings_for,
)


@dataclass
class Rig:
    db: Database
    desk: Desk
    dispatcher: Dispatcher
    inbox: Inbox
    platform: LoopbackPlatform
    clock: FakeClock

    async def drain(self, rounds: int = 200) -> list[float]:
        """Deliver until nothing is pending; returns the simulated waits taken."""
        waits: list[float] = []
        for _ in range(rounds):
            await self.dispatcher.run_until_idle()
            due = await self.dispatcher.next_due()
            if due is None:
                return waits
            step = max(0.0, (due - self.clock()).total_seconds())
            waits.append(step)
            self.clock.advance(step)
        raise AssertionError("the outbox never drained")

    async def tally(self) -> tuple[int, int, int]:
        """(rows, lost, duplicated) comparing the outbox with what the platform shows."""
        async with self.db.transaction() as conn:
            rows = (await conn.execute(select(outbox.c.status, outbox.c.event))).all()
        copies = self.platform.copies()
        wanted = [outgoing(event_from_json(r.event)) for r in rows if r.status != "dead"]
        lost = sum(1 for m in wanted if copies[m] == 0)
        duplicated = sum(max(0, n - 1) for n in copies.values())
        return len(rows), lost, duplicated

    async def reported(self, report: Report, note: str) -> tuple[int, int, int]:
        """`tally`, also printed in the suite's summary."""
        rows, lost, duplicated = await self.tally()
        report(sent=len(self.platform.accepted), lost=lost, duplicated=duplicated, note=note)
        return rows, lost, duplicated


@asynccontextmanager
async def rig(
    db: Database,
    kb: Path,
    *,
    backoff: Backoff | None = None,
    send_timeout_seconds: float = 30.0,
    send_limit: float = 5.0,
    sender_type: type[LoopbackSender] = LoopbackSender,
) -> AsyncIterator[Rig]:
    await db.upgrade()
    platform = LoopbackPlatform()
    await platform.start()
    clock = FakeClock()
    sender = sender_type(platform.url, timeout=send_limit)
    delivery = DeliveryTuning(
        backoff=backoff or replace(OUTBOX_BACKOFF, base=2, attempts=6),
        send_timeout_seconds=send_timeout_seconds,
    )
    try:
        async with build_core(
            settings_for(kb),
            db=db,
            faq=FaqService(kb, "en"),
            clock=clock,
            sleep=clock.sleep,
            senders={"test": sender},
            tuning=replace(PLAIN_TUNING, delivery=delivery),
        ) as core:
            yield Rig(db, core.desk, core.dispatcher, core.inbox, platform, clock)
    finally:
        await sender.close()
        await platform.stop()
        await db.dispose()


def sqlite(tmp_path: Path) -> Database:
    return Database(f"sqlite+aiosqlite:///{tmp_path / 'faults.db'}")


async def test_429_retry_after_is_honoured_by_the_whole_conversation(
    tmp_path: Path, small_kb: Path, report: Report
) -> None:
    async with rig(sqlite(tmp_path), small_kb) as r:
        r.platform.script = [Answer(429, retry_after=30)]
        await r.desk.handle(c.OpenTicket(actor=person("alice"), text="help"), InboundKey("t", "1"))
        for i in range(3):
            await r.desk.handle(
                c.SendText(actor=person("alice"), text=f"more {i}"), InboundKey("t", f"m{i}")
            )
        waits = await r.drain()
        rows, lost, duplicated = await r.reported(report, "429 x1")
        assert r.platform.answers[429] == 1
        assert any(w >= 30 for w in waits) or sum(waits) >= 30
        assert lost == 0 and duplicated == 0 and len(r.platform.accepted) == rows


async def test_5xx_backs_off_exponentially_then_delivers(
    tmp_path: Path, small_kb: Path, report: Report
) -> None:
    async with rig(sqlite(tmp_path), small_kb) as r:
        r.platform.script = [Answer(500), Answer(502), Answer(503)]
        await r.desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("t", "1"))
        waits = await r.drain()
        rows, lost, duplicated = await r.reported(report, "500,502,503")
        assert [w > 0 for w in waits] == [True, True, True]
        # full jitter within [ceiling/2, ceiling] of 2, 4, 8 seconds
        assert 1 <= waits[0] <= 2 and 2 <= waits[1] <= 4 and 4 <= waits[2] <= 8
        assert lost == 0 and duplicated == 0 and rows == 1


async def test_slow_answers_are_waited_for_and_silence_is_a_timeout(
    tmp_path: Path, small_kb: Path, report: Report
) -> None:
    backoff = replace(OUTBOX_BACKOFF, base=1, attempts=5)
    async with rig(sqlite(tmp_path), small_kb, backoff=backoff, send_timeout_seconds=0.3) as r:
        r.platform.script = [Answer(delay=0.1), Answer(delay=0.8)]
        await r.desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("t", "1"))
        await r.desk.handle(c.ShowStatus(actor=person("bob")), InboundKey("t", "2"))
        await r.drain()
        rows, lost, duplicated = await r.reported(
            report, "a timed-out send the platform still took is the documented window"
        )
        assert lost == 0 and rows == 2
        # The silent answer arrived after we gave up: at most that one message twice.
        assert duplicated <= 1
        assert r.dispatcher.stats.retried[("test", "timeout")] == 1


async def test_an_answer_that_never_came_is_looked_for_not_repeated(
    tmp_path: Path, small_kb: Path, report: Report
) -> None:
    async with rig(
        sqlite(tmp_path), small_kb, send_limit=0.3, sender_type=MarkingLoopbackSender
    ) as r:
        # accepted at once, answered after the client gave up; then lost before arriving
        r.platform.script = [Answer(delay=0.8, accept_first=True), Answer(500, delay=0.8)]
        await r.desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("t", "1"))
        await r.desk.handle(c.ShowStatus(actor=person("bob")), InboundKey("t", "2"))
        await r.drain()
        rows, lost, duplicated = await r.reported(report, "answers lost: looked for by marker")
        assert lost == 0 and duplicated == 0 and rows == 2
        assert r.dispatcher.stats.unknown == {("test", "found"): 1, ("test", "missing"): 1}


async def test_an_answer_that_never_came_is_tried_once_more_at_most(
    tmp_path: Path, small_kb: Path, report: Report
) -> None:
    async with rig(sqlite(tmp_path), small_kb, send_limit=0.3) as r:
        r.platform.script = [Answer(delay=0.8, accept_first=True)] * 2
        await r.desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("t", "1"))
        await r.drain()
        rows, lost, duplicated = await r.reported(
            report, "answers lost twice, nothing to look in: one more copy at most"
        )
        assert lost == 0 and rows == 1 and duplicated == 1
        assert r.platform.requests == 2
        assert r.dispatcher.stats.unknown == {("test", "assumed_sent"): 1}


async def test_permanent_errors_are_dead_lettered_with_their_reason_and_can_be_retried(
    tmp_path: Path, small_kb: Path, report: Report
) -> None:
    async with rig(sqlite(tmp_path), small_kb) as r:
        r.platform.script = [Answer(403)]
        await r.desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("t", "1"))
        await r.drain()
        dead = await list_rows(r.db, statuses=("dead",))
        assert [row.last_error for row in dead] == ["permanent: loopback: forbidden"]
        assert r.platform.accepted == []
        assert await retry_dead(r.db, r.clock()) == 1
        await r.drain()
        _rows, lost, duplicated = await r.reported(report, "403, retried")
        assert len(r.platform.accepted) == 1 and lost == 0 and duplicated == 0


async def test_exhausted_retries_are_dead_lettered_never_retried_forever(
    tmp_path: Path, small_kb: Path, report: Report
) -> None:
    async with rig(sqlite(tmp_path), small_kb) as r:
        r.platform.script = [Answer(500)] * 50
        await r.desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("t", "1"))
        await r.drain()
        dead = await list_rows(r.db, statuses=("dead",))
        report(sent=0, lost=0, duplicated=0, note="dead after 6 attempts (visible, not lost)")
        assert r.platform.requests == 6
        assert dead and dead[0].last_error is not None
        assert dead[0].last_error.startswith("gave up after 6 attempts")


# A PostgreSQL connection killed in the middle of a transaction.


def _terminate(pid: int) -> None:
    """pg_terminate_backend from another thread (the caller's event loop is busy)."""

    async def go() -> None:
        conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            await conn.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await conn.close()

    import asyncio

    thread = threading.Thread(target=lambda: asyncio.run(go()))
    thread.start()
    thread.join()


def drop_connection_on(db: Database, prefix: str, times: int = 1) -> Callable[[], int]:
    """Kill the server side of the connection right before the n-th statement `prefix`."""
    dropped = [0]

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def _before(conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if dropped[0] < times and statement.lstrip().upper().startswith(prefix):
            dropped[0] += 1
            raw = conn.connection.dbapi_connection
            _terminate(raw._connection.get_server_pid())

    return lambda: dropped[0]


@pytest.mark.postgres
async def test_a_dropped_connection_mid_transaction_leaves_nothing_half_written(
    small_kb: Path, report: Report
) -> None:
    async with postgres_schema() as schema, rig(postgres_database(schema), small_kb) as r:
        dropped = drop_connection_on(r.db, "INSERT INTO OUTBOX")
        key = InboundKey("t", "evt-1")
        command = c.OpenTicket(actor=person("alice"), text="the connection drops")
        with pytest.raises(DBAPIError):
            await r.desk.handle(command, key)
        assert dropped() == 1
        async with r.db.transaction() as conn:
            assert (await conn.execute(select(inbound_updates))).all() == []
            assert (await conn.execute(select(ticket_messages))).all() == []
            assert (await conn.execute(select(outbox))).all() == []
        # The platform redelivers the unacked update: it takes effect once.
        outcome = await r.desk.handle(command, key)
        assert not outcome.duplicate
        # The write that records a delivery loses its connection too: retried, not resent.
        dropped_mark = drop_connection_on(r.db, "UPDATE OUTBOX SET STATUS")
        await r.drain()
        rows, lost, duplicated = await r.reported(
            report, "postgres, connection killed in desk txn and in mark-sent"
        )
        assert dropped_mark() == 1
        assert lost == 0 and duplicated == 0 and rows == len(r.platform.accepted) == 2


@pytest.mark.postgres
async def test_a_dropped_connection_while_applying_keeps_the_updates_queued(
    small_kb: Path, report: Report
) -> None:
    async with postgres_schema() as schema, rig(postgres_database(schema), small_kb) as r:
        inbox = r.inbox
        await inbox.submit(
            c.OpenTicket(actor=person("alice"), text="no wifi"), InboundKey("t", "1")
        )
        await inbox.submit(
            c.OpenTicket(actor=person("carol"), text="no mail"), InboundKey("t", "2")
        )
        dropped = drop_connection_on(r.db, "INSERT INTO TICKETS")
        with pytest.raises(DBAPIError):
            await inbox.apply_all()  # an outage is not the update's fault: no attempt counted
        assert dropped() == 1
        async with r.db.transaction() as conn:
            assert (await conn.execute(select(tickets))).all() == []
            queued = (await conn.execute(select(inbox_table.c.attempts))).scalars().all()
        assert queued == [0, 0]
        assert await inbox.apply_all() == 2
        await r.drain()
        rows, lost, duplicated = await r.reported(
            report, "postgres, connection killed while applying a queued batch"
        )
        assert lost == 0 and duplicated == 0 and rows == len(r.platform.accepted) == 4
