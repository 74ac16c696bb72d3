"""Look up, then open: what needs the Web API is acknowledged first and looked up after.

Slack drops a request it has no answer to after 3 s
(https://api.slack.com/apis/events-api#responding). 🎫 and the message shortcut need the
message's text and link, a newcomer's message their name and language: each is recorded,
acknowledged, then looked up, and reaches the desk once. The fake notes when each of its
answers leaves (`timeline`) and the test notes its ack there, so the order is read, not timed.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.i18n import t
from tests.adapters.slack.conftest import (
    AGENTS,
    ALICE,
    BOB,
    GENERAL,
    SlackHarness,
    event_callback,
    running_slack,
)
from tests.fakes.slack_api import FakeSlackApi, Message
from tests.support import ticket_json

DAVE = "UDAVE"  # joins the workspace after the bot started


async def _acked(slack: SlackHarness, body: dict[str, object]) -> None:
    posted = await slack.post(json.dumps(body), "application/json")
    assert posted.status == 200
    slack.api.timeline.append("ack")


async def _react(slack: SlackHarness, user: str, ts: str, event_id: str) -> None:
    event = {
        "type": "reaction_added",
        "user": user,
        "reaction": "ticket",
        "item_user": user,
        "item": {"type": "message", "channel": GENERAL, "ts": ts},
    }
    await _acked(slack, event_callback(event, event_id))


async def test_the_ticket_reaction_is_acknowledged_before_slack_answers_the_look_ups(
    slack: SlackHarness,
) -> None:
    slack.api.add_user(DAVE, "Dave")
    slack.api.add_channel(GENERAL, [*slack.api.members[GENERAL], DAVE])
    parent = slack.api.human_message(GENERAL, BOB, "Anyone else without Wi-Fi?")
    reply = slack.api.human_message(GENERAL, DAVE, "Room 4 & 5 too", thread_ts=parent)
    slack.api.slow_next("conversations.replies", 2.5)
    slack.api.slow_next("users.info", 2.5)
    await _react(slack, DAVE, reply, "EvTICKET1")
    await slack.deliver()
    timeline = slack.api.timeline
    assert timeline.index("ack") < timeline.index("conversations.replies answered")
    assert timeline.index("ack") < timeline.index("users.info answered")
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    assert detail["text"] == "Room 4 & 5 too"  # the reply's own text, read after the ack
    assert "Dave" in str(detail["requester"])  # his name, looked up after the ack too
    # Slack delivers the event again (its retry): still one ticket
    await _react(slack, DAVE, reply, "EvTICKET1")
    await slack.deliver()
    assert await ticket_json(slack.core.db, 2) is None
    assert sum("Ticket #1 opened" in text for text in slack.api.dm_texts(DAVE)) == 1


async def test_the_message_shortcut_is_acknowledged_before_the_permalink_is_read(
    slack: SlackHarness,
) -> None:
    ts = slack.api.human_message(GENERAL, ALICE, "Badge reader at door 2 is dead")
    slack.api.slow_next("chat.getPermalink", 2.5)
    await slack.interaction(
        {
            "type": "message_action",
            "callback_id": "create_ticket",
            "user": {"id": ALICE, "name": "alice"},
            "channel": {"id": GENERAL},
            "message": {"ts": ts, "text": "Badge reader at door 2 is dead", "user": ALICE},
        }
    )
    slack.api.timeline.append("ack")
    await slack.deliver()
    timeline = slack.api.timeline
    assert timeline.index("ack") < timeline.index("chat.getPermalink answered")
    card = str(slack.card(1).blocks)
    assert "Badge reader at door 2 is dead" in card
    assert f"p{ts.replace('.', '')}" in card


async def test_a_newcomer_is_answered_in_their_language_after_a_slow_look_up(
    slack: SlackHarness,
) -> None:
    slack.api.add_user(DAVE, "Dave", locale="pl-PL")
    slack.api.slow_next("users.info", 2.5)
    await _acked(slack, event_callback(slack.dm_event(DAVE, "Mój monitor migocze")))
    await _acked(slack, event_callback(slack.dm_event(DAVE, "Nadal migocze")))
    await slack.deliver()
    timeline = slack.api.timeline
    assert timeline.index("ack") < timeline.index("users.info answered")
    # both answered, in order, in Polish: the look-up came before either became a command
    assert slack.api.dm_texts(DAVE) == [t("pl", "faq.no_match"), t("pl", "faq.no_match")]
    assert len(slack.api.calls_of("users.info")) == 1


async def test_a_reaction_on_a_message_nobody_can_read_tells_the_person_how_to_open_a_ticket(
    slack: SlackHarness,
) -> None:
    ts = slack.api.human_message(GENERAL, ALICE, "Printer on floor 3 is jammed")
    # the bot was removed from the channel before the look-up: the errors the methods'
    # pages list (https://api.slack.com/methods/conversations.replies, chat.getPermalink)
    slack.api.fail_next("conversations.replies", status=200, error="not_in_channel")
    slack.api.fail_next("chat.getPermalink", status=200, error="channel_not_found")
    await slack.reaction(ALICE, GENERAL, ts, "ticket")
    await slack.deliver()
    assert await ticket_json(slack.core.db, 1) is None
    assert slack.api.dm_texts(ALICE) == [":warning: " + t("en", "source.unreadable")]


async def test_a_message_whose_text_cannot_be_read_opens_its_ticket_with_the_link(
    slack: SlackHarness,
) -> None:
    ts = slack.api.human_message(GENERAL, ALICE, "Scanner shows error E42")
    # https://api.slack.com/methods/conversations.replies: missing_scope without
    # channels:history; the permalink needs no scope of its own
    slack.api.fail_next("conversations.replies", status=200, error="missing_scope")
    await slack.reaction(ALICE, GENERAL, ts, "ticket")
    await slack.deliver()
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    assert detail["text"].endswith(f"p{ts.replace('.', '')}")
    assert slack.api.dm_texts(ALICE)[-1].startswith("Ticket #1 opened")


async def test_a_look_up_cut_short_by_a_restart_is_resumed_and_opens_the_ticket_once(
    tmp_path: Path, small_kb: Path
) -> None:
    text = "Meeting room TV has no signal"
    async with running_slack(tmp_path, small_kb) as slack:
        ts = slack.api.human_message(GENERAL, ALICE, text)
        # Slack answers 500 (worth another try, 2 s later); the bot stops before it
        slack.api.fail_next("conversations.replies", status=500, error="internal_error")
        await slack.reaction(ALICE, GENERAL, ts, "ticket")
        assert await ticket_json(slack.core.db, 1) is None

    def same_message(api: FakeSlackApi) -> None:
        api.messages.append(Message(GENERAL, ts, text, user=ALICE))

    async with running_slack(tmp_path, small_kb, before_start=same_message) as slack:
        await slack.deliver()
        detail = await ticket_json(slack.core.db, 1)
        assert detail is not None and detail["text"] == text
        assert await ticket_json(slack.core.db, 2) is None
        assert slack.api.dm_texts(ALICE)[-1].startswith("Ticket #1 opened")
        assert len([m for m in slack.api.posted(AGENTS) if m.thread_ts is None]) == 1
