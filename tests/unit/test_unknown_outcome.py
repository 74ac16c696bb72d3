"""Sends whose answer was lost: looked for, or tried once more, never repeated blindly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bots.wiring import build_core
from core import commands as c
from core.delivery import Dispatcher, MaybeSent, Sender
from core.desk import Desk, InboundKey
from core.events import Event
from core.faq.service import FaqService
from core.storage.db import Database
from core.storage.tables import outbox
from tests.support import PLAIN_TUNING, FakeClock, person, settings_for


@dataclass
class LosesAnswers:
    """Delivers every send but loses the answer of the first `lost` ones; cannot look."""

    lost: int
    delivered: list[Event] = field(default_factory=list)

    async def send(self, event: Event) -> None:
        self.delivered.append(event)
        if len(self.delivered) <= self.lost:
            raise MaybeSent("read timeout")


@dataclass
class Marks:
    """Tags each message with its marker and can look for it; `land` says whether the
    send whose answer is lost reached the platform."""

    land: bool
    delivered: list[str] = field(default_factory=list)
    looked: list[str] = field(default_factory=list)
    lost_once: bool = False

    async def send(self, event: Event) -> None:
        raise AssertionError("a checking sender is always sent to with its marker")

    async def send_marked(self, event: Event, marker: str) -> None:
        if not self.lost_once:
            self.lost_once = True
            if self.land:
                self.delivered.append(marker)
            raise MaybeSent("read timeout")
        self.delivered.append(marker)

    async def verify(self, event: Event, marker: str) -> bool | None:
        self.looked.append(marker)
        return marker in self.delivered


@asynccontextmanager
async def _desk(
    tmp_path: Path, kb: Path, platform: Sender, clock: FakeClock
) -> AsyncIterator[tuple[Database, Desk, Dispatcher]]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'u.db'}")
    await db.upgrade()
    async with build_core(
        settings_for(kb),
        db=db,
        faq=FaqService(kb, "en"),
        clock=clock,
        senders={"test": platform},
        tuning=PLAIN_TUNING,
    ) as core:
        yield db, core.desk, core.dispatcher
    await db.dispose()


async def _statuses(db: Database) -> list[str]:
    async with db.transaction() as conn:
        return [r.status for r in (await conn.execute(select(outbox.c.status))).all()]


async def _one_send(desk: Desk, dispatcher: Dispatcher, clock: FakeClock) -> None:
    await desk.handle(c.ShowStatus(actor=person("alice")), InboundKey("test", "1"))
    for _ in range(5):
        await dispatcher.run_until_idle()
        clock.advance(600)


@pytest.mark.parametrize(
    ("land", "resolution"),
    [
        (True, "found"),  # it is there: recorded as sent, not sent again
        (False, "missing"),  # it is not: sent again, once
    ],
)
async def test_a_lost_answer_is_looked_for_before_anything_is_sent_again(
    tmp_path: Path, small_kb: Path, land: bool, resolution: str
) -> None:
    clock = FakeClock()
    platform = Marks(land=land)
    async with _desk(tmp_path, small_kb, platform, clock) as (db, desk, dispatcher):
        await _one_send(desk, dispatcher, clock)
        assert len(platform.delivered) == 1
        assert platform.looked == platform.delivered  # the same marker on every attempt
        assert await _statuses(db) == ["sent"]
        assert dispatcher.stats.unknown == {("test", resolution): 1}


@pytest.mark.parametrize(
    ("lost", "copies", "resolution"),
    [
        (1, 2, "resent"),  # the one more try is answered
        (100, 2, "assumed_sent"),  # lost again: taken as sent, never a third copy
    ],
)
async def test_a_sender_that_cannot_look_gets_one_more_try_at_most(
    tmp_path: Path, small_kb: Path, lost: int, copies: int, resolution: str
) -> None:
    clock = FakeClock()
    platform = LosesAnswers(lost=lost)
    async with _desk(tmp_path, small_kb, platform, clock) as (db, desk, dispatcher):
        await _one_send(desk, dispatcher, clock)
        assert len(platform.delivered) == copies
        assert await _statuses(db) == ["sent"]
        assert dispatcher.stats.unknown == {("test", resolution): 1}
