"""The fake Slack Web API lists messages as https://api.slack.com/methods documents it."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from tests.adapters.slack.conftest import ALICE, BOB, GENERAL, SlackHarness
from tests.fakes.slack_api import BOT_TOKEN


def _client(slack: SlackHarness) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=slack.api.base_url)


async def test_replies_list_the_parent_first_then_the_replies_in_the_window(
    slack: SlackHarness,
) -> None:
    parent = slack.api.human_message(GENERAL, BOB, "parent")
    first = slack.api.human_message(GENERAL, ALICE, "first", thread_ts=parent)
    second = slack.api.human_message(GENERAL, ALICE, "second", thread_ts=parent)
    third = slack.api.human_message(GENERAL, ALICE, "third", thread_ts=parent)
    client = _client(slack)

    async def texts(**params: object) -> list[str]:
        found = await client.conversations_replies(channel=GENERAL, **params)
        return [m["text"] for m in found["messages"]]

    assert await texts(ts=parent) == ["parent", "first", "second", "third"]
    assert await texts(ts=second) == ["parent", "first", "second", "third"]
    assert await texts(ts=second, limit=1) == ["parent"]
    assert await texts(ts=parent, oldest=first) == ["parent", "second", "third"]
    assert await texts(ts=parent, oldest=second, inclusive=True, limit=2) == ["parent", "second"]
    assert await texts(ts=parent, latest=third) == ["parent", "first", "second"]
    assert await texts(ts=parent, oldest=first, latest=third, inclusive=True) == [
        "parent",
        "first",
        "second",
        "third",
    ]


async def test_history_lists_the_channel_newest_first_without_thread_replies(
    slack: SlackHarness,
) -> None:
    older = slack.api.human_message(GENERAL, BOB, "older")
    slack.api.human_message(GENERAL, ALICE, "a reply", thread_ts=older)
    newer = slack.api.human_message(GENERAL, ALICE, "newer")
    client = _client(slack)
    found = await client.conversations_history(channel=GENERAL)
    assert [m["text"] for m in found["messages"]] == ["newer", "older"]
    found = await client.conversations_history(channel=GENERAL, latest=newer)
    assert [m["text"] for m in found["messages"]] == ["older"]
    found = await client.conversations_history(channel=GENERAL, latest=newer, inclusive=True)
    assert [m["text"] for m in found["messages"]] == ["newer", "older"]


def test_typed_text_is_sent_escaped_with_links_and_mentions_as_tokens(
    slack: SlackHarness,
) -> None:
    typed = "R&D <3 https://x.example/p?a=1&b=2. @Bob @channel #general @nobody"
    assert slack.api.typed(typed) == (
        "R&amp;D &lt;3 <https://x.example/p?a=1&amp;b=2>. <@UBOB> <!channel> "
        "<#CGENERAL|general> @nobody"
    )
    assert slack.api.typed("assign 2 @Carol", slash=True) == "assign 2 <@UCAROL|carol>"
