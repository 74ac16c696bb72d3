"""A post whose answer was lost is looked for in the conversation before it is posted again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.slack.marks import MARK_EVENT
from bots.metrics import render_metrics
from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, SlackHarness, running_slack

WEB_API_TIMEOUT = 0.5  # seconds: the Web API client gives up on an answer this late
LATE = 1.5  # seconds: how late the slow answer comes


@pytest.fixture
async def impatient(
    tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackHarness]:
    monkeypatch.setattr("bots.slack_runtime.WEB_API_TIMEOUT", WEB_API_TIMEOUT)
    async with running_slack(tmp_path, small_kb) as harness:
        yield harness


async def _faq_answer_with_lost_answer(slack: SlackHarness, *, handled: bool) -> None:
    slack.api.slow_next("chat.postMessage", LATE, handled=handled)
    await slack.dm(ALICE, "How do I connect to the VPN?")
    await slack.deliver()


async def test_a_post_slack_took_but_answered_late_is_found_not_posted_twice(
    impatient: SlackHarness,
) -> None:
    slack = impatient
    await _faq_answer_with_lost_answer(slack, handled=True)
    slack.clock.advance(600)
    await slack.core.dispatcher.run_until_idle()
    assert len(slack.api.dm_texts(ALICE)) == 1
    assert len(slack.api.calls_of("chat.postMessage")) == 1
    looked = slack.api.calls_of("conversations.history")[-1].params
    assert str(looked["include_all_metadata"]).lower() in ("true", "1")
    assert slack.core.dispatcher.stats.unknown == {("slack", "found"): 1}
    assert await slack.core.dispatcher.depth() == 0
    posted = slack.api.posted(slack.api.dms[ALICE])[0]
    assert posted.metadata is not None and posted.metadata["event_type"] == MARK_EVENT
    metrics = await render_metrics(slack.core.db, slack.core.dispatcher, slack.core.inbox)
    assert 'helpdesk_sends_unknown_total{platform="slack",resolution="found"' in metrics


async def test_a_post_whose_connection_dropped_is_found_not_posted_twice(
    impatient: SlackHarness,
) -> None:
    """No blind second request from the SDK: the post Slack took is found by its mark."""
    slack = impatient
    slack.api.cut_next("chat.postMessage")
    await slack.dm(ALICE, "How do I connect to the VPN?")
    for _ in range(3):
        await slack.deliver()
        slack.clock.advance(600)
    assert len(slack.api.dm_texts(ALICE)) == 1
    assert len(slack.api.calls_of("chat.postMessage")) == 1
    assert slack.core.dispatcher.stats.unknown == {("slack", "found"): 1}
    assert await slack.core.dispatcher.depth() == 0


async def test_a_post_lost_on_the_way_is_posted_once_more(impatient: SlackHarness) -> None:
    slack = impatient
    await _faq_answer_with_lost_answer(slack, handled=False)
    assert slack.api.dm_texts(ALICE) == []
    assert slack.core.dispatcher.stats.unknown == {("slack", "missing"): 1}
    slack.clock.advance(600)  # past the retry's backoff
    await slack.core.dispatcher.run_until_idle()
    assert len(slack.api.dm_texts(ALICE)) == 1
    assert len(slack.api.calls_of("chat.postMessage")) == 2
    assert await slack.core.dispatcher.depth() == 0


async def test_every_post_whose_answer_was_late_is_found_and_remembered(
    impatient: SlackHarness,
) -> None:
    """The card, the requester's DM and a relay into the card's thread: each answer late,
    each message found once, and what the send does after posting still done."""
    slack = impatient
    slack.api.slow_next("chat.postMessage", LATE)
    slack.api.slow_next("chat.postMessage", LATE)
    await slack.command(ALICE, "Keyboard missing keys")
    await slack.deliver()
    assert slack.core.dispatcher.stats.unknown == {("slack", "found"): 2}
    opened, question = slack.api.dm_texts(ALICE)  # "opened" once, the optional question after
    assert opened.startswith("Ticket #1 opened") and question.endswith("What is it?")
    slack.card(1)  # exactly one card

    slack.api.slow_next("chat.postMessage", LATE)
    await slack.dm(ALICE, "It is a USB keyboard", thread_ts=slack.ticket_thread(ALICE, 1))
    await slack.deliver()
    assert [t for t in slack.thread(1) if "It is a USB keyboard" in t] != []
    assert len(slack.thread(1)) == 1
    assert slack.api.calls_of("conversations.replies") != []
    assert slack.core.dispatcher.stats.unknown == {("slack", "found"): 3}

    # the found card's ts was remembered: a claim edits it in place
    await slack.command(BOB, "claim 1", channel=AGENTS)
    await slack.deliver()
    assert "<@UBOB>" in str(slack.card(1).blocks)
    # card, DM, the question after it, relay, its acknowledgement, claim notice
    assert len(slack.api.calls_of("chat.postMessage")) == 6
    assert await slack.core.dispatcher.depth() == 0
