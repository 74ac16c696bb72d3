"""A requester with two open tickets in Telegram: every message lands where they meant.

A reply to any of the bot's messages about a ticket goes to that ticket (Telegram's
`reply_to_message`, core.telegram.org/bots/api#message); a plain message with several
open tickets is held and the bot asks which one, with inline buttons
(core.telegram.org/bots/api#inlinekeyboardbutton); `/new` asks a new question.
"""

from __future__ import annotations

from tests.adapters.telegram.harness import AGENTS, Harness

OLGA_ID = 111
ANNA_ID = 201


def relayed(h: Harness) -> list[str]:
    """The requester's messages as the agents' group got them."""
    return [m.text for m in h.fake.messages_in(AGENTS) if m.text.startswith("Olga · ")]


async def test_two_tickets_a_question_between_and_one_acknowledgement_each(
    desk: Harness,
) -> None:
    h = desk
    olga = h.fake.user(OLGA_ID, "Olga")
    await h.say(OLGA_ID, olga, "/ticket printer on floor 2 jams")
    first = h.opened_to(OLGA_ID)
    await h.say(OLGA_ID, olga, "/ticket no sound in meetings")
    second = h.opened_to(OLGA_ID)
    assert second.text.startswith("Ticket #2 opened")

    # A plain message: which ticket? Nothing is relayed until she says.
    await h.say(OLGA_ID, olga, "it is tray 2")
    which = h.last_to(OLGA_ID)
    assert which.text == "Which of your open tickets is this message for?"
    assert [b["text"] for b in which.buttons()] == [
        "#1 printer on floor 2 jams",
        "#2 no sound in meetings",
        "A new question",
    ]
    assert relayed(h) == []
    await h.press(olga, which, "#1 printer on floor 2 jams")
    assert relayed(h) == ["Olga · #1\nit is tray 2"]
    assert h.last_to(OLGA_ID).text == "Sent to the agents of #1."

    # A reply to the bot's message about #2 goes to #2.
    await h.say(OLGA_ID, olga, "the headset is new", reply_to=second.message_id)
    assert relayed(h)[-1] == "Olga · #2\nthe headset is new"
    assert h.last_to(OLGA_ID).text == "Sent to the agents of #2."

    # A new question in between gets the FAQ, not a ticket.
    await h.say(OLGA_ID, olga, "/new How do I connect to the VPN?")
    assert h.last_to(OLGA_ID).text.startswith("Connecting to the VPN")
    assert len(relayed(h)) == 2

    # Later messages to each ticket: relayed, and no second acknowledgement.
    to_olga = len(h.fake.messages_in(OLGA_ID))
    await h.say(OLGA_ID, olga, "now tray 1 too", reply_to=first.message_id)
    await h.say(OLGA_ID, olga, "and the speakers", reply_to=second.message_id)
    assert relayed(h)[-2:] == ["Olga · #1\nnow tray 1 too", "Olga · #2\nand the speakers"]
    assert len(h.fake.messages_in(OLGA_ID)) == to_olga


async def test_a_single_open_ticket_takes_plain_messages_with_a_one_time_hint(
    desk: Harness,
) -> None:
    h = desk
    olga = h.fake.user(OLGA_ID, "Olga")
    await h.say(OLGA_ID, olga, "/ticket no sound in meetings")
    await h.say(OLGA_ID, olga, "it is the headset")
    assert relayed(h) == ["Olga · #1\nit is the headset"]
    hint = h.last_to(OLGA_ID).text
    assert hint.startswith("Sent to the agents of #1, your open ticket.")
    assert "/new" in hint
    await h.say(OLGA_ID, olga, "a new one")
    assert relayed(h)[-1] == "Olga · #1\na new one"
    assert h.last_to(OLGA_ID).text == hint  # not said again


async def test_a_polish_speakers_whole_exchange_is_in_polish(desk: Harness) -> None:
    h = desk
    olga = h.fake.user(OLGA_ID, "Olga", language_code="pl")
    anna = h.fake.user(ANNA_ID, "Anna")
    await h.say(OLGA_ID, olga, "Jak złożyć wniosek o urlop?")
    answer = h.last_to(OLGA_ID)
    assert answer.text.startswith("Wniosek urlopowy") or "urlop" in answer.text.lower()
    assert [b["text"] for b in answer.buttons()] == ["Pomogło", "Porozmawiaj z człowiekiem"]
    await h.press(olga, answer, "Porozmawiaj z człowiekiem")
    *_, opened, question = h.fake.messages_in(OLGA_ID)
    assert opened.text == (
        "Utworzono zgłoszenie #1: „Jak złożyć wniosek o urlop?” Agent odpowie tutaj."
    )
    assert question.text == (
        "Aby pomóc agentom przy zgłoszeniu #1 (nieobowiązkowe):\nCzego dotyczy sprawa?"
    )
    assert [b["text"] for b in question.buttons()][-1] == "Pomiń pytania"
    card = h.card(1)
    await h.react(anna, card, "👀")
    assert h.last_to(OLGA_ID).text == "Anna zajmuje się teraz Twoim zgłoszeniem #1."
    await h.say(OLGA_ID, olga, "Chodzi o urlop w sierpniu.")
    assert h.last_to(OLGA_ID).text.startswith("Wysłano do agentów Twojego otwartego zgłoszenia #1.")
    await h.say(AGENTS, anna, "Wniosek złożysz w portalu kadrowym.", reply_to=card.message_id)
    assert h.last_to(OLGA_ID).text == "Anna · #1\nWniosek złożysz w portalu kadrowym."
    await h.react(anna, card, "👌")
    resolved = h.last_to(OLGA_ID)
    assert resolved.text.startswith("Twoje zgłoszenie #1 zostało rozwiązane (agent: Anna).")
    await h.press(olga, resolved, "5⭐")
    assert h.last_to(OLGA_ID).text == "Dziękujemy! Twoja ocena zgłoszenia #1: 5/5."
