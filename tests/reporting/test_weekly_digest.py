"""The weekly digest: opt-in, posted once at its weekday and hour to the agents' place,
this week's numbers against the week before, a link to the web report when public."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bots.runner import post_digest_when_due
from bots.wiring import Core, build_core
from core import commands as c
from core.desk import InboundKey
from core.events import AgentsTarget
from core.faq.service import FaqService
from core.presenter import render_text
from core.storage.db import Database
from tests.support import PLAIN_TUNING, FakeClock, RecordingSender, person, settings_for

MONDAY_9 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
BOB = person("bob", agent=True)


@dataclass
class Desk:
    core: Core
    clock: FakeClock
    agents: RecordingSender
    n: int = 0

    async def do(self, command: object) -> None:
        self.n += 1
        await self.core.desk.handle(command, InboundKey("test", f"u{self.n}"))  # type: ignore[arg-type]

    def digests(self) -> list[str]:
        return [render_text(e) for e in self.agents.delivered if isinstance(e.target, AgentsTarget)]


@pytest.fixture
async def desk(tmp_path: Path, small_kb: Path) -> AsyncIterator[Desk]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'digest.db'}")
    await db.upgrade()
    clock = FakeClock(MONDAY_9 - timedelta(days=10))  # the Friday of the week before last
    sender = RecordingSender()
    settings = settings_for(
        small_kb, HELPDESK_DIGEST="mon 09:00", HELPDESK_PUBLIC_URL="https://desk.example.com/"
    )
    try:
        async with build_core(
            settings,
            db=db,
            faq=FaqService(small_kb, "en"),
            clock=clock,
            senders={"test": sender},
            tuning=PLAIN_TUNING,
        ) as core:
            yield Desk(core, clock, sender)
    finally:
        await db.dispose()


async def test_the_digest_compares_the_week_with_the_one_before_and_goes_out_once(
    desk: Desk,
) -> None:
    await desk.do(c.OpenTicket(actor=person("alice"), text="printer offline"))
    desk.clock.now = MONDAY_9 - timedelta(days=3)  # last Friday
    await desk.do(c.SendText(actor=person("carol"), text="How do I connect to the VPN?"))
    await desk.do(c.OpenTicket(actor=person("dave"), text="new mouse please"))
    await desk.do(c.OpenTicket(actor=person("erin"), text="monitor flickers"))
    await desk.do(c.Resolve(actor=BOB, number=2))

    desk.clock.now = MONDAY_9 - timedelta(minutes=1)
    assert not await post_digest_when_due(desk.core, ["test"])  # the digest is due at 09:00 only
    desk.clock.now = MONDAY_9 + timedelta(minutes=1)
    assert await post_digest_when_due(desk.core, ["test"])
    assert not await post_digest_when_due(desk.core, ["test"]), "posted once per week"
    await desk.core.dispatcher.run_until_idle()

    digest, link = desk.digests()
    assert digest.startswith("Weekly help desk digest, 2026-03-02 – 2026-03-08")
    assert "tickets opened: 2 (1), resolved: 1 (0), waiting now: 2" in digest
    assert "questions: 1 (0)" in digest
    assert link == (
        "Full report: https://desk.example.com/console/reports?since=2026-03-02"
        "&until=2026-03-08&by=day"
    )


async def test_a_digest_missed_for_a_day_is_skipped(desk: Desk) -> None:
    desk.clock.now = MONDAY_9 + timedelta(days=1, minutes=1)
    assert not await post_digest_when_due(desk.core, ["test"])


def test_the_digest_is_off_unless_scheduled_and_a_bad_schedule_is_named(small_kb: Path) -> None:
    assert settings_for(small_kb).digest_schedule is None
    schedule = settings_for(small_kb, HELPDESK_DIGEST="Friday 16:30").digest_schedule
    assert schedule is not None and schedule.weekday == 4
    with pytest.raises(ValidationError, match="weekday and a UTC time"):
        settings_for(small_kb, HELPDESK_DIGEST="every monday")
