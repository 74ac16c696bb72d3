"""Signed Slack events through the real bot: `helpdesk run --adapter slack` worker processes.

Each worker is the production composition (bolt app, inbox, desk, outbox
dispatcher) talking to the fake Slack Web API from tests/fakes over loopback.
The load generator posts Events API envelopes and /ticket slash commands,
signed as Slack signs them, with a fixed number in flight; with two workers it
alternates between them as a load balancer in front of one Slack URL would.

Measured: the ack latency at the client (HTTP 200 from bolt: the update is
committed to the inbox) and the rate at which updates are applied (the inbox
drained: FAQ searched, tickets written, outbox rows queued).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from core.storage.db import Database
from core.storage.tables import inbound_updates, inbox, outbox
from tests.fakes.slack_api import (
    BOT_TOKEN,
    BOT_USER,
    TEAM,
    FakeSlackApi,
    form_body,
    free_port,
    sign,
)

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret"
AGENTS = "CAGENTS"
PEOPLE = 1000  # a company's worth of people: 3 updates each in a 3,000-update run
START_TIMEOUT = 60.0
QUESTIONS = (
    "How do I connect to the VPN?",
    "my password expired, how do I reset it",
    "Jak zresetować hasło?",
    "Как подключиться к VPN из дома?",
    "where do I request vacation days",
)


@dataclass(frozen=True)
class Request:
    body: bytes
    content_type: str
    headers: dict[str, str]


def slack_requests(count: int, run: str, *, tickets: bool = True) -> list[Request]:
    """90 % direct messages (questions, in three languages), 10 % /ticket commands."""
    made: list[Request] = []
    for i in range(count):
        user = f"U{i % PEOPLE:03d}"
        if tickets and i % 10 == 0:
            body = form_body(
                {
                    "token": "legacy",
                    "team_id": TEAM,
                    "channel_id": "CGENERAL",
                    "user_id": user,
                    "user_name": user.lower(),
                    "command": "/ticket",
                    "text": f"printer {i} is on fire",
                    "response_url": "https://hooks.slack.invalid/commands/1",
                    "trigger_id": f"{run}.{i}",
                    "api_app_id": "A0001",
                }
            )
            content_type = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(
                {
                    "token": "legacy",
                    "team_id": TEAM,
                    "api_app_id": "A0001",
                    "type": "event_callback",
                    "event_id": f"Ev{run}{i}",
                    "event_time": int(time.time()),
                    "event": {
                        "type": "message",
                        "channel": f"D{user}",
                        "channel_type": "im",
                        "user": user,
                        "text": QUESTIONS[i % len(QUESTIONS)],
                        "ts": f"{int(time.time())}.{i:06d}",
                        "event_ts": f"{int(time.time())}.{i:06d}",
                    },
                }
            )
            content_type = "application/json"
        made.append(Request(body.encode(), content_type, sign(SECRET, body)))
    return made


def fake_workspace() -> FakeSlackApi:
    api = FakeSlackApi()
    for n in range(PEOPLE):
        user = f"U{n:03d}"
        api.add_user(user, f"Person {n}")
        api.dms[user] = f"D{user}"
    api.add_user("UAGENT", "Agent")
    api.add_channel(AGENTS, [BOT_USER, "UAGENT"])
    return api


async def start_workers(database_url: str, api: FakeSlackApi, count: int) -> list[Any]:
    """`python -m bots run --adapter slack` processes; returns (process, port) pairs."""
    started = []
    for n in range(count):
        port = free_port()
        env = {
            **os.environ,
            "HELPDESK_DATABASE_URL": database_url,
            "HELPDESK_FAQ_DIR": str(ROOT / "faq"),
            "HELPDESK_HTTP_PORT": str(port),
            "HELPDESK_WORKER_ID": f"bench-{n}",
            "HELPDESK_LOG_LEVEL": "ERROR",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_AGENTS_CHANNEL": AGENTS,
            "SLACK_API_URL": api.base_url,
        }
        env.pop("SLACK_APP_TOKEN", None)
        env.pop("TELEGRAM_BOT_TOKEN", None)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bots", "run", "--adapter", "slack", cwd=ROOT, env=env
        )
        started.append((proc, port))
    async with aiohttp.ClientSession() as session:
        for proc, port in started:
            await _wait_until_listening(session, proc, port)
    return started


async def _wait_until_listening(
    session: aiohttp.ClientSession, proc: asyncio.subprocess.Process, port: int
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            raise RuntimeError(f"worker exited with {proc.returncode}")
        try:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status in (200, 503):
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("worker did not start listening")


async def stop_workers(workers: list[Any]) -> None:
    for proc, _ in workers:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    for proc, _ in workers:
        await asyncio.wait_for(proc.wait(), START_TIMEOUT)


async def applied_count(db: Database) -> tuple[int, int]:
    """(updates recorded, updates still queued) across all workers."""
    async with db.transaction() as conn:
        recorded = await conn.scalar(select(func.count()).select_from(inbound_updates))
        queued = await conn.scalar(select(func.count()).select_from(inbox))
    return int(recorded or 0), int(queued or 0)


async def _wait_sent(db: Database) -> None:
    """Poll until the outbox has nothing pending (the warm-up's answers went out)."""
    while True:
        async with db.transaction() as conn:
            pending = await conn.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.status == "pending")
            )
        if not pending:
            return
        await asyncio.sleep(0.1)


