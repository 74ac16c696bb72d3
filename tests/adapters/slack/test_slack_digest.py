"""The weekly digest reaches the agents' channel itself, not a ticket's thread."""

from __future__ import annotations

from datetime import timedelta

from core.reporting import ReportPolicy
from core.reporting.digest import DigestSchedule, digest_events, weekly_digest
from tests.adapters.slack.conftest import AGENTS, SlackHarness


async def test_the_digest_is_a_top_level_post_in_the_agents_channel(slack: SlackHarness) -> None:
    await slack.command("UALICE", "my laptop does not boot")
    await slack.deliver()
    now = slack.clock.now + timedelta(days=7)
    schedule = DigestSchedule(weekday=now.weekday(), at=now.time().replace(microsecond=0))
    due = await weekly_digest(slack.core.db, ReportPolicy(), schedule, now)
    assert due is not None
    key, week, before = due
    events = digest_events(week, before, ["slack"], "en", "https://desk.example.com")
    assert await slack.core.desk.post_once(key, events)
    await slack.core.dispatcher.run_until_idle()
    digest, link = [m for m in slack.api.posted(AGENTS) if m.text.startswith(("Weekly", "Full"))]
    assert digest.thread_ts is None and link.thread_ts is None
    assert "tickets opened: 1 (0)" in digest.text
    # Slack turns a bare URL into a link itself (api.slack.com/reference/surfaces/formatting).
    assert "https://desk.example.com/console/reports?since=" in link.text
