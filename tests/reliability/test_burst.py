"""A burst of 1,000 messages to one Telegram group stays under 20 per minute.

Simulated clock; the platform is a fake that enforces Telegram's documented
limits on that clock and answers 429 (RetryLater) when they are broken, so a
429 here is one we caused. On PostgreSQL two dispatchers (two engines, as two
worker processes would have) share the budgets through the database.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from bots.limits import TELEGRAM
from core.delivery import DeliveryTuning, Dispatcher, RetryLater
from core.events import Event, PersonTarget, Relay, TicketThreadTarget, target_key
from core.storage.db import Database
from core.storage.outbox_store import OutboxRecords
from tests.reliability.conftest import Report
from tests.support import FakeClock, postgres_database, postgres_schema

GROUP_MESSAGES = 1000
PRIVATE_CHATS = 2
PRIVATE_MESSAGES = 20  # per chat


@dataclass
class TelegramLimits:
    """Telegram's limits as a fake platform enforces them, on the simulated clock."""

    clock: Callable[[], datetime]
    windows: dict[str, deque[float]] = field(default_factory=dict)
    delivered: list[tuple[float, str, str]] = field(default_factory=list)
    refused: int = 0

    def _over(self, key: str, count: int, seconds: float, now: float) -> bool:
        window = self.windows.setdefault(key, deque())
        while window and window[0] <= now - seconds:
            window.popleft()
        return len(window) >= count

    async def send(self, event: Event) -> None:
        now = self.clock().timestamp()
        chat = "group" if isinstance(event.target, TicketThreadTarget) else target_key(event.target)
        per_chat = (20, 60.0) if chat == "group" else (3, 1.0)  # private: short bursts of 3
        if self._over("bot", 30, 1.0, now) or self._over(chat, *per_chat, now):
            self.refused += 1
            raise RetryLater(1, "fake telegram: too many requests")
        self.windows["bot"].append(now)
        self.windows[chat].append(now)
        assert isinstance(event.payload, Relay)
        self.delivered.append((now, chat, event.payload.text))


def burst() -> list[Event]:
    events = [
        Event(
            target=TicketThreadTarget(platform="telegram", ticket_number=1 + i % 3),
            lang="en",
            payload=Relay(
                ticket_number=1 + i % 3,
                message_id=i,
                author_name="Requester",
                author_role="requester",
                text=f"group message {i} 👋🏽",
            ),
        )
        for i in range(GROUP_MESSAGES)
    ]
    for chat in range(PRIVATE_CHATS):
        events += [
            Event(
                target=PersonTarget(platform="telegram", user_id=f"{1000 + chat}"),
                lang="en",
                payload=Relay(
                    ticket_number=1,
                    message_id=10_000 + chat * 100 + k,
                    author_name="Agent",
                    author_role="agent",
                    text=f"private {chat}/{k}",
                ),
            )
            for k in range(PRIVATE_MESSAGES)
        ]
    return events


async def run_burst(databases: list[Database], report: Report, note: str) -> None:
    clock = FakeClock()
    platform = TelegramLimits(clock)
    dispatchers = [
        Dispatcher(
            db,
            {"telegram": platform},
            clock=clock,
            sleep=clock.sleep,
            limits={"telegram": TELEGRAM},
            # Reserve up to a minute ahead: the sends wait for their slots on the
            # simulated clock, and the suite needs 50 lease cycles instead of 1,000.
            tuning=DeliveryTuning(lookahead_seconds=60.0),
            worker_id=f"w{i}",
        )
        for i, db in enumerate(databases)
    ]
    await databases[0].upgrade()
    start = clock()
    async with databases[0].transaction() as conn:
        await OutboxRecords(conn).enqueue(burst(), start)
    for turn in range(20 * len(burst())):
        for dispatcher in dispatchers:  # the workers take turns, as processes would race
            await dispatcher.run_until_idle()
        due = await dispatchers[turn % len(dispatchers)].next_due()
        if due is None:
            break
        clock.now = max(clock.now, due)
    else:
        raise AssertionError("the outbox never drained")
    for db in databases:
        await db.dispose()

    group = [t for t, chat, _ in platform.delivered if chat == "group"]
    texts = Counter(text for _, _, text in platform.delivered)
    wanted = GROUP_MESSAGES + PRIVATE_CHATS * PRIVATE_MESSAGES
    lost = wanted - len(texts)
    duplicated = sum(n - 1 for n in texts.values())
    elapsed = group[-1] - group[0]
    utilisation = (len(group) - 1) / (elapsed / 3.0)
    report(
        sent=len(platform.delivered),
        lost=lost,
        duplicated=duplicated,
        note=f"{note}; 429 caused by us: {platform.refused}; group utilisation {utilisation:.1%}",
    )
    assert platform.refused == 0
    assert lost == 0 and duplicated == 0
    assert utilisation > 0.99  # 20/min is the ceiling and we get to it (simulated time)
    worst = max(sum(1 for u in group if t <= u < t + 60) for t in group)  # busiest 60 s window
    assert worst <= 20
    sent_by = Counter(d.stats.sent["telegram"] for d in dispatchers)
    assert sum(d.stats.sent["telegram"] for d in dispatchers) == wanted, sent_by


async def test_a_thousand_messages_to_one_group_respect_20_per_minute(
    tmp_path: Path, report: Report
) -> None:
    await run_burst([Database(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}")], report, "sqlite")


@pytest.mark.postgres
async def test_two_workers_share_the_group_budget_through_postgres(report: Report) -> None:
    async with postgres_schema() as schema:
        await run_burst(
            [postgres_database(schema), postgres_database(schema)], report, "postgres, 2 workers"
        )
