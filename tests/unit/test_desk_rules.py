"""The desk's rules, as the people involved would notice them."""

from __future__ import annotations

from sqlalchemy import select

from core import commands as c
from core.domain import Actor, Priority
from core.storage.tables import faq_queries
from tests.support import Harness, person, ticket_json

ALICE = person("alice")
CAROL = person("carol")
BOB = person("bob", agent=True)
DAN = person("dan", agent=True)


async def test_a_known_question_is_answered_from_the_faq(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    [event] = h.take()
    assert event.payload.kind == "faq_answer"
    assert event.payload.entry_id == "vpn-access"  # type: ignore[union-attr]
    assert "GlobalConnect" in event.payload.answer  # type: ignore[union-attr]


async def test_an_unknown_question_offers_a_ticket(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.SendText(actor=ALICE, text="the coffee machine on floor 3 leaks water"))
    [event] = h.take()
    assert event.payload.kind == "faq_no_match"


async def test_small_talk_gets_a_friendly_word_not_a_ticket_offer(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    said = ("hi there!", "thanks!", "dzięki!", "привет", "are you a bot?", "ok, bye", "👍")
    for greeting in said:
        await h.do(c.SendText(actor=ALICE, text=greeting))
    events = h.take()
    assert [e.payload.kind for e in events] == ["notice"] * len(said)
    # in kind: "thanks!" gets "you're welcome", not "hello"
    assert [e.payload.key.rsplit(".", 1)[1] for e in events] == [  # type: ignore[union-attr]
        "greeting",
        "thanks",
        "thanks",
        "greeting",
        "about_bot",
        "farewell",
        "ack",
    ]
    async with h.db.transaction() as conn:
        decisions = (await conn.execute(select(faq_queries.c.decision))).scalars().all()
    # Logged apart, so the report counts small talk without taking it for a question.
    assert decisions == ["chitchat"] * len(said), "small talk is no unanswered question"


async def test_a_greeting_with_a_file_is_no_small_talk(sqlite_harness: Harness) -> None:
    """ "hi!" with a screenshot: the file must not be answered with a friendly word only."""
    h = sqlite_harness
    await h.do(c.SendText(actor=ALICE, text="hi there!", attachments=("photo:error",)))
    [event] = h.take()
    assert event.payload.kind != "notice"
    human = c.FaqFeedback(actor=ALICE, query_id=event.payload.query_id, helped=False)  # type: ignore[union-attr]
    await h.do(human)
    detail = await ticket_json(h.db, 1)
    assert detail is not None and detail["messages"][0]["attachments"] == ["photo:error"]


async def test_nothing_at_all_is_refused_as_empty(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    outcome = await h.do(c.SendText(actor=ALICE, text="  "))
    assert outcome.error is not None and outcome.error.key == "error.empty_text"


async def test_a_file_alone_on_an_open_ticket_is_relayed(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="printer jam"))
    h.take()
    await h.do(c.SendText(actor=ALICE, text="", attachments=("photo:jam",)))
    [relay] = [e for e in h.take() if e.payload.kind == "relay"]
    assert relay.payload.attachments == ("photo:jam",)  # type: ignore[union-attr]


async def test_talk_to_a_human_turns_the_question_into_a_ticket(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    [answer] = h.take()
    query_id = answer.payload.query_id  # type: ignore[union-attr]
    await h.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=False))
    events = h.take()
    # Opened at once; the first question still open (the area is the FAQ entry's) follows.
    assert [e.payload.kind for e in events] == ["ticket_opened", "ticket_card", "triage_step"]
    assert events[-1].payload.step == "kind"  # type: ignore[union-attr]
    detail = await ticket_json(h.db, 1)
    assert detail is not None and detail["text"] == "How do I connect to the VPN?"
    assert detail["category"] == "it"


async def test_someone_else_cannot_use_my_faq_buttons(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    query_id = h.take()[0].payload.query_id  # type: ignore[union-attr]
    outcome = await h.do(c.FaqFeedback(actor=CAROL, query_id=query_id, helped=False))
    assert outcome.error is not None and outcome.error.key == "error.unknown_query"


async def test_only_agents_claim_resolve_note_and_see_the_queue(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="broken monitor"))
    h.take()
    for command in (
        c.Claim(actor=ALICE, number=1),
        c.Resolve(actor=ALICE, number=1),
        c.Note(actor=ALICE, number=1, text="x"),
        c.ShowQueue(actor=ALICE),
        c.Assign(actor=ALICE, number=1, assignee=BOB),
        c.SetPriority(actor=ALICE, number=1, priority=Priority.URGENT),
    ):
        outcome = await h.do(command)
        assert outcome.error is not None and outcome.error.key == "error.agents_only"
    texts = h.texts_to("alice", h.take())
    assert texts == ["Only agents can do that."] * 6
    detail = await ticket_json(h.db, 1)
    assert detail is not None and detail["state"] == "open" and detail["priority"] == "P3"


async def test_unknown_ticket_and_invalid_transition_are_clear_replies(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await h.do(c.Claim(actor=BOB, number=99))
    assert h.texts_to("bob", h.take()) == ["There is no ticket #99 that you can see."]
    await h.do(c.OpenTicket(actor=ALICE, text="x"))
    await h.do(c.Resolve(actor=BOB, number=1))
    h.take()
    await h.do(c.Claim(actor=BOB, number=1))
    assert h.texts_to("bob", h.take()) == ["Ticket #1 is resolved; that cannot be done now."]


async def test_requesters_see_only_their_own_tickets(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="alice's secret problem"))
    await h.do(c.OpenTicket(actor=CAROL, text="carol's issue"))
    h.take()
    await h.do(c.ShowStatus(actor=CAROL))
    [listing] = h.texts_to("carol", h.take())
    assert "carol's issue" in listing and "alice" not in listing
    for command in (c.Cancel(actor=CAROL, number=1), c.Rate(actor=CAROL, number=1, score=1)):
        outcome = await h.do(command)
        assert outcome.error is not None and outcome.error.key == "error.unknown_ticket"


async def test_messages_go_to_the_single_open_ticket_and_back(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="no sound in meetings"))
    await h.do(c.Claim(actor=BOB, number=1))
    h.take()
    await h.do(c.SendText(actor=ALICE, text="it is the headset", attachments=("photo:abc",)))
    relay, sent = h.take()
    assert relay.target.kind == "ticket_thread" and relay.payload.kind == "relay"
    assert relay.payload.attachments == ("photo:abc",)  # type: ignore[union-attr]
    assert sent.payload.kind == "notice" and sent.payload.key == "ticket.sent.test"  # type: ignore[union-attr]
    await h.do(c.SendText(actor=ALICE, text="the new one too"))
    [again] = h.take()  # acknowledged once per ticket, not every message
    assert again.payload.kind == "relay"
    await h.do(c.Reply(actor=BOB, number=1, text="try another USB port"))
    assert h.texts_to("alice", h.take()) == ["Bob (#1): try another USB port"]


