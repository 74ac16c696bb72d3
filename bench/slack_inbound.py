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
from core.storage.tables import inbound_updates, inbox
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
PEOPLE = 50
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


def slack_requests(count: int, run: str) -> list[Request]:
    """90 % direct messages (questions, in three languages), 10 % /ticket commands."""
    made: list[Request] = []
    for i in range(count):
        user = f"U{i % PEOPLE:03d}"
        if i % 10 == 0:
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


async def post_all(
    ports: list[int], requests: list[Request], in_flight: int
) -> tuple[list[float], int]:
    """Post every request (round robin over the workers); ack latencies and failures."""
    latencies: list[float] = []
    failures = 0
    semaphore = asyncio.Semaphore(in_flight)
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(i: int, request: Request) -> None:
            nonlocal failures
            url = f"http://127.0.0.1:{ports[i % len(ports)]}/slack/events"
            headers = {"Content-Type": request.content_type, **request.headers}
            async with semaphore:
                started = time.perf_counter()
                async with session.post(url, data=request.body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(one(i, r) for i, r in enumerate(requests)))
    return latencies, failures


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
        warm_up = slack_requests(200, f"w{run}")
        await post_all(ports, warm_up, in_flight)
        await _wait_applied(db, len(warm_up))
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
    latencies.sort()
    return {
        "run": label,
        "updates": updates,
        "updates_per_s": round(updates / applied, 1),
        "acked_per_s": round(updates / acked, 1),
        "ack_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "ack_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "failed_acks": failures,
    }


async def _wait_applied(db: Database, total: int) -> None:
    """Poll until `total` updates are recorded and none is left in the inbox."""
    while True:
        recorded, queued = await applied_count(db)
        if recorded >= total and queued == 0:
            return
        await asyncio.sleep(0.01)
