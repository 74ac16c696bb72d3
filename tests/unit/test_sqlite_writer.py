"""SQLite has one writer: this process's transactions take turns, in order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from core.storage.db import Database


async def test_concurrent_transactions_take_turns_and_all_commit(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    async with db.transaction() as conn:
        await conn.execute(text("CREATE TABLE seen (n INTEGER)"))
    order: list[tuple[str, int]] = []

    async def write(n: int) -> None:
        async with db.transaction() as conn:
            order.append(("in", n))
            await conn.execute(text("INSERT INTO seen VALUES (:n)"), {"n": n})
            await asyncio.sleep(0.001)  # others are waiting meanwhile
            order.append(("out", n))

    await asyncio.gather(*(write(n) for n in range(20)))
    async with db.transaction() as conn:
        stored = (await conn.execute(text("SELECT n FROM seen ORDER BY rowid"))).scalars().all()
    await db.dispose()
    assert stored == list(range(20))  # in the order they asked
    assert order == [(step, n) for n in range(20) for step in ("in", "out")]  # never overlapping


async def test_a_transaction_inside_another_fails_at_once_instead_of_waiting_forever(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    async with db.transaction():
        with pytest.raises(RuntimeError, match="inside another"):
            async with db.transaction():
                pass
    async with db.transaction() as conn:  # and the database is usable afterwards
        assert await conn.scalar(text("SELECT 1")) == 1
    await db.dispose()
