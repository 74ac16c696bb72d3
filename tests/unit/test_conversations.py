"""Where a requester's message lands, and the precise answers to misplaced actions."""

from __future__ import annotations

from core import commands as c
from core.events import Event, Relay
from tests.support import Harness, person

ALICE = person("alice")
BOB = person("bob", agent=True)
CAROL = person("carol", agent=True)
EVE = person("eve")


def kinds(events: list[Event]) -> list[tuple[str, str]]:
    """(target kind, payload kind or notice key) of each delivery."""
    return [(e.target.kind, getattr(e.payload, "key", e.payload.kind)) for e in events]


async def two_tickets(h: Harness) -> None:
    await h.do(c.OpenTicket(actor=ALICE, text="printer jams"))
    await h.do(c.OpenTicket(actor=ALICE, text="no sound in meetings"))
    h.take()


async def test_with_two_open_tickets_a_plain_message_asks_which_and_loses_nothing(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await two_tickets(h)
    await h.do(c.SendText(actor=ALICE, text="it is the headset"))
    [which] = h.take()
    assert which.payload.kind == "which_ticket"
    assert [v.number for v in which.payload.tickets] == [1, 2]  # type: ignore[union-attr]
    held = which.payload.held_id  # type: ignore[union-attr]

    await h.do(c.PlaceHeld(actor=ALICE, held_id=held, number=2))
    placed = h.take()
    assert h.texts_to_thread(placed) == ["Alice: it is the headset"]
    assert placed[0].target.ticket_number == 2  # type: ignore[union-attr]
    assert h.texts_to("alice", placed) == ["Sent to the agents of #2."]

    outcome = await h.do(c.PlaceHeld(actor=ALICE, held_id=held, number=1))
    assert outcome.error is not None and outcome.error.key == "error.held_gone"
    assert h.texts_to("alice", h.take()) == ["That message has already gone where you chose."]


async def test_a_held_message_can_become_a_new_question(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await two_tickets(h)
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    [which] = h.take()
    await h.do(c.PlaceHeld(actor=ALICE, held_id=which.payload.held_id, number=None))  # type: ignore[union-attr]
    [answer] = h.take()
    assert answer.payload.kind == "faq_answer"
    assert answer.payload.open_tickets == (1, 2)  # type: ignore[union-attr]


async def test_a_message_named_for_a_ticket_goes_there_acknowledged_once(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await two_tickets(h)
    await h.do(c.SendText(actor=ALICE, text="tray 2 only", ticket_number=1))
    first = h.take()
    assert kinds(first) == [("ticket_thread", "relay"), ("person", "ticket.sent")]
    await h.do(c.SendText(actor=ALICE, text="and it beeps", ticket_number=1))
    assert kinds(h.take()) == [("ticket_thread", "relay")]
    # The console's /reply N TEXT from a requester is the same message.
    await h.do(c.Reply(actor=ALICE, number=2, text="still silent"))
    assert kinds(h.take()) == [("ticket_thread", "relay"), ("person", "ticket.sent")]


async def test_a_question_first_surface_answers_and_offers_the_open_tickets(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await two_tickets(h)
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?", question_first=True))
    [answer] = h.take()
    assert answer.payload.kind == "faq_answer"
    assert answer.payload.open_tickets == (1, 2)  # type: ignore[union-attr]
    query_id = answer.payload.query_id  # type: ignore[union-attr]
    await h.do(c.AddToTicket(actor=ALICE, query_id=query_id, number=1))
    added = h.take()
    assert h.texts_to_thread(added) == ["Alice: How do I connect to the VPN?"]
    outcome = await h.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=False))
    assert outcome.error is not None
    assert h.texts_to("alice", h.take()) == ["That question is already ticket #1."]


async def test_tickets_one_cannot_write_to_are_named_precisely(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await two_tickets(h)
    await h.do(c.Resolve(actor=BOB, number=1))
    h.take()
    await h.do(c.SendText(actor=ALICE, text="one more thing", ticket_number=1))
    assert h.texts_to("alice", h.take()) == [
        "Ticket #1 is resolved; reopen it to write to it again."
    ]
    await h.do(c.SendText(actor=EVE, text="let me in", ticket_number=2))
    assert h.texts_to("eve", h.take()) == ["There is no ticket #2 that you can see."]


async def test_an_answer_is_rated_once(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    [answer] = h.take()
    query_id = answer.payload.query_id  # type: ignore[union-attr]
    await h.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=True))
    assert h.texts_to("alice", h.take()) == ["Glad it helped!"]
    for helped in (True, False):
        await h.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=helped))
        assert h.texts_to("alice", h.take()) == [
            "You have already told me that this answer helped."
        ]


