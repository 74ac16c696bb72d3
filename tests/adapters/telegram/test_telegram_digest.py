"""The weekly digest reaches the agents' group itself (its general topic), as HTML Telegram
accepts."""

from __future__ import annotations

from datetime import timedelta

from core.reporting import ReportPolicy
from core.reporting.digest import DigestSchedule, digest_events, weekly_digest
from tests.adapters.telegram.harness import AGENTS, Harness


async def test_the_digest_is_posted_to_the_agents_group(desk: Harness) -> None:
    now = desk.clock.now + timedelta(days=7)
    schedule = DigestSchedule(weekday=now.weekday(), at=now.time().replace(microsecond=0))
    due = await weekly_digest(desk.core.db, ReportPolicy(), schedule, now)
    assert due is not None
    key, week, before = due
    events = digest_events(week, before, ["telegram"], "ru", None)
    assert await desk.core.desk.post_once(key, events)
    await desk.deliver()
    [digest] = desk.fake.messages_in(AGENTS)
    assert digest.text.startswith("Еженедельная сводка службы поддержки")
    assert digest.thread_id is None  # not inside a ticket's topic
