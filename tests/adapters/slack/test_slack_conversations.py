"""A requester with two open tickets in Slack: every message lands where they meant.

Each ticket is a thread in the DM under its "Ticket #N opened" message: a reply there
(a `message` event with `thread_ts`, api.slack.com/events/message#threaded-replies) goes
to that ticket, and everything about the ticket is posted there (`chat.postMessage`
with `thread_ts`, api.slack.com/methods/chat.postMessage#arg_thread_ts). A top-level
message is a new question; its answer offers "Add this to #N" for the open tickets.
"""

from __future__ import annotations

from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, SlackHarness


def _buttons(blocks: list[dict] | None) -> list[str]:
    return [
        element["text"]["text"]
        for block in blocks or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def test_two_ticket_threads_and_a_question_between(slack: SlackHarness) -> None:
    await slack.command(ALICE, "Printer jams on floor 2")
    await slack.command(ALICE, "No sound in meetings")
    await slack.deliver()
    first, second = slack.ticket_thread(ALICE, 1), slack.ticket_thread(ALICE, 2)
    dm = slack.api.dms[ALICE]

    await slack.dm(ALICE, "It is tray 2", thread_ts=first)
    await slack.dm(ALICE, "The headset is new", thread_ts=second)
    await slack.deliver()
    assert slack.thread(1) == ["Alice: It is tray 2"]
    assert slack.thread(2) == ["Alice: The headset is new"]
    acks = [(m.thread_ts, m.text) for m in slack.api.posted(dm) if m.text.startswith("Sent")]
    assert acks == [(first, "Sent to the agents of #1."), (second, "Sent to the agents of #2.")]

    # A top-level message is a new question: the FAQ answers, offering the tickets.
    await slack.dm(ALICE, "How do I connect to the VPN?")
    await slack.deliver()
    answer = slack.api.posted(dm)[-1]
    assert answer.thread_ts is None and "Connecting to the VPN" in answer.text
    assert _buttons(answer.blocks) == [
        "That helped",
        "Talk to a human",
        "Add this to #1",
        "Add this to #2",
    ]
    assert len(slack.thread(1)) == 1 and len(slack.thread(2)) == 1

    # Later messages in each thread: relayed, not acknowledged again.
    await slack.dm(ALICE, "Tray 1 too", thread_ts=first)
    await slack.dm(ALICE, "And the speakers", thread_ts=second)
    await slack.deliver()
    assert slack.thread(1)[-1] == "Alice: Tray 1 too"
    assert slack.thread(2)[-1] == "Alice: And the speakers"
    assert len([m for m in slack.api.posted(dm) if m.text.startswith("Sent")]) == 2

    # The agent's answer comes back in the ticket's own thread in the DM.
    card = slack.card(2)
    await slack.thread_reply(BOB, card.ts, "Try another USB port")
    await slack.deliver()
    reply = [m for m in slack.api.posted(dm) if "USB port" in m.text][-1]
    assert reply.thread_ts == second


async def test_a_question_can_be_added_to_an_open_ticket(slack: SlackHarness) -> None:
    await slack.command(ALICE, "VPN drops every hour")
    await slack.deliver()
    await slack.dm(ALICE, "How do I connect to the VPN?")
    await slack.deliver()
    dm = slack.api.dms[ALICE]
    answer = slack.api.posted(dm)[-1]
    add = next(
        element
        for block in answer.blocks or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element["text"]["text"] == "Add this to #1"
    )
    await slack.click(ALICE, dm, answer.ts, add)
    await slack.deliver()
    assert slack.thread(1) == ["Alice: How do I connect to the VPN?"]
    ack = slack.api.posted(dm)[-1]
    assert ack.text == "Sent to the agents of #1."
    assert ack.thread_ts == slack.ticket_thread(ALICE, 1)
    assert slack.card(1).channel == AGENTS


def _button(blocks: list[dict] | None, label: str) -> dict:
    return next(
        element
        for block in blocks or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element["text"]["text"] == label
    )


async def test_a_polish_speakers_whole_exchange_is_in_polish(slack: SlackHarness) -> None:
    """Slack gives the person's locale (users.info with include_locale,
    api.slack.com/methods/users.info#arg_include_locale); everything they get is Polish."""
    ola = "UOLA"
    slack.api.add_user(ola, "Ola", locale="pl-PL")
    await slack.dm(ola, "Jak złożyć wniosek o urlop?")  # not in this (English) knowledge base
    await slack.deliver()
    dm = slack.api.dms[ola]
    answer = slack.api.posted(dm)[-1]
    assert answer.text.startswith("Nie mam jeszcze odpowiedzi na to pytanie.")
    assert _buttons(answer.blocks) == ["Utwórz zgłoszenie"]
    await slack.click(ola, dm, answer.ts, _button(answer.blocks, "Utwórz zgłoszenie"))
    await slack.deliver()
    *_, opened, question = slack.api.dm_texts(ola)
    assert opened == "Utworzono zgłoszenie #1: „Jak złożyć wniosek o urlop?” Agent odpowie tutaj."
    assert (
        question == "Aby pomóc agentom przy zgłoszeniu #1 (nieobowiązkowe):\nCzego dotyczy sprawa?"
    )
    card = slack.card(1)
    await slack.reaction(BOB, AGENTS, card.ts, "eyes")
    await slack.dm(ola, "Chodzi o sierpień.", thread_ts=slack.ticket_thread(ola, 1))
    await slack.deliver()
    await slack.thread_reply(BOB, card.ts, "Wniosek złożysz w portalu kadrowym.")
    await slack.reaction(BOB, AGENTS, card.ts, "white_check_mark")
    await slack.deliver()
    rating = slack.api.posted(dm)[-1]
    await slack.click(ola, dm, rating.ts, rating.blocks[-1]["elements"][4])  # type: ignore[index]
    await slack.deliver()
    assert slack.api.dm_texts(ola)[1:] == [
        "Utworzono zgłoszenie #1: „Jak złożyć wniosek o urlop?” Agent odpowie tutaj.",
        "Aby pomóc agentom przy zgłoszeniu #1 (nieobowiązkowe):\nCzego dotyczy sprawa?",
        "Bob zajmuje się teraz Twoim zgłoszeniem #1.",
        "Wysłano do agentów zgłoszenia #1.",
        "Bob (#1): Wniosek złożysz w portalu kadrowym.",
        slack.api.dm_texts(ola)[6],
        "Dziękujemy! Twoja ocena zgłoszenia #1: 5/5.",
    ]
    assert slack.api.dm_texts(ola)[6].startswith(
        "Twoje zgłoszenie #1 zostało rozwiązane (agent: Bob)."
    )


async def test_a_file_alone_with_two_open_tickets_asks_which(slack: SlackHarness) -> None:
    """A top-level file without words is no question: the bot asks which ticket it is for
    (a `file_share` message, api.slack.com/events/message/file_share)."""
    await slack.command(ALICE, "Printer jams on floor 2")
    await slack.command(ALICE, "No sound in meetings")
    await slack.deliver()
    photo = slack.api.add_file(ALICE, "jam.jpg", b"\xff\xd8\xff jam", "image/jpeg")
    await slack.event(slack.dm_event(ALICE, "", files=[photo]))
    await slack.deliver()
    dm = slack.api.dms[ALICE]
    which = slack.api.posted(dm)[-1]
    assert which.text == "Which of your open tickets is this message for?"
    assert _buttons(which.blocks) == [
        "#1 Printer jams on floor 2",
        "#2 No sound in meetings",
        "A new question",
    ]
    await slack.click(ALICE, dm, which.ts, _button(which.blocks, "#1 Printer jams on floor 2"))
    await slack.deliver()
    assert [text for text in slack.thread(1) if text] == ["Alice: [1 attachment]"]
    [copy] = slack.api.files_in(AGENTS, slack.card(1).ts)
    assert copy.name == "jam.jpg"
    assert slack.thread(2) == []
