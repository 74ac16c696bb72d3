"""kill -9 of a worker at each dangerous point; a restart delivers everything, once.

Workers are real processes (tests/reliability/worker.py) behind a loopback
inbound endpoint, delivering to a loopback platform. The crash point is chosen
with HELPDESK_TEST_CRASH; the test plays the platform's part on the inbound
side: an update whose ack never came is sent again (as Slack and Telegram do),
and a dead worker is started again (as systemd does): with the same worker id,
or with the default one, a new id, whose leases the heartbeats hand over.
On PostgreSQL two workers share the database and every update is delivered
to both of them, so inbound deduplication is exercised across processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from core.events import event_from_json
from core.storage.db import Database
from core.storage.tables import inbox, outbox, ticket_messages, tickets
from tests.reliability.conftest import Report
from tests.reliability.loopback import LoopbackPlatform, free_port, outgoing
from tests.support import postgres_database, postgres_schema

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # generous bounds so a broken build fails instead of hanging
SETTLE_TIMEOUT = 90.0


@dataclass
class Worker:
    argv: list[str]
    port: int
    worker_id: str
    proc: asyncio.subprocess.Process | None = None
    restarts: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    async def start(self, crash: str | None = None, crash_once: Path | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_TEST_CRASH")}
        env |= self.extra_env
        if crash:
            env["HELPDESK_TEST_CRASH"] = crash
        if crash_once:
            env["HELPDESK_TEST_CRASH_ONCE"] = str(crash_once)
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.reliability.worker",
            *self.argv,
            str(self.port),
            self.worker_id,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), START_TIMEOUT)
        assert line.strip() == b"ready", f"worker did not start: {line!r}"

    @property
    def dead(self) -> bool:
        return self.proc is None or self.proc.returncode is not None

    async def revive_if_dead(self, grace: float) -> bool:
        """Start the worker again if it died (waiting up to `grace` for the exit to show)."""
        assert self.proc is not None
        if self.proc.returncode is None:
            try:
                await asyncio.wait_for(self.proc.wait(), grace)
            except TimeoutError:
                return False
        assert self.proc.returncode == -signal.SIGKILL
        self.restarts += 1
        await self.start()
        return True

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), START_TIMEOUT)


USERS = [f"user{i}" for i in range(4)]


def requests() -> list[dict[str, Any]]:
    """4 tickets opened and 12 requester messages: unique texts."""
    found: list[dict[str, Any]] = [
        {"id": f"open-{u}", "kind": "open", "user": u, "text": f"help for {u}"} for u in USERS
    ]
    for k in range(3):
        found += [
            {"id": f"say-{u}-{k}", "kind": "say", "user": u, "text": f"{u} says {k} ✓"}
            for u in USERS
        ]
    return found


async def answers(db: Database) -> list[dict[str, Any]]:
    """An agent's answer to each ticket, by the number the agents see on its card.

    A transaction killed after it took a ticket number leaves a gap on
    PostgreSQL (sequences are not rolled back), so the numbers are looked up.
    """
    async with db.transaction() as conn:
        numbers = (await conn.execute(select(tickets.c.id).order_by(tickets.c.id))).scalars()
        return [
            {
                "id": f"reply-{n}",
                "kind": "reply",
                "user": "agent",
                "agent": True,
                "number": n,
                "text": f"answer for #{n}",
            }
            for n in numbers
        ]


@dataclass
class Cluster:
    db: Database
    platform: LoopbackPlatform
    workers: list[Worker]
    accepted_before_death: list[int] = field(default_factory=list)
    _reviving: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def revive(self, grace: float = 0.0) -> None:
        async with self._reviving:
            for worker in self.workers:
                if await worker.revive_if_dead(grace):
                    self.accepted_before_death.append(len(self.platform.accepted))

    async def post(
        self, session: aiohttp.ClientSession, worker: Worker, body: dict[str, Any]
    ) -> None:
        """Deliver one update until it is acked, as a platform with retries does."""
        for _ in range(20):
            try:
                url = f"http://127.0.0.1:{worker.port}/update"
                async with session.post(url, json=body) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await self.revive(grace=0.5)
        raise AssertionError(f"update {body['id']} was never acked")

    async def post_all(self, session: aiohttp.ClientSession, bodies: list[dict[str, Any]]) -> None:
        """Each update twice (a platform retry); with two workers, once at each."""
        count = len(self.workers)
        for i, body in enumerate(bodies):
            first, second = self.workers[i % count], self.workers[(i + 1) % count]
            await asyncio.gather(self.post(session, first, body), self.post(session, second, body))

    async def settle(self) -> None:
        """Wait until nothing is queued or pending, starting dead workers again meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT
        while loop.time() < deadline:
            await self.revive()
            async with self.db.transaction() as conn:
                # The inbox first: applying a batch deletes its rows and writes their
                # outbox rows in one commit, so once the inbox reads empty every outbox
                # row of those updates is already visible to the second read.
                queued = (await conn.execute(select(inbox.c.id))).all()
                pending = (
                    queued
                    + (
                        await conn.execute(select(outbox.c.id).where(outbox.c.status == "pending"))
                    ).all()
                )
            if not pending:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{len(pending)} message(s) still pending")