async def test_reassigning_to_the_current_assignee_tells_nobody_again(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="printer jams"))
    await h.do(c.Claim(actor=CAROL, number=1))
    h.take()
    await h.do(c.Assign(actor=BOB, number=1, assignee=CAROL))
    events = h.take()
    assert h.texts_to("alice", events) == []
    assert h.texts_to_thread(events) == []
    assert h.texts_to("bob", events) == ["Ticket #1 is already assigned to Carol; nothing changed."]


async def test_a_chosen_language_holds_for_everything_but_the_faq_text(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await h.do(c.SetLanguage(actor=ALICE, lang="pl"))
    h.take()
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    [answer] = h.take()
    assert answer.lang == "en"  # the knowledge base answers in the question's language
    await h.do(c.FaqFeedback(actor=ALICE, query_id=answer.payload.query_id, helped=False))  # type: ignore[union-attr]
    opened, question = h.texts_to("alice", h.take())
    assert opened == (
        "Utworzono zgłoszenie #1: „How do I connect to the VPN?” Agent odpowie tutaj."
    )
    # the optional questions that follow are in her language too
    assert question.startswith("Aby pomóc agentom przy zgłoszeniu #1 (nieobowiązkowe):")


async def test_files_with_words_at_a_question_first_surface_are_not_dropped(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="printer jams"))
    h.take()
    await h.do(
        c.SendText(actor=ALICE, text="here is the error", attachments=("F1",), question_first=True)
    )
    events = h.take()
    assert h.texts_to_thread(events) == ["Alice: here is the error [1 attachment]"]
    # The surface's own wording when it has one, the general one otherwise.
    assert h.texts_to("alice", events) == ["Sent to the agents of #1."]


async def test_relayed_files_name_the_platform_they_were_shared_on(
    sqlite_harness: Harness,
) -> None:
    # Another platform's sender reads the files there (core.files): both ways, the relay
    # says where its author shared them.
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="printer jams"))
    h.take()
    await h.do(c.SendText(actor=ALICE, text="the screen", attachments=("photo:AgAC1",)))
    [to_agents] = [e.payload for e in h.take() if isinstance(e.payload, Relay)]
    assert (to_agents.attachments, to_agents.source_platform) == (("photo:AgAC1",), "test")

    await h.do(c.Claim(actor=BOB, number=1))
    await h.do(c.Reply(actor=BOB, number=1, text="try this", attachments=("F1",)))
    [to_requester] = [e.payload for e in h.take() if isinstance(e.payload, Relay)]
    assert (to_requester.attachments, to_requester.source_platform) == (("F1",), "test")


async def test_a_reply_from_the_web_console_is_seen_in_the_agents_thread_too(
    sqlite_harness: Harness,
) -> None:
    # The agents in Slack see what a colleague answered in the web console; the requester
    # gets it once, as any agent's answer.
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="printer jams"))
    h.take()
    wendy = person("wendy", agent=True, platform="web")
    await h.do(c.Reply(actor=wendy, number=1, text="Try tray 2, please"))
    events = h.take()
    assert h.texts_to_thread(events)[-1].startswith("Wendy via web console")
    assert "Try tray 2, please" in h.texts_to_thread(events)[-1]
    assert len([t for t in h.texts_to("alice", events) if "Try tray 2" in t]) == 1
