"""The inbox on every storage backend: stored at ack time, applied once, in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bots.wiring import build_core
from core import commands as c
from core.desk import InboundKey
from core.events import Event, Notice, PersonTarget, event_from_json
from core.faq.service import FaqService
from core.inbox import INBOX_BACKOFF, Inbox, InboxTuning
from core.storage.db import Database
from core.storage.inbox_store import InboxRecords, NewUpdate
from core.storage.tables import held_messages, outbox, ticket_messages, tickets
from tests.conftest import DatabaseFactory
from tests.support import PLAIN_TUNING, FakeClock, person, settings_for, ticket_json

ALICE = person("alice")
CAROL = person("carol")
BOB = person("bob", agent=True)
DAVE = person("dave", agent=True)


@asynccontextmanager
async def inbox_on(db: Database, kb: Path, clock: FakeClock) -> AsyncIterator[Inbox]:
    await db.upgrade()
    inbox = InboxTuning(batch_size=50, backoff=replace(INBOX_BACKOFF, attempts=3))
    try:
        async with build_core(
            settings_for(kb),
            db=db,
            faq=FaqService(kb, "en"),
            clock=clock,
            tuning=replace(PLAIN_TUNING, inbox=inbox),
        ) as core:
            yield core.inbox
    finally:
        await db.dispose()


def key(update_id: str) -> InboundKey:
    return InboundKey("test", update_id)


async def texts_of(db: Database, number: int) -> list[str]:
    detail = await ticket_json(db, number)
    assert detail is not None
    return [m["text"] for m in detail["messages"]]


async def test_an_update_is_stored_once_and_applied_once(
    database_factory: DatabaseFactory, small_kb: Path
) -> None:
    async with inbox_on(database_factory(), small_kb, FakeClock()) as inbox:
        # Slack retrying an event while the first delivery is still being stored.
        stored = await asyncio.gather(
            inbox.submit(c.OpenTicket(actor=ALICE, text="no wifi"), key("e1")),
            inbox.submit(c.OpenTicket(actor=ALICE, text="no wifi"), key("e1")),
        )
        assert sorted(stored) == [False, True]
        assert await inbox.depth() == {"pending": 1}
        assert await inbox.submit(c.OpenTicket(actor=ALICE, text="no wifi"), key("e1")) is False

        assert await inbox.apply_all() == 1
        assert await inbox.depth() == {}
        assert await texts_of(inbox.db, 1) == ["no wifi"]
        assert await ticket_json(inbox.db, 2) is None

        # Keys are kept for the platforms' redelivery window, then forgotten.
        async with inbox.db.transaction() as conn:
            assert await InboxRecords(conn).forget_keys(inbox.clock()) == 0
        async with inbox.db.transaction() as conn:
            later = inbox.clock() + timedelta(days=8)
            assert await InboxRecords(conn).forget_keys(later) == 1


async def test_a_refusal_in_a_batch_is_answered_and_the_others_still_apply(
    database_factory: DatabaseFactory, small_kb: Path
) -> None:
    async with inbox_on(database_factory(), small_kb, FakeClock()) as inbox:
        await inbox.submit(c.OpenTicket(actor=ALICE, text="printer jam"), key("e1"))
        await inbox.submit(c.Reply(actor=BOB, number=99, text="which printer?"), key("e2"))
        await inbox.submit(c.OpenTicket(actor=CAROL, text="monitor flickers"), key("e3"))
        await inbox.submit(c.Claim(actor=BOB, number=1), key("e4"))
        await inbox.submit(c.Claim(actor=DAVE, number=1), key("e5"))  # too late

        assert await inbox.apply_all() == 5
        assert await inbox.depth() == {}
        # The refusals cost the batch nothing: no ticket number was used up.
        async with inbox.db.transaction() as conn:
            rows = (await conn.execute(select(tickets.c.id, tickets.c.state))).all()
        assert sorted(rows) == [(1, "claimed"), (2, "open")]
        assert await texts_of(inbox.db, 2) == ["monitor flickers"]
        refusals = [
            (e.target.user_id, e.payload.key)
            for e in await _outbox_events(inbox.db)
            if isinstance(e.target, PersonTarget)
            and isinstance(e.payload, Notice)
            and e.payload.error
        ]
        assert [user for user, _ in refusals] == ["bob", "dave"]
        assert refusals[0][1] == "error.unknown_ticket"


async def test_an_update_that_keeps_failing_is_parked_and_the_others_go_on(
    database_factory: DatabaseFactory, small_kb: Path
) -> None:
    clock = FakeClock()
    async with inbox_on(database_factory(), small_kb, clock) as inbox:
        async with inbox.db.transaction() as conn:
            # A row no version of the desk can read (say, written by a newer release).
            await InboxRecords(conn).store(
                [NewUpdate("test", "bad", "test:alice", '{"type": "Teleport"}')], clock()
            )
        await inbox.submit(c.SendText(actor=ALICE, text="after the bad one"), key("e2"))
        await inbox.submit(c.OpenTicket(actor=CAROL, text="unrelated"), key("e3"))

        await inbox.apply_all()
        # Carol is not held up; Alice's next update waits behind her failed one.
        assert await texts_of(inbox.db, 1) == ["unrelated"]
        assert await inbox.depth() == {"pending": 2}

        for _ in range(3):
            clock.advance(3600)
            await inbox.apply_all()
        async with inbox.db.transaction() as conn:
            parked = await InboxRecords(conn).failed()
        assert [(row.update_id, row.attempts) for row in parked] == [("bad", 3)]
        assert "Teleport" in (parked[0].last_error or "")
        # Parked, it no longer holds Alice's later update back.
        async with inbox.db.transaction() as conn:
            rows = (await conn.execute(select(tickets.c.id))).all()
        assert len(rows) == 1
        assert await inbox.depth() == {"failed": 1}


async def test_two_workers_apply_each_persons_updates_in_order(
    database_factory: DatabaseFactory, small_kb: Path
) -> None:
    clock = FakeClock()
    people = [person(f"p{i}") for i in range(6)]
    async with (
        inbox_on(database_factory(), small_kb, clock) as first,
        inbox_on(database_factory(), small_kb, clock) as second,
    ):
        for n, someone in enumerate(people):
            await first.submit(c.OpenTicket(actor=someone, text="0"), key(f"open{n}"))
        submitted = [
            (someone, str(i)) for i in range(1, 31) for someone in people
        ]  # interleaved, as a busy workspace sends them
        await asyncio.gather(
            *(
                (first if i % 2 else second).submit(
                    c.SendText(actor=someone, text=text), key(f"{someone.user_id}-{text}")
                )
                for i, (someone, text) in enumerate(submitted)
            )
        )
        first.batch_size = second.batch_size = 7
        await asyncio.gather(first.apply_all(), second.apply_all(), first.apply_all())
        await first.apply_all()

        async with first.db.transaction() as conn:
            rows = (
                await conn.execute(
                    select(ticket_messages.c.ticket_id, ticket_messages.c.text).order_by(
                        ticket_messages.c.id
                    )
                )
            ).all()
        by_ticket: dict[int, list[str]] = {}
        for ticket_id, text in rows:
            by_ticket.setdefault(ticket_id, []).append(text)
        assert len(by_ticket) == len(people)
        assert all(texts == [str(i) for i in range(31)] for texts in by_ticket.values())


async def _outbox_events(db: Database) -> list[Event]:
    async with db.transaction() as conn:
        rows = (await conn.execute(select(outbox.c.event).order_by(outbox.c.id))).scalars()
        return [event_from_json(row) for row in rows]


async def test_a_message_after_a_resolve_in_the_same_batch_is_not_relayed(
    database_factory: DatabaseFactory, small_kb: Path
) -> None:
    async with inbox_on(database_factory(), small_kb, FakeClock()) as inbox:
        await inbox.submit(c.OpenTicket(actor=ALICE, text="printer jam"), key("e1"))
        await inbox.submit(c.SendText(actor=CAROL, text="hello"), key("e2"))  # a batch of two
        await inbox.apply_all()
        await inbox.submit(c.Claim(actor=BOB, number=1), key("e3"))
        await inbox.submit(c.SendText(actor=ALICE, text="it is tray 2"), key("e4"))
        await inbox.submit(c.Resolve(actor=BOB, number=1), key("e5"))
        await inbox.submit(c.SendText(actor=ALICE, text="thanks, all good"), key("e6"))
        assert await inbox.apply_all() == 4  # one batch: read ahead, then changed

        assert await texts_of(inbox.db, 1) == ["printer jam", "it is tray 2"]
        detail = await ticket_json(inbox.db, 1)
        assert detail is not None and detail["state"] == "resolved"


async def test_tickets_opened_in_a_batch_take_their_own_requesters_next_messages_only(
    database_factory: DatabaseFactory, small_kb: Path
) -> None:
    async with inbox_on(database_factory(), small_kb, FakeClock()) as inbox:
        await inbox.submit(c.OpenTicket(actor=CAROL, text="old laptop"), key("e0"))
        await inbox.apply_all()
        # one batch: what was read ahead about each person changes as tickets open
        await inbox.submit(c.SendText(actor=ALICE, text="is anyone there"), key("e1"))
        await inbox.submit(c.OpenTicket(actor=ALICE, text="monitor flickers"), key("e2"))
        await inbox.submit(c.SendText(actor=ALICE, text="since Monday"), key("e3"))
        await inbox.submit(c.SendText(actor=CAROL, text="battery too"), key("e4"))
        await inbox.submit(c.OpenTicket(actor=CAROL, text="new mouse"), key("e5"))
        await inbox.submit(c.SendText(actor=CAROL, text="a wireless one"), key("e6"))
        assert await inbox.apply_all() == 6

        assert await texts_of(inbox.db, 1) == ["old laptop", "battery too"]
        assert await texts_of(inbox.db, 2) == ["monitor flickers", "since Monday"]
        # Carol now has two open tickets: her next message waits for her to say which.
        assert await texts_of(inbox.db, 3) == ["new mouse"]
        async with inbox.db.transaction() as conn:
            held = (await conn.execute(select(held_messages.c.text))).scalars().all()
        assert held == ["a wireless one"]
