"""The card's Classify menu in Telegram: kind, impact, urgency, priority and team as
buttons, each press the same change as /kind, /impact, /urgency, /priority and /team,
and only the agents of the ticket's team may change it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.faq.service import FaqService
from tests.adapters.telegram.harness import (
    AGENTS,
    ANNA_ID,
    FACILITIES,
    FAY_ID,
    Harness,
    two_team_desk,
)
from tests.fakes.telegram_api import SentMessage

OLGA_ID = 111  # an employee


def fields(card: SentMessage) -> dict[str, str]:
    """The card's "Name: value" lines."""
    pairs = (line.partition(": ") for line in card.text.splitlines())
    return {name: value for name, sep, value in pairs if sep}


async def press_exactly(h: Harness, user: dict[str, Any], menu: SentMessage, label: str) -> None:
    """A press of the button labelled exactly `label` (a team "it" is in "P1 critical")."""
    (data,) = [b["callback_data"] for b in menu.buttons() if b["text"] == label]
    await h.feed(h.fake.callback_update(user, menu, data))
    await h.deliver()


async def test_an_agent_classifies_a_ticket_with_buttons_and_only_its_team_may(
    tmp_path: Path, faq: FaqService
) -> None:
    async for h in two_team_desk(tmp_path, faq):
        olga = h.fake.user(OLGA_ID, "Olga")
        anna = h.fake.user(ANNA_ID, "Anna")
        fay = h.fake.user(FAY_ID, "Fay")
        await h.say(OLGA_ID, olga, "/ticket")
        for choice in ("Something is broken", "Facilities", "None of these", "Only me", "Skip"):
            await h.press(olga, h.last_to(OLGA_ID), choice)
        await h.say(OLGA_ID, olga, "The door of room 4 is stuck")
        (card,) = [m for m in h.fake.messages_in(FACILITIES) if m.text.startswith("Ticket #1:")]
        assert fields(card)["Kind"] == "incident"
        assert fields(card)["Priority"] == "P4 low"  # impact low, urgency unknown

        await h.press(fay, card, "Classify")
        menu = h.last_to(FACILITIES)
        assert menu.text == "Ticket #1: pick its kind, impact, urgency, priority or team."
        assert menu.reply_to == card.message_id  # in the card's thread
        labels = [b["text"] for b in menu.buttons()]
        assert labels[:3] == ["incident", "request", "question"]
        assert {"Impact: high", "Urgency: low", "P1 critical", "P4 low"} <= set(labels)
        assert labels[-2:] == ["it", "facilities"]  # the service's teams

        await h.press(fay, menu, "request")
        await h.press(fay, menu, "Impact: high")
        await h.press(fay, menu, "Urgency: high")
        assert fields(card)["Kind"] == "request"
        assert fields(card)["Impact / urgency"] == "high / high"
        assert fields(card)["Priority"] == "P1 critical"  # from the priority matrix
        await h.press(fay, menu, "P3")
        assert fields(card)["Priority"] == "P3 medium"

        # Passed on to IT from the menu: the old card says so, IT's group gets the card.
        await press_exactly(h, fay, menu, "it")
        assert "Moved to team it by Fay" in card.text
        (moved,) = [m for m in h.fake.messages_in(AGENTS) if m.text.startswith("Ticket #1:")]
        assert fields(moved)["Team"] == "it"
        # Fay is no agent of IT: her menu no longer changes the ticket.
        await h.press(fay, menu, "P1")
        assert "belongs to the it team; only its agents can change it" in h.last_to(FACILITIES).text
        assert fields(moved)["Priority"] == "P3 medium"

        await h.press(anna, moved, "Classify")
        await h.press(anna, h.last_to(AGENTS), "P2")
        assert fields(moved)["Priority"] == "P2 high"


async def test_the_menu_opens_in_the_tickets_topic_or_under_its_card(any_desk: Harness) -> None:
    h = any_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    anna = h.fake.user(ANNA_ID, "Anna")
    await h.say(OLGA_ID, olga, "/ticket The projector in room 2 does not turn on")
    card = h.card(1)
    await h.press(anna, card, "Classify")
    menu = h.last_to(h.agents)
    assert menu.text.startswith("Ticket #1: pick its kind")
    if card.thread_id is not None:
        assert menu.thread_id == card.thread_id
    else:
        assert menu.reply_to == card.message_id
    # One agents' group is one team: nothing to move the ticket to.
    assert [b["text"] for b in menu.buttons()][-4:] == [
        "P1 critical",
        "P2 high",
        "P3 medium",
        "P4 low",
    ]
    await h.press(anna, menu, "question")
    await h.press(anna, menu, "P2")
    assert fields(card)["Kind"] == "question"
    assert fields(card)["Priority"] == "P2 high"
