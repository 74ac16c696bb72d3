"""The small stores on every backend: platform refs and dedupe keys."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from core.storage.db import MIGRATIONS_DIR
from core.storage.dedupe import record_new_updates
from core.storage.refs import RefStore
from tests.conftest import DatabaseFactory

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_a_ref_is_put_replaced_found_and_deleted(database_factory: DatabaseFactory) -> None:
    db = database_factory()
    await db.upgrade()
    try:
        slack, telegram = RefStore(db, "slack"), RefStore(db, "telegram")
        await slack.put("card", "3", "C1/111.1")
        await telegram.put("card", "3", "-100/7")
        await slack.put("card", "3", "C1/222.2")  # the card was posted again
        assert await slack.get("card", "3") == "C1/222.2"
        assert await telegram.get("card", "3") == "-100/7"
        assert await slack.find_key("card", "C1/222.2") == "3"
        assert await slack.find_key("card", "C1/111.1") is None
        await slack.delete("card", "3")
        assert await slack.get("card", "3") is None
        assert await telegram.get("card", "3") == "-100/7"
    finally:
        await db.dispose()


async def test_concurrent_puts_of_one_key_leave_one_value(
    database_factory: DatabaseFactory,
) -> None:
    db = database_factory()
    await db.upgrade()
    try:
        refs = RefStore(db, "slack")
        values = [f"C1/{n}" for n in range(8)]
        await asyncio.gather(*(refs.put("card", "9", value) for value in values))
        assert await refs.get("card", "9") in values
    finally:
        await db.dispose()


async def test_a_dedupe_key_is_new_once(database_factory: DatabaseFactory) -> None:
    db = database_factory()
    await db.upgrade()
    try:
        async with db.transaction() as conn:
            first = await record_new_updates(conn, [("t", "1"), ("t", "2"), ("t", "1")], NOW)
        async with db.transaction() as conn:
            again = await record_new_updates(conn, [("t", "2"), ("t", "3"), ("s", "1")], NOW)
        assert first == {("t", "1"), ("t", "2")}
        assert again == {("t", "3"), ("s", "1")}
    finally:
        await db.dispose()


async def test_an_upgrade_counts_the_migrations_it_applies(
    database_factory: DatabaseFactory,
) -> None:
    """What `helpdesk db upgrade`'s bar shows: applied of pending, one step per migration."""
    db = database_factory()
    told: list[tuple[int, int]] = []

    def progress(applied: int, pending: int) -> None:
        told.append((applied, pending))

    try:
        await db.upgrade(progress)
        every = len(list((MIGRATIONS_DIR / "versions").glob("[0-9]*.py")))
        assert every > 0
        assert told == [(n, every) for n in range(every + 1)]
        told.clear()
        await db.upgrade(progress)
        assert told == [(0, 0)]  # up to date: nothing to apply
    finally:
        await db.dispose()
