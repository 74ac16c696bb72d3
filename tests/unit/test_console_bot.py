"""The console bot in process: reminders come to the console as to any platform."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

from adapters.console.app import ConsoleBot, ConsoleSender
from adapters.console.translate import Session
from bots.wiring import build_core
from core.faq.service import FaqService
from core.storage.db import Database
from tests.support import PLAIN_TUNING, FakeClock, settings_for


async def test_an_unclaimed_ticket_gets_its_reminder_in_the_console(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock()
    output = io.StringIO()
    session = Session(name="alice")
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'console.db'}")
    await db.upgrade()
    settings = settings_for(small_kb, HELPDESK_SLA_UNCLAIMED_MINUTES=30)
    try:
        async with build_core(
            settings,
            db=db,
            faq=FaqService(small_kb, "en"),
            clock=clock,
            senders={"console": ConsoleSender(session, output)},
            tuning=PLAIN_TUNING,
        ) as core:
            bot = ConsoleBot(
                core.desk,
                core.dispatcher,
                session,
                lang="en",
                output=output,
                remind=lambda: core.desk.remind_overdue(settings.sla),
            )

            async def typed() -> AsyncIterator[str]:
                yield "/ticket the printer jams"
                clock.advance(29 * 60)
                yield "/status"
                clock.advance(2 * 60)
                yield "/status"
                yield "/status"

            await bot.run(typed())
    finally:
        await db.dispose()
    reminders = [
        line
        for line in output.getvalue().splitlines()
        if "Reminder" in line or "SLA breached" in line
    ]
    # 75 % of the 30-minute first-response target, then the breach: each once.
    assert reminders == [
        "[agents #1] Reminder: ticket #1 needs a first response within 1 min.",
        "[agents #1] SLA breached: ticket #1 got no first response in time.",
    ]
