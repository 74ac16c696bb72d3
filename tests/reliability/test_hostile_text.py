"""Hostile text on PostgreSQL: a burst of NULs and lone surrogates is applied whole, and an
update the database refuses is parked at once without holding anyone's next update back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core import commands as c
from core.desk import Desk, InboundKey
from core.domain import Actor
from core.faq.service import FaqService
from core.inbox import Inbox
from core.storage.inbox_store import InboxRecords
from core.storage.tables import tickets
from tests.support import FakeClock, person, postgres_database, postgres_schema

HOSTILE = ("\u0000", "\ud800", "\udfff", "a\u0000\u0000b", "\ud83d")


@pytest.mark.postgres
async def test_hostile_text_in_every_field_is_applied_and_nothing_waits(small_kb: Path) -> None:
    async with postgres_schema() as schema:
        db = postgres_database(schema)
        await db.upgrade()
        clock = FakeClock()
        inbox = Inbox(db, Desk(db, FaqService(small_kb, "en"), clock=clock), clock=clock)
        try:
            for i, bad in enumerate(HOSTILE):
                someone = Actor(platform="test", user_id=f"u{i}", display_name=f"N{bad}me")
                await inbox.submit(
                    c.SendText(actor=someone, text=f"vpn{bad}question", attachments=(f"f{bad}",)),
                    InboundKey("test", f"q{i}{bad}"),
                )
                await inbox.submit(
                    c.OpenTicket(actor=someone, text=f"broken {bad} screen", category=None),
                    InboundKey("test", f"t{i}"),
                )
            # Values no cleaning makes fit (a platform name longer than its column).
            stranger = Actor(platform="x" * 40, user_id="s", display_name="S")
            await inbox.submit(c.SendText(actor=stranger, text="hi"), InboundKey("test", "s1"))
            await inbox.submit(
                c.SendText(actor=person("after"), text="How do I connect to the VPN?"),
                InboundKey("test", "s2"),
            )

            # One pass, no time advanced: nobody waited behind a backoff.
            assert await inbox.apply_all() == 2 * len(HOSTILE) + 1
            assert await inbox.depth() == {"failed": 1}
            async with db.transaction() as conn:
                parked = await InboxRecords(conn).failed()
            assert [(row.update_id, row.attempts) for row in parked] == [("s1", 1)]
            async with db.transaction() as conn:
                subjects = (await conn.execute(select(tickets.c.subject))).scalars().all()
            assert len(subjects) == len(HOSTILE)
            assert all("\ufffd" in subject for subject in subjects)
        finally:
            await db.dispose()
