"""The desk's guarantees, run on every storage backend (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from core import commands as c
from core import errors
from core.desk import InboundKey
from core.domain import FILES_JOIN_SECONDS, Priority, TicketState
from core.storage.repository import Repository
from tests.conftest import DatabaseFactory
from tests.support import FakeClock, Harness, harness_on, person, ticket_json

ALICE = person("alice")
BOB = person("bob", agent=True)


async def test_a_whole_ticket_life_cycle_is_recorded(harness: Harness) -> None:
    await harness.do(c.OpenTicket(actor=ALICE, text="my laptop does not boot"))
    await harness.do(c.Claim(actor=BOB, number=1))
    await harness.do(c.Reply(actor=BOB, number=1, text="hold the power button"))
    await harness.do(c.Note(actor=BOB, number=1, text="probably the battery"))
    await harness.do(c.SendText(actor=ALICE, text="it works now"))
    await harness.do(c.Resolve(actor=BOB, number=1))
    await harness.do(c.Rate(actor=ALICE, number=1, score=5))

    detail = await ticket_json(harness.db, 1)
    assert detail is not None
    assert detail["state"] == "resolved"
    assert detail["assignee"]["user_id"] == "bob"
    assert detail["rating"] == 5
    assert [(m["role"], m["visibility"], m["text"]) for m in detail["messages"]] == [
        ("requester", "public", "my laptop does not boot"),
        ("agent", "public", "hold the power button"),
        ("agent", "internal", "probably the battery"),
        ("requester", "public", "it works now"),
    ]
    assert [a["action"] for a in detail["audit"]] == ["opened", "claimed", "resolved", "rated"]


async def test_the_note_never_reaches_the_requester(harness: Harness) -> None:
    await harness.do(c.OpenTicket(actor=ALICE, text="printer jam"))
    harness.take()
    await harness.do(c.Note(actor=BOB, number=1, text="secret: replace the drum"))
    delivered = harness.take()
    assert not any("drum" in text for text in harness.texts_to("alice", delivered))
    assert not any("drum" in text for text in harness.texts_to_thread(delivered))


async def test_a_redelivered_update_has_no_second_effect(harness: Harness) -> None:
    first = await harness.do(c.OpenTicket(actor=ALICE, text="no wifi"), update_id="evt-1")
    again = await harness.do(c.OpenTicket(actor=ALICE, text="no wifi"), update_id="evt-1")
    assert not first.duplicate and again.duplicate
    detail = await ticket_json(harness.db, 2)
    assert detail is None
    assert len([e for e in harness.take() if e.payload.kind == "ticket_opened"]) == 1


async def test_twenty_concurrent_claims_from_two_engines_have_one_winner(
    database_factory: DatabaseFactory, small_kb: object
) -> None:
    from pathlib import Path

    assert isinstance(small_kb, Path)
    async with (
        harness_on(database_factory(), small_kb) as first,
        harness_on(database_factory(), small_kb) as second,
    ):
        await first.do(c.OpenTicket(actor=ALICE, text="race me"))
        agents = [person(f"agent{i}", agent=True) for i in range(20)]
        # every agent is known beforehand, so the race is only about the claim
        for agent in agents:
            await first.do(c.ShowQueue(actor=agent))

        async def claim(i: int) -> object:
            desk = (first if i % 2 else second).desk
            return await desk.handle(
                c.Claim(actor=agents[i], number=1), InboundKey("test", f"claim-{i}")
            )

        outcomes = await asyncio.gather(*(claim(i) for i in range(20)))
        winners = [o for o in outcomes if o.error is None]  # type: ignore[attr-defined]
        losers = [o.error for o in outcomes if o.error is not None]  # type: ignore[attr-defined]
        assert len(winners) == 1
        assert len(losers) == 19
        assert all(isinstance(e, errors.AlreadyClaimed) for e in losers)
        detail = await ticket_json(first.db, 1)
        assert detail is not None
        assert detail["state"] == TicketState.CLAIMED.value
        owners = {e.params["owner"] for e in losers}
        assert owners == {detail["assignee"]["name"]}


async def test_outbox_keeps_each_conversation_in_order(harness: Harness) -> None:
    await harness.do(c.OpenTicket(actor=ALICE, text="order test"))
    await harness.do(c.Claim(actor=BOB, number=1))
    for i in range(5):
        await harness.desk.handle(c.Reply(actor=BOB, number=1, text=f"step {i}"))
    await harness.dispatcher.run_until_idle()
    to_alice = [t for t in harness.texts_to("alice", harness.take()) if "step" in t]
    assert to_alice == [f"Bob (#1): step {i}" for i in range(5)]


async def test_numbers_beyond_any_ticket_or_query_are_refused_as_unknown(
    harness: Harness,
) -> None:
    # Typed by people ("/ticket claim 99999999999"): larger than the id columns hold.
    huge = 10**20
    await harness.do(c.OpenTicket(actor=ALICE, text="no wifi"))
    harness.take()
    for command in (
        c.Claim(actor=BOB, number=huge),
        c.Reply(actor=BOB, number=2**31, text="hello"),
        c.Rate(actor=ALICE, number=-1, score=5),
        c.FaqFeedback(actor=ALICE, query_id=huge, helped=False),
        c.ChooseSuggestion(actor=ALICE, query_id=2**31, entry_id="vpn"),
    ):
        outcome = await harness.do(command)
        assert outcome.error is not None, command
        assert outcome.error.key in ("error.unknown_ticket", "error.unknown_query")
    answers = harness.take()
    assert len(harness.texts_to("bob", answers)) == 2
    assert len(harness.texts_to("alice", answers)) == 3
    await harness.do(c.Claim(actor=BOB, number=1))  # and the desk carries on
    assert (await ticket_json(harness.db, 1) or {}).get("state") == "claimed"


async def test_a_new_ticket_is_what_reading_it_back_gives(harness: Harness) -> None:
    # insert_ticket builds the ticket without reading it back: both must agree.
    now = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    async with harness.db.transaction() as conn:
        repo = Repository(conn, "pl")
        requester = await repo.upsert_person(ALICE, now)
        made = await repo.insert_ticket(
            platform="test",
            requester=requester,
            subject="Drukarka",
            text="Drukarka nie drukuje",
            category="hardware",
            priority=Priority.HIGH,
            source_link="https://example.com/m/1",
            from_query_id=None,
            now=now,
        )
    async with harness.db.transaction() as conn:
        assert made == await Repository(conn, "pl").get_ticket(made.number)


async def test_a_file_alone_offers_a_ticket_that_carries_the_file(harness: Harness) -> None:
    outcome = await harness.do(c.SendText(actor=ALICE, text="", attachments=("photo:screen-1",)))
    assert outcome.error is None
    [offer] = harness.take()
    assert offer.payload.kind == "faq_no_match"
    assert offer.payload.files == 1 and offer.payload.question == ""
    assert harness.texts_to("alice", [offer])[0].startswith("I can't read files")

    await harness.do(c.FaqFeedback(actor=ALICE, query_id=offer.payload.query_id, helped=False))
    delivered = harness.take()
    relays = [e.payload for e in delivered if e.payload.kind == "relay"]
    assert [r.attachments for r in relays] == [("photo:screen-1",)]
    detail = await ticket_json(harness.db, 1)
    assert detail is not None
    assert detail["text"] == "(file sent without text)"
    assert detail["messages"][0]["attachments"] == ["photo:screen-1"]


async def test_a_question_with_a_file_keeps_the_file_when_it_becomes_a_ticket(
    harness: Harness,
) -> None:
    await harness.do(
        c.SendText(actor=ALICE, text="the badge reader blinks red", attachments=("doc:log",))
    )
    [answer] = harness.take()
    query_id = answer.payload.query_id  # type: ignore[union-attr]
    await harness.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=False))
    harness.take()
    detail = await ticket_json(harness.db, 1)
    assert detail is not None
    assert detail["text"] == "the badge reader blinks red"
    assert detail["messages"][0]["attachments"] == ["doc:log"]


async def test_a_question_without_files_opens_a_ticket_without_files(harness: Harness) -> None:
    await harness.do(c.SendText(actor=ALICE, text="the badge reader blinks red"))
    [answer] = harness.take()
    query_id = answer.payload.query_id  # type: ignore[union-attr]
    await harness.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=False))
    assert not [e for e in harness.take() if e.payload.kind == "relay"]
    detail = await ticket_json(harness.db, 1)
    assert detail is not None and detail["messages"][0]["attachments"] == []


async def test_an_open_ticket_with_only_files_carries_them(harness: Harness) -> None:
    outcome = await harness.do(c.OpenTicket(actor=ALICE, text=" ", attachments=("video:clip",)))
    assert outcome.error is None
    detail = await ticket_json(harness.db, 1)
    assert detail is not None
    assert detail["subject"] == "(file sent without text)"
    assert detail["messages"][0]["attachments"] == ["video:clip"]


async def test_files_that_follow_within_a_minute_join_the_offer(
    database_factory: DatabaseFactory, small_kb: object
) -> None:
    """An album of screenshots arrives as one message per file: one offer, one ticket."""
    from pathlib import Path

    assert isinstance(small_kb, Path)
    clock = FakeClock()
    async with harness_on(database_factory(), small_kb, clock=clock) as h:
        await h.do(c.SendText(actor=ALICE, text="", attachments=("photo:one",)))
        clock.advance(1)
        await h.do(c.SendText(actor=ALICE, text="", attachments=("photo:two",)))
        [offer] = h.take()
        assert offer.payload.kind == "faq_no_match"

        clock.advance(FILES_JOIN_SECONDS + 1)
        await h.do(c.SendText(actor=ALICE, text="", attachments=("photo:later",)))
        [second] = h.take()
        assert second.payload.kind == "faq_no_match"

        query_id = offer.payload.query_id  # type: ignore[union-attr]
        await h.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=False))
        detail = await ticket_json(h.db, 1)
        assert detail is not None
        assert detail["messages"][0]["attachments"] == ["photo:one", "photo:two"]


async def test_files_after_a_captioned_file_join_its_question(harness: Harness) -> None:
    await harness.do(
        c.SendText(actor=ALICE, text="the badge reader blinks red", attachments=("photo:a",))
    )
    await harness.do(c.SendText(actor=ALICE, text="", attachments=("photo:b",)))
    [answer] = harness.take()
    query_id = answer.payload.query_id  # type: ignore[union-attr]
    await harness.do(c.FaqFeedback(actor=ALICE, query_id=query_id, helped=False))
    detail = await ticket_json(harness.db, 1)
    assert detail is not None
    assert detail["messages"][0]["attachments"] == ["photo:a", "photo:b"]


async def test_a_screenshot_after_a_question_in_words_gets_its_own_offer(
    harness: Harness,
) -> None:
    await harness.do(c.SendText(actor=ALICE, text="the badge reader blinks red"))
    await harness.do(c.SendText(actor=ALICE, text="", attachments=("photo:reader",)))
    answers = harness.take()
    assert answers[-1].payload.kind == "faq_no_match"
    assert answers[-1].payload.files == 1  # type: ignore[union-attr]
