"""Payloads Slack really sends that the desk used to drop or answer badly."""

from __future__ import annotations

import json

from tests.adapters.slack.conftest import AGENTS, ALICE, GENERAL, SlackHarness, modal_submission
from tests.support import ticket_json


async def test_a_me_message_is_relayed_like_text(slack: SlackHarness) -> None:
    await slack.command(ALICE, "Monitor is blank")
    await slack.deliver()
    # https://api.slack.com/events/message/me_message: `/me is back at her desk`
    thread = slack.ticket_thread(ALICE, 1)  # written in the ticket's thread of the DM
    await slack.dm(ALICE, "is back at her desk", subtype="me_message", thread_ts=thread)
    await slack.deliver()
    assert slack.thread(1)[-1] == "Alice: is back at her desk"


async def test_a_mention_with_nothing_else_gets_the_short_help(slack: SlackHarness) -> None:
    ts = slack.api.human_message(GENERAL, ALICE, "@helpdesk")
    text = slack.api.message(GENERAL, ts).text
    assert text == "<@UBOT>"  # as Slack sends it
    await slack.event(
        {"type": "app_mention", "channel": GENERAL, "user": ALICE, "ts": ts, "text": text}
    )
    await slack.deliver()
    [answer] = slack.api.posted(GENERAL)
    assert answer.thread_ts == ts
    assert answer.text.startswith("Ask me anything here")


async def test_a_modal_the_desk_cannot_use_is_answered_inside_the_modal(
    slack: SlackHarness,
) -> None:
    posted = await slack.interaction(modal_submission(ALICE, "   \n "))
    assert posted.status == 200
    # https://api.slack.com/surfaces/modals#displaying_errors
    assert json.loads(posted.body) == {
        "response_action": "errors",
        "errors": {"text": "Please describe what you need help with."},
    }
    await slack.deliver()
    assert await ticket_json(slack.core.db, 1) is None
    assert slack.api.dm_texts(ALICE) == []  # no DM about it: the modal said it
    assert slack.api.posted(AGENTS) == []
