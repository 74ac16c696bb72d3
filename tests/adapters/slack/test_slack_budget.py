"""Slack's 3-second budget: no ack waits on the Web API, and the triage modal opens in time.

Slack gives up on a request it has not had an answer to in 3 s
(https://api.slack.com/apis/events-api#responding, https://api.slack.com/interactivity/slash-commands#responding_to_commands)
and a trigger_id lives 3 s (https://api.slack.com/interactivity/handling#modal_responses);
`SLACK_WINDOW` below and the fake's views.open hold the app to both.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.directory import UserDirectory
from tests.adapters.slack.conftest import (
    ALICE,
    BOB,
    SECRET,
    Posted,
    SlackHarness,
    command_fields,
    event_callback,
    running_slack,
)
from tests.fakes.slack_api import BOT_TOKEN, TRIGGER_LIFETIME, FakeSlackApi, sign

SLACK_WINDOW = 3.0  # seconds Slack waits for the answer to an event or a slash command
DAVE = "UDAVE"  # joins the workspace after the bot started


async def _within_slacks_window(slack: SlackHarness, body: str, content_type: str) -> Posted:
    """POST as Slack does: a request unanswered after 3 s has failed."""
    headers = {"Content-Type": content_type, **sign(SECRET, body)}
    timeout = aiohttp.ClientTimeout(total=SLACK_WINDOW)
    async with slack.session.post(
        slack.url, data=body.encode(), headers=headers, timeout=timeout
    ) as resp:
        return Posted(resp.status, await resp.text())


async def _slash(slack: SlackHarness, user: str, text: str, trigger_id: str) -> Posted:
    fields = command_fields(user, slack.api.typed(text, slash=True))
    fields["trigger_id"] = trigger_id
    return await _within_slacks_window(
        slack, urlencode(fields), "application/x-www-form-urlencoded"
    )


async def test_people_and_agents_are_known_from_the_start(slack: SlackHarness) -> None:
    assert len(slack.api.calls_of("users.list")) == 1
    assert len(slack.api.calls_of("conversations.members")) == 1
    await slack.dm(ALICE, "How do I connect to the VPN?")
    await slack.command(ALICE, "Printer jammed, ask @Bob")
    await slack.deliver()
    await slack.command(BOB, "claim 1")  # outside the agents' channel: membership counts
    await slack.deliver()
    assert "<@UBOB>" in str(slack.card(1).blocks)
    assert "ask @Bob" in str(slack.card(1).blocks)  # the mention's name, known at once
    # no update waited for a look-up: names, locales and agents came from memory
    assert slack.api.calls_of("users.info") == []
    assert len(slack.api.calls_of("conversations.members")) == 1


async def test_empty_ticket_opens_the_form_in_time_while_users_info_takes_2_5_s(
    slack: SlackHarness,
) -> None:
    slack.api.add_user(DAVE, "Dave", locale="pl-PL")  # joined after the bot started
    slack.api.slow_next("users.info", 2.5)
    posted = await _slash(slack, DAVE, "", slack.api.trigger())
    assert (posted.status, posted.body) == (200, "")
    [opened] = slack.api.views
    assert opened["view"]["callback_id"] == "ticket_modal"


async def test_a_newcomer_is_looked_up_once_and_a_slow_look_up_does_not_hold_the_ack(
    slack: SlackHarness,
) -> None:
    slack.api.add_user(DAVE, "Dave")
    slack.api.slow_next("users.info", 2.5)
    dm = slack.dm_event(DAVE, "My monitor flickers")
    body = json.dumps(event_callback(dm))
    posted = await _within_slacks_window(slack, body, "application/json")
    assert posted.status == 200
    await slack.deliver()
    assert slack.api.dm_texts(DAVE)  # answered, though his name was not known yet
    # the look-up went on after the ack; the next message needs none
    await slack.dm(DAVE, "Still flickering")
    assert len(slack.api.calls_of("users.info")) == 1


async def test_an_expired_trigger_answers_the_person_instead_of_failing(
    slack: SlackHarness,
) -> None:
    trigger = slack.api.trigger()
    slack.api.triggers[trigger] = time.monotonic() - TRIGGER_LIFETIME - 1  # issued 4 s ago
    posted = await _slash(slack, ALICE, "", trigger)
    assert posted.status == 200
    assert "Slack closed the form" in posted.body
    assert slack.api.views == []
    assert [c.params.get("trigger_id") for c in slack.api.calls_of("views.open")] == [trigger]


async def test_agents_on_a_later_page_of_the_channel_are_agents(
    tmp_path: Path, small_kb: Path
) -> None:
    async with running_slack(tmp_path, small_kb, crowd=450) as slack:
        pages = slack.api.calls_of("conversations.members")
        assert len(pages) == 3 and [p.params.get("cursor") is None for p in pages] == [
            True,
            False,
            False,
        ]
        await slack.command(ALICE, "Laptop fan is loud")
        await slack.deliver()
        await slack.command(BOB, "claim 1")  # Bob is on the third page
        await slack.deliver()
        assert "<@UBOB>" in str(slack.card(1).blocks)


async def test_without_the_people_list_each_person_is_looked_up_once(
    tmp_path: Path, small_kb: Path
) -> None:
    def refuse_users_list(api: FakeSlackApi) -> None:
        api.fail_next("users.list", status=200, error="ratelimited")

    async with running_slack(tmp_path, small_kb, before_start=refuse_users_list) as slack:
        await slack.dm(ALICE, "How do I connect to the VPN?")
        await slack.dm(ALICE, "How do I request vacation?")
        await slack.deliver()
        assert len(slack.api.dm_texts(ALICE)) == 2
        assert [c.params["user"] for c in slack.api.calls_of("users.info")] == [ALICE]


async def test_a_stale_name_answers_at_once_and_is_refreshed_behind_it(
    slack: SlackHarness,
) -> None:
    now = [0.0]
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.api.base_url)
    users = UserDirectory(client, ttl_seconds=60, clock=lambda: now[0])
    await users.warm()
    slack.api.users[ALICE]["profile"]["display_name"] = "Alice W."  # renamed herself
    now[0] = 61.0
    slack.api.slow_next("users.info", 1.0)
    assert (await users.get(ALICE)).name == "Alice"  # the name known, without waiting
    await users.settled()
    assert users.ids_by_name().get("Alice W.") == ALICE
    assert (await users.get(ALICE)).name == "Alice W."
    assert len(slack.api.calls_of("users.info")) == 1
    await users.close()