async def post_all(
    ports: list[int], requests: list[Request], in_flight: int
) -> tuple[list[float], int]:
    """Post every request over `in_flight` keep-alive connections; ack latencies, failures.

    Request i goes to worker i mod N, as a round-robin load balancer sends it.
    A minimal HTTP/1.1 client (prepared request bytes, Content-Length answers)
    keeps the load generator's share of the CPU it shares with the workers small.
    """
    latencies: list[float] = []
    failures = 0
    queues: dict[int, asyncio.Queue[bytes]] = {port: asyncio.Queue() for port in ports}
    for i, request in enumerate(requests):
        port = ports[i % len(ports)]
        queues[port].put_nowait(_raw(request, port))

    async def connection(port: int) -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        pending = queues[port]
        try:
            while not pending.empty():
                raw = pending.get_nowait()
                started = time.perf_counter()
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
                await reader.readexactly(_content_length(head))
                latencies.append(time.perf_counter() - started)
                failures += not head.startswith(b"HTTP/1.1 200")
        finally:
            writer.close()

    await asyncio.gather(*(connection(ports[n % len(ports)]) for n in range(in_flight)))
    return latencies, failures


def _raw(request: Request, port: int) -> bytes:
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Content-Type": request.content_type,
        "Content-Length": str(len(request.body)),
        **request.headers,
    }
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"POST /slack/events HTTP/1.1\r\n{head}\r\n".encode() + request.body


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


async def slack_inbound_run(
    label: str, database_url: str, workers: int, updates: int, in_flight: int = 200
) -> dict[str, Any]:
    api = fake_workspace()
    await api.start()
    db = Database(database_url)
    await db.upgrade()
    running = await start_workers(database_url, api, workers)
    ports = [port for _, port in running]
    try:
        run = os.urandom(3).hex()
        # Everyone asks once first, so people, DM channels and look-ups are known.
        # (No tickets: their cards go to the agents' channel at Slack's 1/s.)
        warm_up = slack_requests(PEOPLE, f"w{run}", tickets=False)
        await post_all(ports, warm_up, in_flight)
        await _wait_applied(db, len(warm_up))
        await _wait_sent(db)
        requests = slack_requests(updates, run)
        started = time.perf_counter()
        latencies, failures = await post_all(ports, requests, in_flight)
        acked = time.perf_counter() - started
        await _wait_applied(db, len(warm_up) + updates)
        applied = time.perf_counter() - started
    finally:
        await stop_workers(running)
        await db.dispose()
        await api.stop()
    return {
        "run": label,
        "updates": updates,
        "updates_per_s": round(updates / applied, 1),
        "acked_per_s": round(updates / acked, 1),
        **ack_percentiles(latencies),
        "failed_acks": failures,
    }


def ack_percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "ack_p50_ms": round(statistics.median(ordered) * 1000, 1),
        "ack_p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
    }


async def _wait_applied(db: Database, total: int) -> None:
    """Poll until `total` updates are recorded and none is left in the inbox.

    Every request was acknowledged before this is called, so each one is
    already recorded; the cheap check of the inbox comes first.
    """
    while True:
        async with db.transaction() as conn:
            queued = await conn.scalar(select(inbox.c.id).limit(1))
        if queued is None:
            recorded, _ = await applied_count(db)
            if recorded >= total:
                return
        await asyncio.sleep(0.02)