@asynccontextmanager
async def cluster(
    backend: str,
    tmp_path: Path,
    kb: Path,
    crash: str,
    workers: int,
    *,
    named: bool = True,
    cross: bool = False,
) -> AsyncIterator[Cluster]:
    """`named`: each worker has a stable HELPDESK_WORKER_ID; otherwise the default.
    `cross`: one desk for Slack and Telegram (tests/reliability/worker.py)."""
    platform = LoopbackPlatform()
    await platform.start()
    async with _database(backend, tmp_path) as (db, url, schema):
        await db.upgrade()
        members = [
            Worker(
                [url, schema, str(kb), platform.url],
                free_port(),
                f"w{i}" if named else "-",
                extra_env={"HELPDESK_TEST_CROSS": "1"} if cross else {},
            )
            for i in range(workers)
        ]
        try:
            # Every worker may crash at the point (how the sends are shared between
            # them varies), and the first to reach it does; restarted, none crashes.
            crashed = tmp_path / "crashed"
            await asyncio.gather(*(w.start(crash, crashed) for w in members))
            yield Cluster(db, platform, members)
        finally:
            for worker in members:
                await worker.stop()
            await platform.stop()
            await db.dispose()


@asynccontextmanager
async def _database(backend: str, tmp_path: Path) -> AsyncIterator[tuple[Database, str, str]]:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'kill.db'}"
        yield Database(url), url, "-"
        return
    async with postgres_schema() as schema:
        yield postgres_database(schema), "postgres", schema


async def tally(cluster: Cluster) -> tuple[int, list[tuple[str, str]], dict[tuple[str, str], int]]:
    """(rows, lost messages, extra copies per message) from the outbox and the platform."""
    async with cluster.db.transaction() as conn:
        rows = (await conn.execute(select(outbox.c.status, outbox.c.event))).all()
    assert {row.status for row in rows} == {"sent"}
    expected = Counter(outgoing(event_from_json(row.event)) for row in rows)
    copies = cluster.platform.copies()
    lost = [m for m, n in expected.items() if copies[m] < n]
    extra = {m: copies[m] - n for m, n in expected.items() if copies[m] > n}
    assert not set(copies) - set(expected), "the platform got something nobody sent"
    return len(rows), lost, extra


# Every point on PostgreSQL with two workers (the scale-out set-up); two on SQLite.
@pytest.mark.parametrize(
    ("backend", "point"),
    [("postgres", p) for p in ("receive", "ack", "store", "before_send", "after_send")]
    + [("sqlite", "ack"), ("sqlite", "after_send")],
)
async def test_kill_minus_nine_loses_nothing(
    backend: str, point: str, tmp_path: Path, small_kb: Path, report: Report
) -> None:
    workers = 2 if backend == "postgres" else 1
    async with cluster(backend, tmp_path, small_kb, f"{point}:3", workers) as c:
        await play(c, requests(), backend, point, report)


