"""Two live workers and a dead one: the dead one's lease is taken over, a live one's never.

In-process dispatchers on one database with the real clock. The dead worker
leased a row and stopped (as after kill -9: no heartbeat after its lease); a
live worker holds another row in a send that lasts several staleness bounds.
Beat and staleness are scaled down from the defaults (2 s / 6 s) in the same
ratio, so the test takes seconds.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import suppress

from core.delivery import DeliveryTuning, Dispatcher
from core.desk import utc_now
from core.events import Event, Notice, PersonTarget
from core.storage.db import Database
from core.storage.outbox_store import OutboxRecords
from tests.conftest import DatabaseFactory
from tests.reliability.conftest import Report
from tests.support import eventually

FAST = DeliveryTuning(heartbeat_seconds=1.0, stale_worker_seconds=3.0, poll_seconds=0.05)
SLOW_SEND_SECONDS = 7.0  # over two staleness bounds


class Platform:
    """Records sends by recipient; the send to "slow" takes SLOW_SEND_SECONDS."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.slow_started = asyncio.Event()

    async def send(self, event: Event) -> None:
        user = getattr(event.target, "user_id", "")
        if user == "slow":
            self.slow_started.set()
            await asyncio.sleep(SLOW_SEND_SECONDS)
        self.sent[user] += 1


def _event(user: str) -> Event:
    target = PersonTarget(platform="test", user_id=user)
    return Event(target=target, lang="en", payload=Notice(key="hello"))


async def _enqueue(db: Database, user: str) -> None:
    async with db.transaction() as conn:
        await OutboxRecords(conn).enqueue([_event(user)], utc_now())


async def test_a_live_workers_long_send_is_not_taken_over_a_dead_workers_lease_is(
    database_factory: DatabaseFactory, report: Report
) -> None:
    databases = [database_factory() for _ in range(3)]
    await databases[0].upgrade()
    platform = Platform()
    dead, slow, helper = (
        Dispatcher(db, {"test": platform}, clock=utc_now, tuning=FAST, worker_id=name)
        for db, name in zip(databases, ["dead", "slow", "helper"], strict=True)
    )
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    try:
        await _enqueue(databases[0], "orphan")
        assert len(await dead._lease(1)) == 1  # leased with its heartbeat, then never again
        await _enqueue(databases[0], "slow")
        tasks.append(asyncio.create_task(slow.run_forever(stop)))
        await asyncio.wait_for(platform.slow_started.wait(), 10)
        tasks.append(asyncio.create_task(helper.run_forever(stop)))
        loop = asyncio.get_running_loop()
        started = loop.time()
        await eventually(lambda: platform.sent["orphan"] == 1, within=5)
        taken_after = loop.time() - started
        assert platform.sent["slow"] == 0  # still in flight: its owner keeps beating
        await eventually(lambda: platform.sent["slow"] == 1, within=SLOW_SEND_SECONDS + 5)
        await asyncio.sleep(3 * FAST.stale_worker_seconds)  # nobody sends it again
        report(
            sent=sum(platform.sent.values()),
            lost=0,
            duplicated=sum(n - 1 for n in platform.sent.values()),
            note=f"dead worker's row sent {taken_after:.1f}s after the helper started",
        )
        assert platform.sent == Counter({"orphan": 1, "slow": 1})
    finally:
        stop.set()
        for task in tasks:
            with suppress(Exception):
                await task
        for db in databases:
            await db.dispose()
