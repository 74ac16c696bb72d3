"""Load benchmark of the delivery path (`make bench-load`); prints a table, writes JSON.

1. inbound: signed Slack events (DMs and /ticket) through `helpdesk run
   --adapter slack` worker processes (bolt -> translate -> inbox -> desk ->
   storage -> outbox) on SQLite x1, PostgreSQL x1 and PostgreSQL x2, 200
   requests in flight: updates applied per second, ack latency p50/p99 at the
   client (see bench/slack_inbound.py). Baseline in the same run: the earlier
   design, where the desk applied each update before the HTTP answer
   (loopback JSON, console translator, no bolt: cheaper per request), on
   PostgreSQL x2.
2. drain: the outbox emptied against a loopback platform that enforces 30
   messages per second (sliding window, 429 beyond): the achieved rate as a
   share of the allowed one, and the 429s we caused.

PostgreSQL: HELPDESK_BENCH_POSTGRES_URL (default the test server); scratch
schemas and databases are created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from adapters.console.translate import Session, parse_line
from bench.slack_inbound import ack_percentiles, slack_inbound_run
from bots.limits import TELEGRAM
from bots.progress import Advance, progress_bar
from bots.settings import Settings
from bots.wiring import CoreTuning, build_core
from core import commands as c
from core.delivery import DeliveryTuning, Dispatcher, RetryLater
from core.desk import Desk, InboundKey, utc_now
from core.events import Event, PersonTarget, Relay
from core.faq.service import FaqService
from core.ratelimit import PlatformLimits
from core.storage.db import Database
from core.storage.outbox_store import OutboxRecords

POSTGRES = os.environ.get(
    "HELPDESK_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
ROOT = Path(__file__).resolve().parents[1]


def _database(url: str, schema: str) -> Database:
    return Database(url, schema=None if schema == "-" else schema)


class CountingSender:
    async def send(self, event: Event) -> None:
        return None


async def worker(url: str, schema: str, port: int, worker_id: str) -> None:
    """One worker process: inbound HTTP + the dispatcher, as `helpdesk run` has them."""
    db = _database(url, schema)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        HELPDESK_FAQ_DIR=str(ROOT / "faq"),
        HELPDESK_LANG="en",
        HELPDESK_WORKER_ID=worker_id,
    )
    # The earlier design had neither rate limits nor slots reserved ahead.
    tuning = CoreTuning(delivery=DeliveryTuning(), limits={})
    async with build_core(
        settings,
        db=db,
        faq=FaqService(ROOT / "faq", "en"),
        senders={"console": CountingSender()},
        tuning=tuning,
    ) as core:
        await _serve_desk(core.desk, core.dispatcher, port)
    await db.dispose()


async def _serve_desk(desk: Desk, dispatcher: Dispatcher, port: int) -> None:
    """Apply each update before answering it, as the earlier design did."""

    async def inbound(request: web.Request) -> web.Response:
        body = await request.json()
        action = parse_line(body["text"], Session(name=body["user"]))
        assert isinstance(action, c.Command)
        outcome = await desk.handle(action, InboundKey("console", body["id"]))
        return web.json_response({"duplicate": outcome.duplicate})

    app = web.Application()
    app.router.add_post("/update", inbound)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    task = asyncio.create_task(dispatcher.run_forever(stop))
    print("ready", flush=True)
    await stop.wait()
    await task
    await runner.cleanup()


def _port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _inbound_run(
    label: str, url: str, schema: str, workers: int, updates: int
) -> dict[str, Any]:
    db = _database(url, schema)
    await db.upgrade()
    await db.dispose()
    ports = [_port() for _ in range(workers)]
    procs = []
    for i, port in enumerate(ports):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.throughput",
            "worker",
            url,
            schema,
            str(port),
            f"b{i}",
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        assert proc.stdout is not None
        await proc.stdout.readline()
        procs.append(proc)
    latencies: list[float] = []
    semaphore = asyncio.Semaphore(200)
    run = uuid.uuid4().hex[:6]
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(i: int) -> None:
            # Questions and status checks from 50 people: FAQ search, tickets, outbox rows.
            text = (
                "/ticket printer on fire"
                if i % 10 == 0
                else ("/status" if i % 10 == 1 else "How do I connect to the VPN?")
            )
            body = {"id": f"{run}-{i}", "user": f"user{i % 50}", "text": text}
            async with semaphore:
                started = time.perf_counter()
                async with session.post(
                    f"http://127.0.0.1:{ports[i % workers]}/update", json=body
                ) as response:
                    assert response.status == 200, await response.text()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(one(i) for i in range(200)))  # warm-up
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(200, 200 + updates)))
        elapsed = time.perf_counter() - started
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
        await proc.wait()
    return {
        "run": label,
        "updates": updates,
        "updates_per_s": round(updates / elapsed, 1),
        **ack_percentiles(latencies),
    }


class LimitedPlatform:
    """Accepts at most `limit` messages in any 1 s window; 429 beyond (our fault)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.window: deque[float] = deque()
        self.times: list[float] = []
        self.refused = 0

    async def send(self, event: Event) -> None:
        await asyncio.sleep(0.02)  # a platform round trip
        now = time.monotonic()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.refused += 1
            raise RetryLater(1.0, "429")
        self.window.append(now)
        self.times.append(now)


