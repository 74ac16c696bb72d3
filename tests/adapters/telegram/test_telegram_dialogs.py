"""The private chat's dialogs: triage, "did you mean", languages, agents in DM, menus."""

from __future__ import annotations

import json

from tests.adapters.telegram.harness import Harness

OLGA_ID = 111
ANNA_ID = 201


async def test_ticket_without_text_walks_through_triage(desk: Harness) -> None:
    """What it is, the area (its FAQ entries first), impact, urgency, the description."""
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket")
    menu = desk.last_to(OLGA_ID)
    assert menu.text == "What is it?"
    labels = [b["text"] for b in menu.buttons()]
    assert labels == ["Something is broken", "I need something", "A question", "Skip", "Cancel"]

    await desk.press(olga, menu, "Something is broken")
    assert menu.buttons() == []  # answered: the next step follows as a new message
    menu = desk.last_to(OLGA_ID)
    assert menu.text == "Which area is it about?"
    await desk.press(olga, menu, "IT")
    menu = desk.last_to(OLGA_ID)
    assert menu.text == "These answers may already help:"
    entries = [b["text"] for b in menu.buttons()]
    assert len(entries) == 5 and entries[-2:] == ["None of these, I want a person", "Cancel"]
    await desk.press(olga, menu, "None of these, I want a person")
    menu = desk.last_to(OLGA_ID)
    assert menu.text == "How many people does it stop?"
    await desk.press(olga, menu, "Only me")
    menu = desk.last_to(OLGA_ID)
    assert menu.text == "How soon does it matter?"
    await desk.press(olga, menu, "Skip")
    assert desk.last_to(OLGA_ID).text == "Describe the problem in one message."

    await desk.say(OLGA_ID, olga, "Outlook crashes on start")
    assert desk.last_to(OLGA_ID).text.startswith("Ticket #1 opened: “Outlook crashes on start”")
    card = desk.card(1)
    assert "Category: it" in card.text
    assert "Priority: P4 low" in card.text
    assert "Kind: incident" in card.text
    assert "Impact / urgency: low / -" in card.text

    # the next message is part of the ticket, not another ticket
    await desk.say(OLGA_ID, olga, "It started today")
    assert desk.fake.messages_in(desk.agents)[-1].text == "Olga · #1\nIt started today"


