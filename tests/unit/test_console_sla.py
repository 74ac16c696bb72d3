"""The SLA loop on the console: its reminders are printed when they happen, between lines."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from adapters.console.app import ConsoleBot, ConsoleSender
from adapters.console.translate import Session
from bots.wiring import build_core
from core.desk import SlaPolicy
from core.faq.service import FaqService
from core.storage.db import Database
from tests.support import PLAIN_TUNING, FakeClock, settings_for


async def test_the_console_prints_the_sla_reminders_of_a_simulated_clock(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock()
    out = io.StringIO()
    session = Session(name="alice")
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'console.db'}")
    await db.upgrade()
    try:
        async with build_core(
            settings_for(small_kb),
            db=db,
            faq=FaqService(small_kb, "en"),
            clock=clock,
            senders={"console": ConsoleSender(session, out)},
            tuning=PLAIN_TUNING,
        ) as core:
            bot = ConsoleBot(core.desk, core.dispatcher, session, lang="en", output=out)
            await bot.handle_line("/ticket the printer is on fire")
            policy = SlaPolicy(unclaimed=timedelta(minutes=30), reply=timedelta(hours=4))
            clock.advance(10 * 60)
            assert await bot.remind(policy) == 0
            clock.advance(13 * 60)  # 23 of 30 minutes
            assert await bot.remind(policy) == 2
            clock.advance(8 * 60)
            assert await bot.remind(policy) == 2
    finally:
        await db.dispose()
    printed = out.getvalue()
    assert "[agents #1] Reminder: ticket #1 needs a first response within 7 min." in printed
    assert "[agents #1] SLA breached: ticket #1 got no first response in time." in printed
    assert "SLA: first response breached 1 min ago" in printed
