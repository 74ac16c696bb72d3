"""Operating the desk: `helpdesk outbox|inbox`, /metrics and /healthz."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from bots.http import build_http_app
from bots.inbox_cli import inbox_app
from bots.outbox_cli import outbox_app
from bots.settings import Settings
from bots.wiring import CoreTuning, build_core
from core import commands as c
from core.delivery import PermanentFailure
from core.desk import InboundKey, utc_now
from core.events import Event
from core.inbox import INBOX_BACKOFF, InboxTuning
from core.storage.inbox_store import InboxRecords, NewUpdate
from core.storage.tables import inbound_updates
from tests.support import person


class Refuses:
    async def send(self, event: Event) -> None:
        raise PermanentFailure("Forbidden: bot was blocked by the user")


async def test_dead_letters_are_listed_retried_and_counted(
    tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(small_kb))
    async with build_core(Settings(), senders={"test": Refuses()}) as core:
        await core.desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("test", "1"))
        await core.dispatcher.run_until_idle()
        async with TestClient(TestServer(build_http_app(core))) as client:
            metrics = await (await client.get("/metrics")).text()
            health = await client.get("/healthz")
    assert 'helpdesk_outbox_rows{platform="test",status="dead"} 1' in metrics
    assert 'helpdesk_delivery_failures_total{platform="test"' in metrics
    assert 'helpdesk_updates_total{platform="test"} 1' in metrics
    assert health.status in (200, 503)

    runner = CliRunner()

    async def invoke(*args: str) -> Result:  # the CLI runs its own event loop
        return await asyncio.to_thread(runner.invoke, outbox_app(), list(args))

    listed = await invoke("list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [r["last_error"] for r in rows] == ["permanent: Forbidden: bot was blocked by the user"]
    assert "alice" in rows[0]["target"] and "text" not in rows[0]
    retried = await invoke("retry", "--all")
    assert retried.exit_code == 0 and "1 row queued again" in retried.output
    pending = json.loads((await invoke("list", "--status", "pending", "--json")).output)
    assert [r["attempts"] for r in pending] == [0]
    purged = await invoke("purge", "--dead", "--older-than-days", "0")
    assert purged.exit_code == 0 and "0 rows deleted" in purged.output  # pending stays


async def test_parked_updates_are_listed_measured_and_queued_again(
    tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(small_kb))
    no_retries = CoreTuning(inbox=InboxTuning(backoff=replace(INBOX_BACKOFF, attempts=1)))
    async with build_core(Settings(), tuning=no_retries) as core:
        async with core.db.transaction() as conn:
            # An update this release cannot read (a newer release's command, say).
            unreadable = NewUpdate("test", "u-1", "test:alice", '{"type": "Teleport"}')
            await InboxRecords(conn).store([unreadable], utc_now())
        await core.inbox.submit(c.ShowStatus(actor=person("bob")), InboundKey("test", "u-2"))
        await core.inbox.apply_all()
        async with TestClient(TestServer(build_http_app(core))) as client:
            metrics = await (await client.get("/metrics")).text()
    assert 'helpdesk_inbox_depth{status="failed"} 1' in metrics
    assert 'helpdesk_inbox_depth{status="pending"} 0' in metrics
    assert "helpdesk_updates_applied_total{" in metrics and "} 1" in metrics

    runner = CliRunner()

    async def invoke(*args: str) -> Result:
        return await asyncio.to_thread(runner.invoke, inbox_app(), list(args))

    listed = await invoke("list", "--json")
    assert listed.exit_code == 0, listed.output
    report = json.loads(listed.output)
    assert report["depth"] == {"failed": 1}
    assert [row["update_id"] for row in report["failed"]] == ["u-1"]
    assert "not a stored command" in report["failed"][0]["last_error"]
    retried = await invoke("retry")
    assert retried.exit_code == 0 and "1 update queued again" in retried.output
    assert json.loads((await invoke("list", "--json")).output)["depth"] == {"pending": 1}

    async with build_core(Settings()) as core, core.db.transaction() as conn:
        # A month later: the applied update's key goes, the queued one's stays.
        forgotten = await InboxRecords(conn).forget_keys(utc_now() + timedelta(days=30))
        kept = (await conn.execute(select(inbound_updates.c.update_id))).scalars().all()
    assert forgotten == 1 and kept == ["u-1"]
    refused = await invoke("prune", "--older-than-days", "0")
    assert refused.exit_code != 0  # a window shorter than the platforms' redelivery