async def test_an_faq_entry_of_the_area_answers_without_a_ticket(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket")
    await desk.press(olga, desk.last_to(OLGA_ID), "A question")
    await desk.press(olga, desk.last_to(OLGA_ID), "IT")
    menu = desk.last_to(OLGA_ID)
    first = menu.buttons()[0]["text"]
    await desk.press(olga, menu, first)
    answer = desk.last_to(OLGA_ID)
    assert answer.text.startswith(first)
    assert [b["text"] for b in answer.buttons()] == ["That helped", "Talk to a human"]
    assert desk.fake.messages_in(desk.agents) == []


async def test_triage_can_be_cancelled(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket")
    menu = desk.last_to(OLGA_ID)
    await desk.press(olga, menu, "Cancel")
    assert menu.text == "OK, no ticket was opened."
    await desk.say(OLGA_ID, olga, "How do I connect to the VPN?")
    assert desk.last_to(OLGA_ID).text.startswith("Connecting to the VPN")
    assert desk.fake.messages_in(desk.agents) == []


async def test_did_you_mean_and_talk_to_a_human(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "guest internet")
    suggestions = desk.last_to(OLGA_ID)
    assert suggestions.text.startswith("I am not sure I understood")
    assert suggestions.buttons()[0]["text"] == "Wi-Fi access for guests"
    await desk.press(olga, suggestions, "Wi-Fi access for guests")
    answer = desk.last_to(OLGA_ID)
    assert answer.text.startswith("Wi-Fi access for guests")

    await desk.press(olga, answer, "Talk to a human")
    assert desk.opened_to(OLGA_ID).text.startswith("Ticket #1 opened: “guest internet”")
    assert "guest internet" in desk.card(1).text


async def test_no_match_offers_a_ticket(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "something totally unrelated xyz")
    offer = desk.last_to(OLGA_ID)
    assert offer.text.startswith("I don't have an answer")
    await desk.press(olga, offer, "Open a ticket")
    assert desk.opened_to(OLGA_ID).text.startswith("Ticket #1 opened")


async def test_language_choice(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/lang")
    menu = desk.last_to(OLGA_ID)
    await desk.press(olga, menu, "Polski")
    assert desk.last_to(OLGA_ID).text == "Od teraz będę odpowiadać po polsku."
    await desk.say(OLGA_ID, olga, "/ticket")
    assert desk.last_to(OLGA_ID).text == "Czego dotyczy sprawa?"
    await desk.say(OLGA_ID, olga, "/lang ru")
    assert desk.last_to(OLGA_ID).text.startswith("Теперь")


async def test_agents_can_use_commands_in_private_and_others_cannot(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    anna = desk.fake.user(ANNA_ID, "Anna")
    desk.fake.members[(desk.agents, ANNA_ID)] = "member"
    await desk.say(OLGA_ID, olga, "/ticket Need a mouse")
    await desk.say(ANNA_ID, anna, "/queue")
    assert "#1 [open] Need a mouse" in desk.last_to(ANNA_ID).text
    await desk.say(OLGA_ID, olga, "/queue")
    assert desk.last_to(OLGA_ID).text == "Only agents can do that."
    await desk.say(OLGA_ID, olga, "/claim 1")
    assert desk.last_to(OLGA_ID).text == "Only agents can do that."
    await desk.say(ANNA_ID, anna, "/claim 1")
    assert "Assignee: Anna" in desk.card(1).text


async def test_status_and_cancel(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket Chair is broken")
    await desk.say(OLGA_ID, olga, "/status")
    assert "#1 [open] Chair is broken" in desk.last_to(OLGA_ID).text
    await desk.say(OLGA_ID, olga, "/cancel 1")
    assert desk.last_to(OLGA_ID).text == "Ticket #1 was cancelled."
    assert "State: cancelled" in desk.card(1).text
    await desk.say(OLGA_ID, olga, "/cancel")
    assert desk.last_to(OLGA_ID).text.startswith("Usage: /cancel N")


async def test_command_menus_are_registered_per_chat_and_language(desk: Harness) -> None:
    private = json.dumps({"type": "all_private_chats"}, sort_keys=True)
    agents = json.dumps({"type": "chat", "chat_id": desk.agents}, sort_keys=True)
    menus = desk.fake.commands
    assert {lang for scope, lang in menus if scope == private} == {"", "en", "pl", "ru"}
    assert {lang for scope, lang in menus if scope == agents} == {"", "en", "pl", "ru"}
    assert [c["command"] for c in menus[(private, "")]][:4] == ["start", "ticket", "new", "status"]
    assert {"queue", "mine", "claim", "resolve", "assign"} <= {
        c["command"] for c in menus[(agents, "en")]
    }
    polish = {c["command"]: c["description"] for c in menus[(private, "pl")]}
    assert polish["status"] == "Twoje zgłoszenia"


async def test_a_ticket_with_text_asks_what_is_still_unknown_after_opening(
    desk: Harness,
) -> None:
    """Opened at once; then optional questions (the FAQ named the area), each answer on
    the card; a message instead ends them and goes to the ticket."""
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket my laptop does not boot")
    assert desk.opened_to(OLGA_ID).text.startswith("Ticket #1 opened: “my laptop does not boot”")
    menu = desk.last_to(OLGA_ID)
    assert menu.text == "To help the agents with ticket #1 (optional):\nWhat is it?"
    labels = [b["text"] for b in menu.buttons()]
    assert labels == ["Something is broken", "I need something", "A question", "Skip the questions"]

    await desk.press(olga, menu, "Something is broken")
    assert menu.buttons() == []  # answered: the next question follows as a new message
    menu = desk.last_to(OLGA_ID)
    assert menu.text.endswith("How many people does it stop?")
    await desk.press(olga, menu, "Many people or everyone")
    card = desk.card(1)
    assert "Kind: incident" in card.text
    assert "Impact / urgency: high / -" in card.text
    assert "Priority: P2 high" in card.text  # the matrix, the urgency counted as medium

    menu = desk.last_to(OLGA_ID)
    assert menu.text.endswith("How soon does it matter?")
    await desk.say(OLGA_ID, olga, "It started after the update")
    assert desk.fake.messages_in(desk.agents)[-1].text == "Olga · #1\nIt started after the update"
    await desk.press(olga, menu, "Right now")
    assert menu.text == "These questions are closed; anything you write here goes to the ticket."
    assert "Impact / urgency: high / -" in desk.card(1).text


async def test_skipping_the_questions_ends_them(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket my laptop does not boot")
    await desk.press(olga, desk.last_to(OLGA_ID), "Skip the questions")
    assert desk.last_to(OLGA_ID).text == "Thank you. An agent will reply to ticket #1 here."
    assert "Kind:" not in desk.card(1).text  # nobody said
