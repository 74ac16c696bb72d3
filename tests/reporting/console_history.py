"""A scripted help desk history, typed at the console on a simulated clock."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.console.app import ConsoleBot, ConsoleSender
from adapters.console.translate import Session
from bots.wiring import build_core
from core.faq.service import FaqService
from core.storage.db import Database
from tests.support import PLAIN_TUNING, FakeClock, settings_for


@dataclass
class ConsoleScript:
    bot: ConsoleBot
    clock: FakeClock
    output: io.StringIO

    async def type(self, *lines: str) -> None:
        for line in lines:
            await self.bot.handle_line(line)
            await self.bot.dispatcher.run_until_idle()  # printed before the next line

    async def at(self, minutes: float, *lines: str) -> None:
        """Type `lines` when `minutes` have passed since the script started."""
        self.clock.now = START_OF_SCRIPT + (minutes * MINUTE)
        await self.type(*lines)


START_OF_SCRIPT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC
MINUTE = timedelta(minutes=1)


@asynccontextmanager
async def console_script(db_url: str, kb: Path, **env: str) -> AsyncIterator[ConsoleScript]:
    db = Database(db_url)
    await db.upgrade()
    clock = FakeClock(START_OF_SCRIPT)
    session = Session(name="you")
    output = io.StringIO()
    try:
        async with build_core(
            settings_for(kb, **env),
            db=db,
            faq=FaqService(kb, "en"),
            clock=clock,
            senders={"console": ConsoleSender(session, output)},
            tuning=PLAIN_TUNING,
        ) as core:
            bot = ConsoleBot(core.desk, core.dispatcher, session, lang="en", output=output)
            yield ConsoleScript(bot, clock, output)
    finally:
        await db.dispose()


async def lead_week(script: ConsoleScript) -> None:
    """Questions answered, confirmed, escalated; small talk; two unanswered alike; a ticket
    resolved, rated twice, reopened, resolved and rated again; one nobody ever answers."""
    await script.at(0, "/as alice", "How do I connect to the VPN?", "/helped")
    await script.at(1, "/as carol", "How do I request vacation?")
    await script.at(2, "/as dave", "How do I connect to the VPN?", "/human")  # ticket 1
    await script.at(3, "/as erin", "hi", "thanks!")
    await script.at(4, "/as frank", "the coffee machine leaks", "/ticket coffee machine leaks")
    await script.at(5, "/as gina", "the coffee machine is leaking")
    await script.at(10, "/agent bob", "/claim 1")
    await script.at(20, "/reply 1 reconnect with your new token")
    await script.at(30, "/resolve 1")
    await script.at(31, "/as dave", "/rate 1 2")
    await script.at(32, "/rate 1 4")
    await script.at(40, "/reopen 1")
    await script.at(50, "/agent bob", "/reply 1 the token is in the portal now")
    await script.at(60, "/resolve 1")
    await script.at(61, "/as dave", "/rate 1 5")
