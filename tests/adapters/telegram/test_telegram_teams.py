"""Teams in Telegram: a ticket's card goes to its team's group, only that group's members
may claim it, and a move to another team leaves a note on the old card and a new card."""

from __future__ import annotations

import json
from pathlib import Path

from core.faq.service import FaqService
from tests.adapters.telegram.harness import (
    AGENTS,
    ANNA_ID,
    FACILITIES,
    FAY_ID,
    start_desk,
    two_team_desk,
)
from tests.fakes.telegram_api import FakeTelegram

OLGA_ID = 111  # an employee


async def test_a_facilities_ticket_goes_to_its_group_and_only_its_members_claim_it(
    tmp_path: Path, faq: FaqService
) -> None:
    async for h in two_team_desk(tmp_path, faq):
        olga = h.fake.user(OLGA_ID, "Olga")
        anna = h.fake.user(ANNA_ID, "Anna")
        fay = h.fake.user(FAY_ID, "Fay")
        # Each team's group gets the agents' command menu (setMyCommands per chat scope).
        scope = json.dumps({"chat_id": FACILITIES, "type": "chat"}, sort_keys=True)
        menu = [command["command"] for command in h.fake.commands[(scope, "")]]
        assert {"claim", "wait", "kind", "team"} <= set(menu)
        await h.say(OLGA_ID, olga, "/ticket")
        for choice in (
            "Something is broken",
            "Facilities",
            "None of these, I want a person",  # after the area's FAQ entries
            "Only me",
            "Skip",
        ):
            await h.press(olga, h.last_to(OLGA_ID), choice)
        await h.say(OLGA_ID, olga, "The door of room 4 is stuck")
        cards = [m for m in h.fake.messages_in(FACILITIES) if m.text.startswith("Ticket #1:")]
        assert len(cards) == 1 and "Team: facilities" in cards[0].text
        assert not [m for m in h.fake.messages_in(AGENTS) if m.text.startswith("Ticket #1:")]

        await h.say(AGENTS, anna, "/claim 1")  # Anna is not in the facilities group
        assert "only its agents can take it" in h.last_to(AGENTS).text
        await h.press(fay, cards[0], "Claim")
        assert "Assignee: Fay" in cards[0].text

        # Moved to IT: the old card says where it went, IT's group gets a card.
        await h.say(FACILITIES, fay, "/team 1 it")
        assert "Moved to team it by Fay" in cards[0].text
        moved = [m for m in h.fake.messages_in(AGENTS) if m.text.startswith("Ticket #1:")]
        assert len(moved) == 1 and "Team: it" in moved[0].text


async def test_the_card_button_waits_for_the_requester_until_they_write(
    tmp_path: Path, faq: FaqService
) -> None:
    fake = FakeTelegram()
    fake.members[(AGENTS, ANNA_ID)] = "member"
    async for h in start_desk(tmp_path, faq, transport="webhook", forum=False, fake=fake):
        olga = h.fake.user(OLGA_ID, "Olga")
        anna = h.fake.user(ANNA_ID, "Anna")
        await h.say(OLGA_ID, olga, "/ticket The projector does not turn on")
        card = h.card(1)
        await h.press(anna, card, "Claim")
        await h.press(anna, card, "Wait for requester")
        assert "⏸ waiting for requester" in card.text
        labels = [b["text"] for b in card.buttons()]
        assert labels[0] == "Resolve" and labels[-2:] == ["Classify", "Person"]
        assert "Wait for requester" not in labels
        assert h.last_to(OLGA_ID).text.startswith("We are waiting for your answer on ticket #1")
        await h.say(OLGA_ID, olga, "It is room 4")
        assert "waiting for requester" not in card.text
        assert "State: claimed" in card.text
