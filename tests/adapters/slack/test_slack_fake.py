"""The fake Slack Web API lists messages as https://api.slack.com/methods documents it."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
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


async def _error_of(call: object) -> str:
    """The error code Slack answered a call with ("ok" when it took it)."""
    try:
        await call  # type: ignore[misc]
    except SlackApiError as error:
        return str(error.response["error"])
    return "ok"


async def test_members_come_page_by_page(slack: SlackHarness) -> None:
    slack.api.add_channel("CBIG", [f"U{i:05d}" for i in range(250)])
    client = _client(slack)
    first = await client.conversations_members(channel="CBIG")
    assert len(first["members"]) == 100  # the documented default
    cursor = first["response_metadata"]["next_cursor"]
    rest = await client.conversations_members(channel="CBIG", cursor=cursor, limit=200)
    assert len(rest["members"]) == 150 and rest["response_metadata"]["next_cursor"] == ""


async def test_a_locale_comes_only_when_asked_for(slack: SlackHarness) -> None:
    client = _client(slack)
    plain = await client.users_info(user=ALICE)
    assert "locale" not in plain["user"]
    asked = await client.users_info(user=ALICE, include_locale=True)
    assert asked["user"]["locale"] == "en-US"


async def test_posting_is_refused_where_slack_refuses_it(slack: SlackHarness) -> None:
    client = _client(slack)
    slack.api.add_channel("CNOBOT", [ALICE])
    slack.api.add_channel("COLD", ["UBOT"])
    slack.api.archived.add("COLD")
    assert await _error_of(client.chat_postMessage(channel="CNOPE", text="x")) == (
        "channel_not_found"
    )
    assert await _error_of(client.chat_postMessage(channel="CNOBOT", text="x")) == (
        "not_in_channel"
    )
    assert await _error_of(client.chat_postMessage(channel="COLD", text="x")) == "is_archived"
    long_text = "x" * 40_001
    assert await _error_of(client.chat_postMessage(channel=GENERAL, text=long_text)) == (
        "msg_too_long"
    )
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}]
    assert await _error_of(client.chat_postMessage(channel=GENERAL, text="x", blocks=too_long)) == (
        "invalid_blocks"
    )
    # each section within its 3,000 characters, five of them too much for one message
    heavy = [{"type": "section", "text": {"type": "mrkdwn", "text": "z" * 2900}}] * 5
    assert await _error_of(client.chat_postMessage(channel=GENERAL, text="x", blocks=heavy)) == (
        "msg_blocks_too_long"
    )
    many = [{"type": "divider"}] * 51
    assert await _error_of(client.chat_postMessage(channel=GENERAL, text="x", blocks=many)) == (
        "invalid_blocks"
    )


async def test_a_trigger_opens_one_valid_modal_within_3_seconds(slack: SlackHarness) -> None:
    client = _client(slack)
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Ticket"},
        "submit": {"type": "plain_text", "text": "Open"},
        "blocks": [
            {
                "type": "input",
                "block_id": "text",
                "label": {"type": "plain_text", "text": "What?"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }
    trigger = slack.api.trigger()
    assert await _error_of(client.views_open(trigger_id=trigger, view=view)) == "ok"
    assert await _error_of(client.views_open(trigger_id=trigger, view=view)) == (
        "exchanged_trigger_id"
    )
    assert await _error_of(client.views_open(trigger_id="1.2.made-up", view=view)) == (
        "invalid_trigger_id"
    )
    old = slack.api.trigger()
    slack.api.triggers[old] -= 3.5
    assert await _error_of(client.views_open(trigger_id=old, view=view)) == "expired_trigger_id"
    long_title = {**view, "title": {"type": "plain_text", "text": "A title over 24 characters"}}
    assert await _error_of(client.views_open(trigger_id=slack.api.trigger(), view=long_title)) == (
        "invalid_arguments"
    )
    no_submit = {k: v for k, v in view.items() if k != "submit"}
    assert await _error_of(client.views_open(trigger_id=slack.api.trigger(), view=no_submit)) == (
        "invalid_arguments"
    )


async def test_a_home_tab_is_published_only_as_slack_takes_it(slack: SlackHarness) -> None:
    client = _client(slack)
    line = {"type": "section", "text": {"type": "mrkdwn", "text": "#1 printer"}}
    home = {"type": "home", "blocks": [line] * 100}
    assert await _error_of(client.views_publish(user_id=ALICE, view=home)) == "ok"
    too_many = {**home, "blocks": [line] * 101}
    assert await _error_of(client.views_publish(user_id=ALICE, view=too_many)) == (
        "invalid_arguments"
    )
    as_modal = {**home, "type": "modal"}
    assert await _error_of(client.views_publish(user_id=ALICE, view=as_modal)) == (
        "invalid_arguments"
    )
    long_button = {
        **line,
        "accessory": {
            "type": "button",
            "text": {"type": "plain_text", "text": "x" * 76},
            "action_id": "a",
        },
    }
    with_long_button = {**home, "blocks": [long_button]}
    assert await _error_of(client.views_publish(user_id=ALICE, view=with_long_button)) == (
        "invalid_arguments"
    )
    assert await _error_of(client.views_publish(user_id="UNOBODY", view=home)) == ("user_not_found")


async def test_an_open_modal_is_updated_until_it_is_closed(slack: SlackHarness) -> None:
    client = _client(slack)
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Profile"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Loading"}}],
    }
    opened = await client.views_open(trigger_id=slack.api.trigger(), view=modal)
    view_id = opened["view"]["id"]
    assert await _error_of(client.views_update(view_id=view_id, view=modal)) == "ok"
    long_title = {**modal, "title": {"type": "plain_text", "text": "A title over 24 characters"}}
    assert await _error_of(client.views_update(view_id=view_id, view=long_title)) == (
        "invalid_arguments"
    )
    slack.api.close_modal(view_id)
    assert await _error_of(client.views_update(view_id=view_id, view=modal)) == "not_found"


async def test_the_app_deletes_its_own_messages_only(slack: SlackHarness) -> None:
    client = _client(slack)
    posted = await client.chat_postMessage(channel=GENERAL, text="mine")
    theirs = slack.api.human_message(GENERAL, ALICE, "hers")
    assert await _error_of(client.chat_delete(channel=GENERAL, ts=theirs)) == (
        "cant_delete_message"
    )
    assert await _error_of(client.chat_delete(channel=GENERAL, ts=posted["ts"])) == "ok"
    assert await _error_of(client.chat_delete(channel=GENERAL, ts=posted["ts"])) == (
        "message_not_found"
    )
    history = await client.conversations_history(channel=GENERAL)
    assert [m["text"] for m in history["messages"]] == ["hers"]


async def test_a_file_is_uploaded_in_three_steps_and_opens_only_with_the_token(
    slack: SlackHarness,
) -> None:
    client = _client(slack)
    got = await client.files_getUploadURLExternal(filename="a.txt", length=5)
    async with aiohttp.ClientSession() as session:
        # not complete yet: nothing to share
        unfinished = client.files_completeUploadExternal(
            files=[{"id": got["file_id"]}], channel_id=GENERAL
        )
        assert await _error_of(unfinished) == "file_not_found"
        async with session.post(got["upload_url"], data=b"hello") as uploaded:
            assert uploaded.status == 200
        done = await client.files_completeUploadExternal(
            files=[{"id": got["file_id"], "title": "A"}], channel_id=GENERAL, thread_ts=None
        )
        assert done["files"] == [{"id": got["file_id"], "title": "A"}]
        info = await client.files_info(file=got["file_id"])
        url = info["file"]["url_private"]
        async with session.get(url) as anonymous:
            assert anonymous.content_type == "text/html"  # Slack's sign-in page
        async with session.get(url, headers={"Authorization": f"Bearer {BOT_TOKEN}"}) as opened:
            assert await opened.read() == b"hello"
    assert [f.name for f in slack.api.files_in(GENERAL)] == ["a.txt"]