async def test_replying_to_an_unclaimed_ticket_claims_it(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="password expired"))
    h.take()
    await h.do(c.Reply(actor=DAN, number=1, text="reset link sent"))
    texts = h.texts_to("alice", h.take())
    assert texts == ["Dan is now handling your ticket #1.", "Dan (#1): reset link sent"]


async def test_resolve_asks_for_a_rating_and_reopen_continues(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="vpn flaky"))
    await h.do(c.Claim(actor=BOB, number=1))
    await h.do(c.Resolve(actor=BOB, number=1))
    resolved = h.texts_to("alice", h.take())[-1]
    assert "resolved by Bob" in resolved and "1 (poor) to 5" in resolved
    outcome = await h.do(c.Rate(actor=ALICE, number=1, score=7))
    assert outcome.error is not None and outcome.error.key == "error.bad_rating"
    await h.do(c.Reopen(actor=ALICE, number=1))
    detail = await ticket_json(h.db, 1)
    assert detail is not None and detail["state"] == "claimed"
    assert detail["assignee"]["user_id"] == "bob"


async def test_cancel_stops_relaying(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="need a monitor"))
    await h.do(c.Cancel(actor=ALICE, number=1))
    h.take()
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    [event] = h.take()
    assert event.payload.kind == "faq_answer"  # a question again, not a relay


async def test_language_choice_changes_replies(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.SetLanguage(actor=ALICE, lang="pl"))
    assert h.texts_to("alice", h.take()) == ["Od teraz będę odpowiadać po polsku."]
    await h.do(c.OpenTicket(actor=ALICE, text="drukarka nie działa"))
    assert h.texts_to("alice", h.take())[0].startswith("Utworzono zgłoszenie #1")
    outcome = await h.do(c.SetLanguage(actor=ALICE, lang="klingon"))
    assert outcome.error is not None and outcome.error.key == "error.unknown_language"


async def test_platform_locale_is_used_until_a_language_is_chosen(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    ivan = Actor(platform="test", user_id="ivan", display_name="Ivan", locale="ru")
    await h.do(c.OpenTicket(actor=ivan, text="не работает почта"))
    assert h.texts_to("ivan", h.take())[0].startswith("Заявка #1 создана")


async def test_empty_text_is_refused_and_nothing_is_created(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    outcome = await h.do(c.OpenTicket(actor=ALICE, text="   "))
    assert outcome.error is not None and outcome.error.key == "error.empty_text"
    assert await ticket_json(h.db, 1) is None


async def test_an_edited_relayed_message_updates_its_copy(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="cannot log in"))
    await h.do(c.Claim(actor=BOB, number=1))
    await h.do(c.Reply(actor=BOB, number=1, text="try pasword123", platform_message_id="m1"))
    h.take()
    await h.do(c.EditMessage(actor=BOB, platform_message_id="m1", text="try the reset link"))
    [edit] = h.take()
    assert edit.target.kind == "person" and edit.payload.kind == "relay_edited"
    detail = await ticket_json(h.db, 1)
    assert detail is not None and detail["messages"][1]["text"] == "try the reset link"


async def test_assign_gives_the_ticket_to_another_agent(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="new laptop"))
    await h.do(c.Claim(actor=BOB, number=1))
    await h.do(c.Assign(actor=BOB, number=1, assignee=DAN))
    assert h.texts_to("alice", h.take())[-1] == "Dan is now handling your ticket #1."
    await h.do(c.ShowMine(actor=DAN))
    assert "new laptop" in h.texts_to("dan", h.take())[0]
