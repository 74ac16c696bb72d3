"""Retries, signatures, races, escaping and rate limits, as Slack really behaves."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from core.storage.tables import outbox
from tests.adapters.slack.conftest import (
    AGENTS,
    ALICE,
    BOB,
    CAROL,
    SECRET,
    SlackHarness,
    running_slack,
)
from tests.fakes.slack_api import BOT_ID, BOT_USER, sign
from tests.support import postgres_scratch_database, set_database_online


async def test_the_update_is_stored_before_the_ack(slack: SlackHarness) -> None:
    response = await slack.command(ALICE, "Keyboard missing keys")
    assert response.status == 200
    assert await slack.core.inbox.depth() == {"pending": 1}  # stored, not yet applied
    assert slack.api.calls_of("chat.postMessage") == []
    await slack.deliver()
    assert await slack.core.inbox.depth() == {}
    assert await slack.core.dispatcher.depth() == 0
    assert "Keyboard missing keys" in slack.card(1).text


async def test_a_retried_event_has_no_second_effect(slack: SlackHarness) -> None:
    event = slack.dm_event(ALICE, "How do I connect to the VPN?")
    first = await slack.event(event, event_id="Ev1")
    again = await slack.event(event, event_id="Ev1", retry_num=1)
    assert (first.status, again.status) == (200, 200)
    await slack.deliver()
    assert len(slack.api.dm_texts(ALICE)) == 1

    # a retried slash command (same trigger id) opens one ticket, not two
    fields = {
        "command": "/ticket",
        "text": "Mouse is dead",
        "user_id": ALICE,
        "channel_id": "CGENERAL",
        "trigger_id": "123.1.abc",
        "team_id": "T0001",
    }
    await slack.interactive_form(fields)
    await slack.interactive_form(fields)
    await slack.deliver()
    assert [t for t in slack.api.dm_texts(ALICE) if "opened" in t] == [
        "Ticket #1 opened: “Mouse is dead”. An agent will reply here."
    ]


async def test_a_bad_signature_is_rejected_with_no_effect(slack: SlackHarness) -> None:
    body = json.dumps(
        {
            "type": "event_callback",
            "event_id": "EvBad",
            "team_id": "T0001",
            "event": {
                "type": "message",
                "channel": "DUALICE",
                "channel_type": "im",
                "user": ALICE,
                "text": "open a ticket",
                "ts": "1.1",
            },
        }
    )
    headers = {"Content-Type": "application/json", **sign("not-the-secret", body)}
    async with slack.session.post(slack.url, data=body, headers=headers) as response:
        assert response.status == 401
    stale = {"Content-Type": "application/json", **sign(SECRET, body, timestamp=1_000_000)}
    async with slack.session.post(slack.url, data=body, headers=stale) as response:
        assert response.status == 401
    await slack.deliver()
    assert await slack.core.dispatcher.depth() == 0
    assert slack.api.calls_of("users.info") == []
    assert slack.api.posted() == []


async def test_concurrent_claims_have_one_winner_and_the_other_is_told_who(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "Laptop will not boot")
    await slack.deliver()
    card = slack.card(1)
    bob, carol = await asyncio.gather(
        slack.reaction(BOB, AGENTS, card.ts, "eyes"),
        slack.click(CAROL, AGENTS, card.ts, {"action_id": "card_claim", "value": "1"}),
    )
    assert (bob.status, carol.status) == (200, 200)
    await slack.deliver()
    blocks = str(slack.card(1).blocks)
    winner, loser = (BOB, CAROL) if f"<@{BOB}>" in blocks else (CAROL, BOB)
    assert f"<@{loser}>" not in blocks.replace(f"<@{ALICE}>", "")
    winner_name = {BOB: "Bob", CAROL: "Carol"}[winner]
    assert slack.api.ephemeral_texts(loser) == [
        f":warning: Ticket #1 is already claimed by {winner_name}."
    ]
    assert [t for t in slack.api.dm_texts(ALICE) if "handling" in t] == [
        f"{winner_name} is now handling your ticket #1."
    ]


async def test_user_text_cannot_mention_or_link(slack: SlackHarness) -> None:
    nasty = "<!channel> urgent <@UBOB> & see <https://evil.example|bank>"
    await slack.command(ALICE, nasty)
    await slack.deliver()
    card = slack.card(1)
    rendered = card.text + json.dumps(card.blocks)
    assert "<!channel>" not in rendered and "<https://evil" not in rendered
    assert "&lt;!channel&gt; urgent &lt;@UBOB&gt; &amp; see" in rendered
    assert "<@UBOB>" not in rendered

    await slack.thread_reply(BOB, card.ts, "<!here> fixed <@UALICE>")
    await slack.deliver()
    relayed = slack.api.dm_texts(ALICE)[-1]
    assert relayed == "Bob (#1): &lt;!here&gt; fixed &lt;@UALICE&gt;"


async def test_a_429_is_retried_after_retry_after(slack: SlackHarness) -> None:
    slack.api.fail_next("chat.postMessage", 1)
    await slack.dm(ALICE, "How do I connect to the VPN?")
    await slack.deliver()
    assert slack.api.dm_texts(ALICE) == []
    async with slack.core.db.transaction() as conn:
        row = (await conn.execute(select(outbox.c.status, outbox.c.last_error))).one()
    assert row.status == "pending" and "retry after 1s" in row.last_error

    slack.clock.advance(1.1)
    await slack.deliver()
    assert len(slack.api.dm_texts(ALICE)) == 1
    assert [c.method for c in slack.api.calls].count("chat.postMessage") == 2


async def test_a_permanent_error_is_dead_lettered_and_shown_on_the_card(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "Cannot log in to payroll")
    await slack.deliver()
    slack.api.fail_next("chat.postMessage", 1, status=200, error="account_inactive")
    await slack.reaction(BOB, AGENTS, slack.card(1).ts, "eyes")
    await slack.deliver()
    assert "Cannot reach the requester: permanent: account_inactive" in str(slack.card(1).blocks)


async def test_the_bots_own_messages_are_ignored(slack: SlackHarness) -> None:
    await slack.command(ALICE, "Headset crackles")
    await slack.deliver()
    card = slack.card(1)
    await slack.event(
        {
            "type": "message",
            "subtype": "bot_message",
            "channel": AGENTS,
            "channel_type": "channel",
            "bot_id": BOT_ID,
            "text": "echo",
            "ts": "5.5",
            "thread_ts": card.ts,
        }
    )
    await slack.event(
        {
            "type": "message",
            "channel": AGENTS,
            "channel_type": "channel",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "text": "echo",
            "ts": "5.6",
            "thread_ts": card.ts,
        }
    )
    await slack.deliver()
    assert [t for t in slack.api.dm_texts(ALICE) if "echo" in t] == []


async def test_an_event_that_met_a_database_outage_is_taken_when_slack_retries_it(
    tmp_path: Path, small_kb: Path
) -> None:
    async with (
        postgres_scratch_database() as url,
        running_slack(tmp_path, small_kb, database_url=url) as slack,
    ):
        await set_database_online(url, False)
        event = slack.dm_event(ALICE, "How do I connect to the VPN?")
        first = await slack.event(event, event_id="EvOutage")
        assert first.status >= 500  # not stored, not acknowledged: Slack will retry
        await set_database_online(url, True)
        again = await slack.event(event, event_id="EvOutage", retry_num=1)
        assert again.status == 200
        await slack.deliver()
        assert "Connecting to the VPN" in slack.api.dm_texts(ALICE)[-1]


async def test_a_refused_bot_token_stops_the_start_with_its_reason(
    tmp_path: Path, small_kb: Path
) -> None:
    with pytest.raises(SystemExit, match=r"Slack refused SLACK_BOT_TOKEN \(invalid_auth\)"):
        async with running_slack(tmp_path, small_kb, bot_token="xoxb-revoked"):
            pass


@pytest.mark.parametrize(
    "code",
    [
        # each from the error table of https://api.slack.com/methods/chat.postMessage
        "msg_blocks_too_long",
        "invalid_blocks",
        "invalid_arguments",
        "missing_scope",
        "not_in_channel",
        "messages_tab_disabled",
        "cannot_reply_to_message",
        "is_archived",
        "channel_not_found",
        "msg_too_long",
        "restricted_action",
    ],
)
async def test_an_error_no_retry_can_mend_is_dead_lettered_at_once(
    slack: SlackHarness, code: str
) -> None:
    await slack.command(ALICE, "Cannot log in to payroll")
    await slack.deliver()
    posts = len(slack.api.calls_of("chat.postMessage"))
    slack.api.fail_next("chat.postMessage", 1, status=200, error=code)
    await slack.reaction(BOB, AGENTS, slack.card(1).ts, "eyes")
    await slack.deliver()
    slack.clock.advance(3600)  # any retry would be due by now
    await slack.deliver()
    # one try for the requester's "Bob is handling it", then nothing more
    to_alice = [
        c for c in slack.api.calls_of("chat.postMessage")[posts:] if c.params["channel"] != AGENTS
    ]
    assert len(to_alice) == 1
    async with slack.core.db.transaction() as conn:
        statuses = (await conn.execute(select(outbox.c.status, outbox.c.last_error))).all()
    assert [row.last_error for row in statuses if row.status == "dead"] == [f"permanent: {code}"]
    assert f"Cannot reach the requester: permanent: {code}" in str(slack.card(1).blocks)


async def test_a_requesters_message_the_agents_thread_refuses_is_noted_in_that_thread(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "Cannot log in to payroll")
    await slack.deliver()
    # https://api.slack.com/methods/chat.postMessage: msg_blocks_too_long is refused on
    # every try, so the relay is dead-lettered at once
    slack.api.fail_next("chat.postMessage", 1, status=200, error="msg_blocks_too_long")
    await slack.dm(ALICE, "Here is the full error text", thread_ts=slack.ticket_thread(ALICE, 1))
    await slack.deliver()
    assert not any("full error text" in text for text in slack.thread(1))
    assert slack.thread(1)[-1] == (
        ":warning: A message from Alice could not be delivered to this thread "
        "(permanent: msg_blocks_too_long). It is kept with ticket #1: see helpdesk tickets "
        "show 1, or ask them to send it again."
    )