async def play(
    c: Cluster,
    bodies: list[dict[str, Any]],
    backend: str,
    point: str,
    report: Report,
    answered_from: str | None = None,
) -> None:
    """The requesters' updates, then an agent's answer to each ticket (from the platform
    `answered_from`), each update delivered twice; then nothing lost, nothing twice."""
    async with aiohttp.ClientSession() as session:
        await c.post_all(session, bodies)
        await c.settle()
        replies = await answers(c.db)
        if answered_from is not None:
            replies = [{**reply, "platform": answered_from} for reply in replies]
        await c.post_all(session, replies)
        await c.settle()
    assert sum(w.restarts for w in c.workers) == 1, "the crash point was never reached"

    rows, lost, extra = await tally(c)
    async with c.db.transaction() as conn:
        said = Counter((await conn.execute(select(ticket_messages.c.text))).scalars().all())
        opened = len((await conn.execute(select(tickets.c.id))).all())
    duplicated = sum(extra.values())
    report(
        sent=len(c.platform.accepted),
        lost=len(lost),
        duplicated=duplicated,
        note=f"{backend}, kill at {point}, {rows} outbox rows",
    )
    assert opened == 4
    assert all(n == 1 for n in said.values()), "an inbound update took effect twice"
    assert lost == []
    # The at-least-once window: only messages the platform had accepted while the
    # killed worker still held them (in flight, not yet recorded) come again, once.
    first_seen = [c.platform.accepted.index(m) for m in extra]
    assert all(n == 1 for n in extra.values())
    assert all(i < c.accepted_before_death[0] for i in first_seen)


# A team with a place on each platform: every Telegram requester's ticket has a card and
# a thread in Slack and in Telegram, and a Slack agent's answer goes to the requester and
# is mirrored into the Telegram thread. Sends of both platforms share the outbox.
@pytest.mark.parametrize(
    ("backend", "point"),
    [("postgres", "store"), ("postgres", "after_send"), ("sqlite", "before_send")],
)
async def test_kill_minus_nine_across_platforms_loses_nothing(
    backend: str, point: str, tmp_path: Path, small_kb: Path, report: Report
) -> None:
    workers = 2 if backend == "postgres" else 1
    bodies = [{**body, "platform": "telegram"} for body in requests()]
    async with cluster(backend, tmp_path, small_kb, f"{point}:5", workers, cross=True) as c:
        await play(c, bodies, backend, point, report, answered_from="slack")
        async with c.db.transaction() as conn:
            numbers = (await conn.execute(select(tickets.c.id))).scalars().all()
        shown = c.platform.copies()
        for n in numbers:
            # the requester's messages reached both threads, the answer her and the mirror
            for platform in ("slack", "telegram"):
                thread = [text for (to, text), _ in shown.items() if to == f"{platform}:ticket:{n}"]
                assert sum(" says " in text for text in thread) == 3, (platform, n, thread)
            mirrored = f"Agent via Slack (#{n}): answer for #{n}"
            assert shown[(f"telegram:ticket:{n}", mirrored)] >= 1
            assert not any(to == f"slack:ticket:{n}" and "via Slack" in t for to, t in shown)


RECOVERY_PROMISE_SECONDS = 10.0


# Default settings: no HELPDESK_WORKER_ID, so the restarted worker has a new id and
# the reply waits for the dead worker's heartbeat to go stale, not for its lease.
@pytest.mark.parametrize(("backend", "workers"), [("sqlite", 1), ("postgres", 1), ("postgres", 2)])
async def test_a_reply_held_by_a_killed_worker_arrives_within_ten_seconds_once(
    backend: str, workers: int, tmp_path: Path, small_kb: Path, report: Report
) -> None:
    loop = asyncio.get_running_loop()
    async with cluster(backend, tmp_path, small_kb, "before_send:1", workers, named=False) as c:
        accepted_at: list[float] = []
        c.platform.on_accept = lambda _to, _text: accepted_at.append(loop.time())
        async with aiohttp.ClientSession() as session:
            body = {"id": "o", "kind": "open", "user": "u", "text": "help"}
            await c.post(session, c.workers[0], body)
        # Whichever worker leased the first reply is killed holding it.
        exits = {asyncio.ensure_future(w.proc.wait()): w for w in c.workers if w.proc}
        done, waiting = await asyncio.wait(
            exits, timeout=START_TIMEOUT, return_when="FIRST_COMPLETED"
        )
        died_at = loop.time()
        for future in waiting:
            future.cancel()
        assert len(done) == 1, "no worker was killed"
        victim = exits[done.pop()]
        await c.revive()
        await c.settle()
        recovered = max(accepted_at) - died_at
        _, lost, extra = await tally(c)
        report(
            sent=len(c.platform.accepted),
            lost=len(lost),
            duplicated=sum(extra.values()),
            note=f"{backend}, {workers} worker(s), default worker ids, "
            f"delivered {recovered:.1f}s after the kill",
        )
        assert victim.restarts == 1
        assert lost == [] and extra == {}
        assert recovered < RECOVERY_PROMISE_SECONDS
