"""Heartbeats and the takeover of a dead worker's leases, on every backend."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.events import Event, Notice, PersonTarget
from core.heartbeat import Heartbeat
from core.storage.db import Database
from core.storage.outbox_store import OutboxRecords
from core.storage.tables import outbox, workers
from core.storage.worker_store import WorkerRecords
from tests.conftest import DatabaseFactory
from tests.support import FakeClock

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=60)
STALE = timedelta(seconds=6)


def _event(user: str) -> Event:
    target = PersonTarget(platform="test", user_id=user)
    return Event(target=target, lang="en", payload=Notice(key="hello"))


async def _lease_one_each(db: Database, owners: list[str]) -> list[int]:
    """One row per owner, each leased by it until LEASE; their ids in `owners` order."""
    async with db.transaction() as conn:
        records = OutboxRecords(conn)
        await records.enqueue([_event(f"u{i}") for i in range(len(owners))], NOW)
        due = await records.due(NOW, ["test"], len(owners))
        for row, owner in zip(due, owners, strict=True):
            await records.lease([row.id], LEASE, owner)
    return [row.id for row in due]


async def _owners(db: Database) -> dict[int, str | None]:
    async with db.transaction() as conn:
        rows = (await conn.execute(select(outbox.c.id, outbox.c.leased_by))).all()
    return {row.id: row.leased_by for row in rows}


async def test_rows_of_stale_and_unknown_workers_are_taken_over_a_live_ones_are_not(
    database_factory: DatabaseFactory,
) -> None:
    db = database_factory()
    await db.upgrade()
    try:
        live, dead, ghost = await _lease_one_each(db, ["live", "dead", "ghost"])
        async with db.transaction() as conn:
            beats = WorkerRecords(conn)
            await beats.beat("live", NOW - timedelta(seconds=1))
            await beats.beat("dead", NOW - timedelta(seconds=7))
        async with db.transaction() as conn:
            assert await WorkerRecords(conn).forget_stale(NOW - STALE) == 1
            assert await OutboxRecords(conn).take_over(NOW) == 2
            remaining = (await conn.execute(select(workers.c.worker_id))).scalars().all()
            eligible = [row.id for row in await OutboxRecords(conn).due(NOW, ["test"], 10)]
        assert remaining == ["live"]
        assert await _owners(db) == {live: "live", dead: None, ghost: None}
        assert eligible == [dead, ghost]
    finally:
        await db.dispose()


async def test_a_beat_keeps_the_start_and_moves_the_heartbeat(
    database_factory: DatabaseFactory,
) -> None:
    db = database_factory()
    await db.upgrade()
    try:
        async with db.transaction() as conn:
            await WorkerRecords(conn).beat("w", NOW)
        async with db.transaction() as conn:
            await WorkerRecords(conn).beat("w", NOW + timedelta(seconds=2))
            row = (await conn.execute(select(workers))).one()
            oldest = await WorkerRecords(conn).oldest_heartbeat(excluding="other")
            none = await WorkerRecords(conn).oldest_heartbeat(excluding="w")
        assert (row.started_at, row.heartbeat_at) == (NOW, NOW + timedelta(seconds=2))
        assert (oldest, none) == (NOW + timedelta(seconds=2), None)
        async with db.transaction() as conn:
            await WorkerRecords(conn).retire("w")
            assert (await conn.execute(select(workers))).all() == []
    finally:
        await db.dispose()


async def test_the_check_comes_right_after_a_silent_worker_turns_stale(
    database_factory: DatabaseFactory,
) -> None:
    db = database_factory()
    await db.upgrade()
    try:
        clock = FakeClock(NOW)
        (row,) = await _lease_one_each(db, ["dead"])
        async with db.transaction() as conn:
            await WorkerRecords(conn).beat("dead", NOW - timedelta(seconds=5))
        watcher = Heartbeat(db, "me", clock=clock, every_seconds=2.0, stale_after_seconds=6.0)
        first = await watcher.check()
        assert first.released == 0
        assert 1.0 <= first.next_check_in <= 1.1  # not a whole beat later
        clock.advance(first.next_check_in)
        second = await watcher.check()
        assert second.released == 1 and second.next_check_in == 2.0
        assert await _owners(db) == {row: None}
    finally:
        await db.dispose()


async def test_workers_checking_at_once_free_each_row_once(
    database_factory: DatabaseFactory,
) -> None:
    databases = [database_factory() for _ in range(3)]
    await databases[0].upgrade()
    try:
        await _lease_one_each(databases[0], [f"dead{i}" for i in range(6)])
        watchers = [
            Heartbeat(db, f"w{i}", clock=lambda: NOW, every_seconds=2.0, stale_after_seconds=6.0)
            for i, db in enumerate(databases)
        ]
        found = await asyncio.gather(*(w.check() for w in watchers))
        assert sum(f.released for f in found) == 6
        assert set((await _owners(databases[0])).values()) == {None}
    finally:
        for db in databases:
            await db.dispose()
