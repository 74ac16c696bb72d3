"""Fixtures shared by every suite."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from core.storage.db import Database
from tests.support import Harness, harness_on, postgres_database, postgres_schema, write_small_kb

DatabaseFactory = Callable[[], Database]


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    return write_small_kb(tmp_path / "kb")


@pytest.fixture(params=["sqlite", "postgres"])
async def database_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[DatabaseFactory]:
    """Makes engines on one fresh database: SQLite in tmp_path, or a PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
        yield lambda: Database(url)
        return
    async with postgres_schema() as schema:
        yield lambda: postgres_database(schema)


@pytest.fixture
async def harness(database_factory: DatabaseFactory, small_kb: Path) -> AsyncIterator[Harness]:
    async with harness_on(database_factory(), small_kb) as h:
        yield h


@pytest.fixture
async def sqlite_harness(tmp_path: Path, small_kb: Path) -> AsyncIterator[Harness]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'unit.db'}")
    async with harness_on(db, small_kb) as h:
        yield h
