"""The App Home: an agent's overview of the queue with who asks, and the requester's
profile a Person button opens in a modal; a requester's tab stays their own tickets."""

from __future__ import annotations

import time
from typing import Any

from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, SlackHarness
from tests.fakes.slack_api import TEAM


def _published(slack: SlackHarness, user: str) -> dict[str, Any]:
    views = [v for v in slack.api.views if v["method"] == "views.publish" and v["user_id"] == user]
    assert views, "nothing was published to the Home tab"
    view: dict[str, Any] = views[-1]["view"]
    return view


def _section_texts(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]


def _headers(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]


async def _open_home(slack: SlackHarness, user: str) -> dict[str, Any]:
    await slack.event(
        {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}
    )
    await slack.deliver()
    return _published(slack, user)


async def _press_person(slack: SlackHarness, user: str, button: dict[str, Any]) -> None:
    """A button on the App Home pressed: its block_actions payload comes from a view, with
    no channel (https://api.slack.com/reference/interaction-payloads/block-actions)."""
    await slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "container": {"type": "view", "view_id": "VHOME"},
            "view": {"id": "VHOME", "type": "home", "team_id": TEAM},
            "actions": [
                {
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                    "block_id": "b1",
                    "action_id": button["action_id"],
                    "value": button["value"],
                    "text": button["text"],
                }
            ],
        }
    )


def _person_button(view: dict[str, Any], number: int) -> dict[str, Any]:
    for block in view["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("value") == str(number) and block["text"]["text"].startswith(
            f"*#{number} "
        ):
            return dict(accessory)
    raise AssertionError(f"no Person button beside #{number}")


async def _a_busy_desk(slack: SlackHarness) -> None:
    """Alice has two tickets (Bob claimed the second) and asked the FAQ once; Bob has a
    ticket of his own as a requester."""
    await slack.dm(ALICE, "How do I connect to the VPN?")
    await slack.command(ALICE, "Cannot print in colour")
    await slack.command(ALICE, "The VPN drops every hour")
    await slack.deliver()
    await slack.reaction(BOB, AGENTS, slack.card(2).ts, "eyes")
    await slack.command(BOB, "My second monitor flickers")
    await slack.deliver()


async def test_an_agents_home_lists_the_queue_with_who_asks(slack: SlackHarness) -> None:
    await _a_busy_desk(slack)

    view = await _open_home(slack, BOB)

    assert view["type"] == "home"
    assert _headers(view) == ["Unclaimed tickets", "Tickets assigned to you", "Your own tickets"]
    texts = _section_texts(view)
    # the unclaimed, longest waiting first, each with its requester in one line
    assert texts[0].startswith("*#1 [open] Cannot print in colour — Alice")
    assert texts[0].endswith("\nAlice · 2 tickets, 2 open · Slack")
    assert texts[1].startswith("*#3 [open] My second monitor flickers — Bob")
    # then the ones Bob has
    assert texts[2].startswith(
        "*#2 [claimed] The VPN drops every hour — Alice, P3 medium, Bob, just now"
    )
    # and his own, as a requester
    assert texts[3] == "• #3 [open] My second monitor flickers"
    for number in (1, 2, 3):
        assert _person_button(view, number)["text"]["text"] == "Person"


async def test_a_requesters_home_is_their_own_tickets(slack: SlackHarness) -> None:
    await _a_busy_desk(slack)

    view = await _open_home(slack, ALICE)

    assert _headers(view) == ["Your tickets"]
    shown = str(view["blocks"])
    assert "#2 [claimed] The VPN drops every hour" in shown
    assert "Person" not in shown and "#3" not in shown


async def test_the_person_button_opens_the_requesters_profile(slack: SlackHarness) -> None:
    await _a_busy_desk(slack)
    await slack.event({"type": "app_home_opened", "user": BOB, "channel": f"D{BOB}", "tab": "home"})
    await slack.deliver()
    button = _person_button(_published(slack, BOB), 2)

    await _press_person(slack, BOB, button)

    # The modal is open before the desk is asked anything (the trigger lives 3 s).
    [opened] = [v for v in slack.api.views if v["method"] == "views.open"]
    assert _section_texts(opened["view"]) == ["Loading the profile…"]
    await slack.deliver()
    [filled] = [v for v in slack.api.views if v["method"] == "views.update"]
    modal = filled["view"]
    assert modal["title"]["text"] == "Profile"
    assert _headers(modal) == ["Alice"]
    facts, open_tickets, past, questions = _section_texts(modal)
    assert facts.splitlines() == [f"Platforms: Alice (Slack {ALICE})", "Language: en", "2 tickets"]
    assert open_tickets.splitlines()[1:] == [
        "• #2 [claimed] The VPN drops every hour · Slack",
        "• #1 [open] Cannot print in colour · Slack",
    ]
    assert past.splitlines()[1:] == ["(none)"]
    assert questions.startswith(
        "*Recent questions*\n• “How do I connect to the VPN?”: answered with"
    )
    assert not slack.api.ephemeral_texts(BOB)


async def test_a_profile_for_a_modal_closed_meanwhile_is_dropped(slack: SlackHarness) -> None:
    await _a_busy_desk(slack)
    view = await _open_home(slack, BOB)
    await _press_person(slack, BOB, _person_button(view, 1))
    [opened] = [v for v in slack.api.views if v["method"] == "views.open"]
    slack.api.close_modal(next(iter(slack.api.open_modals)))
    dms_before = len(slack.api.dm_texts(BOB))

    await slack.deliver()
    slack.clock.advance(3600)  # any retry would be due by now
    await slack.deliver()

    assert len(slack.api.calls_of("views.update")) == 1
    assert len(slack.api.dm_texts(BOB)) == dms_before
    assert "Cannot reach" not in str(slack.card(3).blocks)  # Bob is not unreachable
    assert opened["view"]["type"] == "modal"


async def test_an_expired_trigger_brings_the_profile_as_a_direct_message(
    slack: SlackHarness,
) -> None:
    await _a_busy_desk(slack)
    view = await _open_home(slack, BOB)
    slack.api.fail_next("views.open", 1, status=200, error="expired_trigger_id")

    await _press_person(slack, BOB, _person_button(view, 1))
    await slack.deliver()

    assert not [v for v in slack.api.views if v["method"] in ("views.open", "views.update")]
    said = slack.api.dm_texts(BOB)[-1]
    assert said.startswith("Alice") and "Open tickets:" in said
