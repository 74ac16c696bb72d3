"""Learning from use, on every storage backend: an entry confirmed for a question
answers the requester and becomes a learned phrasing the FAQ matches."""

from __future__ import annotations

from core import commands as c
from core import errors
from core.events import Event, FaqAnswer, FaqSuggestions, PersonTarget
from core.faq.learned import LearnedPhrasing
from core.faq.service import FaqService
from core.storage.repository import Repository
from tests.support import Harness, person, ticket_json

ALICE = person("alice")
BOB = person("bob", agent=True)
QUESTION = "the tunnel to the office drops every evening"


async def _learned(harness: Harness) -> list[tuple[str, str, str, int | None, int | None]]:
    async with harness.db.transaction() as conn:
        rows = await Repository(conn, "en").learned_rows()
    return [
        (r.phrasing.entry_id, r.phrasing.text, r.source, r.ticket_number, r.query_id) for r in rows
    ]


def _faq(harness: Harness) -> FaqService:
    assert isinstance(harness.desk.faq, FaqService)
    return harness.desk.faq


def _answers_to(user_id: str, events: list[Event]) -> list[FaqAnswer]:
    return [
        e.payload
        for e in events
        if isinstance(e.target, PersonTarget)
        and e.target.user_id == user_id
        and isinstance(e.payload, FaqAnswer)
    ]


async def test_resolving_with_an_entry_answers_the_requester_and_learns_the_question(
    harness: Harness,
) -> None:
    await harness.do(c.OpenTicket(actor=ALICE, text=QUESTION))
    harness.take()

    await harness.do(c.Resolve(actor=BOB, number=1, entry_id="vpn-access"))

    delivered = harness.take()
    answers = _answers_to("alice", delivered)
    assert [(a.entry_id, a.title) for a in answers] == [("vpn-access", "Connecting to the VPN")]
    assert "GlobalConnect" in answers[0].answer
    assert [e.payload.kind for e in delivered if isinstance(e.target, PersonTarget)][-1] == (
        "ticket_resolved"
    )
    detail = await ticket_json(harness.db, 1)
    assert detail is not None and detail["state"] == "resolved"
    assert await _learned(harness) == [("vpn-access", QUESTION, "resolved", 1, None)]
    assert LearnedPhrasing("vpn-access", "en", QUESTION) in _faq(harness).learned
    top = _faq(harness).search(QUESTION, "en").results[0]
    assert top.entry_id == "vpn-access"


async def test_an_unknown_entry_is_refused_clearly_and_nothing_changes(harness: Harness) -> None:
    await harness.do(c.OpenTicket(actor=ALICE, text=QUESTION))
    harness.take()

    outcome = await harness.do(c.Resolve(actor=BOB, number=1, entry_id="no-such-entry"))

    assert isinstance(outcome.error, errors.UnknownFaqEntry)
    assert any("no-such-entry" in text for text in harness.texts_to("bob", harness.take()))
    detail = await ticket_json(harness.db, 1)
    assert detail is not None and detail["state"] == "open"
    assert await _learned(harness) == []


async def _ask_and_choose(harness: Harness, entry_id: str) -> int:
    """Alice asks QUESTION and picks ``entry_id`` from the reply; the question's id."""
    await harness.do(c.AskQuestion(actor=ALICE, text=QUESTION))
    query_id = next(
        e.payload.query_id  # type: ignore[union-attr]
        for e in harness.take()
        if e.payload.kind in ("faq_no_match", "faq_suggestions", "faq_answer")
    )
    await harness.do(c.ChooseSuggestion(actor=ALICE, query_id=query_id, entry_id=entry_id))
    return query_id


async def test_that_helped_after_a_chosen_suggestion_learns_the_question(
    harness: Harness,
) -> None:
    query_id = await _ask_and_choose(harness, "vpn-access")
    await harness.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=True))

    assert await _learned(harness) == [("vpn-access", QUESTION, "helped", None, query_id)]
    assert _faq(harness).search(QUESTION, "en").results[0].entry_id == "vpn-access"


async def test_that_helped_on_a_direct_answer_learns_nothing(harness: Harness) -> None:
    await harness.do(c.AskQuestion(actor=ALICE, text="How do I connect to the VPN?"))
    answer = _answers_to("alice", harness.take())[0]
    await harness.do(c.FaqFeedback(actor=ALICE, query_id=answer.query_id, helped=True))

    assert await _learned(harness) == []


async def test_the_same_question_is_learned_once(harness: Harness) -> None:
    for number in (1, 2):
        await harness.do(c.OpenTicket(actor=ALICE, text=QUESTION))
        await harness.do(c.Resolve(actor=BOB, number=number, entry_id="vpn-access"))

    assert [row[3] for row in await _learned(harness)] == [1]


async def test_talk_to_a_human_after_a_direct_answer_records_a_miss_of_that_entry(
    harness: Harness,
) -> None:
    carol = person("carol")
    question = "How do I connect to the VPN on my own laptop?"
    await harness.do(c.AskQuestion(actor=ALICE, text=question))
    answer = _answers_to("alice", harness.take())[0]
    assert answer.entry_id == "vpn-access"

    await harness.do(c.FaqFeedback(actor=ALICE, query_id=answer.query_id, helped=False))

    harness.take()
    assert await _learned(harness) == [("vpn-access", question, "missed", None, answer.query_id)]
    detail = await ticket_json(harness.db, 1)
    assert detail is not None and detail["state"] == "open"
    # Someone else asking the same gets a choice with the entry in it, not that answer.
    await harness.do(c.AskQuestion(actor=carol, text=question))
    delivered = harness.take()
    assert _answers_to("carol", delivered) == []
    offered = [e.payload for e in delivered if isinstance(e.payload, FaqSuggestions)]
    assert [option.entry_id for option in offered[0].options][:1] == ["vpn-access"]
    await harness.do(c.AskQuestion(actor=carol, text="How do I connect to the VPN?"))
    assert [a.entry_id for a in _answers_to("carol", harness.take())] == ["vpn-access"]

    # The agent resolves the ticket with that very entry after all: it answers again.
    await harness.do(c.Resolve(actor=BOB, number=1, entry_id="vpn-access"))
    harness.take()
    await harness.do(c.AskQuestion(actor=carol, text=question))
    assert [a.entry_id for a in _answers_to("carol", harness.take())] == ["vpn-access"]


async def test_talk_to_a_human_after_a_chosen_suggestion_records_no_miss(
    harness: Harness,
) -> None:
    query_id = await _ask_and_choose(harness, "vpn-access")
    await harness.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=False))

    assert await _learned(harness) == []