async def _drain_run(url: str, schema: str, messages: int, limit: int) -> dict[str, Any]:
    db = _database(url, schema)
    await db.upgrade()
    platform = LimitedPlatform(limit)
    events = [
        Event(
            target=PersonTarget(platform="bench", user_id=f"u{i % 100}"),
            lang="en",
            payload=Relay(
                ticket_number=1, message_id=i, author_name="A", author_role="agent", text=f"m{i}"
            ),
        )
        for i in range(messages)
    ]
    async with db.transaction() as conn:
        await OutboxRecords(conn).enqueue(events, utc_now())
    dispatcher = Dispatcher(
        db,
        {"bench": platform},
        clock=utc_now,
        limits={
            # The budgets Telegram ships with, against a platform enforcing its documented 30/s.
            "bench": PlatformLimits(per_person=TELEGRAM.per_person, per_bot=TELEGRAM.per_bot)
        },
        tuning=DeliveryTuning(lookahead_seconds=0.25, poll_seconds=0.2),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(stop))
    while await dispatcher.depth():  # noqa: ASYNC110 - polling the database, not a flag
        await asyncio.sleep(0.2)
    stop.set()
    await task
    await db.dispose()
    span = platform.times[-1] - platform.times[0]
    rate = (len(platform.times) - 1) / span
    return {
        "run": "drain",
        "messages": messages,
        "allowed_per_s": limit,
        "sent_per_s": round(rate, 2),
        "utilisation": round(rate / limit, 3),
        "429_caused_by_us": platform.refused,
    }


async def _scratch(kind: str, use: Any) -> Any:
    """`use` a scratch PostgreSQL schema (by name) or database (by URL), dropped after."""
    import asyncpg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(POSTGRES.replace("postgresql+asyncpg://", "postgresql://"))
    await conn.execute(f'CREATE {kind} "{name}"')
    try:
        return await use(name if kind == "SCHEMA" else POSTGRES.rsplit("/", 1)[0] + f"/{name}")
    finally:
        cascade = "CASCADE" if kind == "SCHEMA" else "WITH (FORCE)"
        await conn.execute(f'DROP {kind} "{name}" {cascade}')
        await conn.close()


async def _with_schema(use: Any) -> Any:
    return await _scratch("SCHEMA", use)


async def _with_database(use: Any) -> Any:
    """Worker processes started by the CLI take a plain URL: a whole database each."""
    return await _scratch("DATABASE", use)


INBOUND_CONFIGURATIONS = 4  # the runs of one inbound round, for the progress bar


async def _inbound_round(updates: int, step: Callable[[], None]) -> list[dict[str, Any]]:
    rows = [
        await _with_schema(
            lambda s: _inbound_run("before: apply, then ack; postgres x2", POSTGRES, s, 2, updates)
        )
    ]
    step()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        rows.append(await slack_inbound_run("slack, sqlite x1", sqlite_url, 1, updates))
    step()
    for workers in (1, 2):
        rows.append(
            await _with_database(
                lambda url, w=workers: slack_inbound_run(f"slack, postgres x{w}", url, w, updates)
            )
        )
        step()
    return rows


def _medians(rounds: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per configuration: the median of each number over the rounds, and the rate's range."""
    summary = []
    for runs in zip(*rounds, strict=True):
        row: dict[str, Any] = {"run": runs[0]["run"], "rounds": len(runs)}
        for key, value in runs[0].items():
            if isinstance(value, int | float) and key != "updates":
                row[key] = round(statistics.median(r[key] for r in runs), 1)
        rates = [r["updates_per_s"] for r in runs]
        row["updates_per_s_range"] = f"{min(rates)}-{max(rates)}"
        summary.append(row)
    return summary


async def bench(
    updates: int, messages: int, runs: set[str], repeat: int, advance: Advance
) -> list[dict[str, Any]]:
    results = []
    total = (INBOUND_CONFIGURATIONS * repeat if "inbound" in runs else 0) + ("drain" in runs)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        advance(done, total)

    advance(0, total)
    if "inbound" in runs:
        # Rounds interleave the configurations, so a slow spell of this shared
        # machine touches all of them rather than one.
        rounds = [await _inbound_round(updates, step) for _ in range(repeat)]
        results.extend(_medians(rounds))
    if "drain" in runs:
        results.append(await _with_schema(lambda s: _drain_run(POSTGRES, s, messages, 30)))
        step()
    return results


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        asyncio.run(worker(*sys.argv[2:5], sys.argv[5]))  # type: ignore[call-arg]
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--runs", default="inbound,drain", help="inbound, drain or both")
    parser.add_argument("--repeat", type=int, default=3, help="inbound rounds (medians)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/throughput.json"))
    args = parser.parse_args()
    with progress_bar("benchmark runs") as advance:  # on a terminal only
        results = asyncio.run(
            bench(args.updates, args.messages, set(args.runs.split(",")), args.repeat, advance)
        )
    for row in results:
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
