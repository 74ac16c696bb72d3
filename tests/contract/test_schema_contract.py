"""The migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from core.storage.tables import metadata
from tests.conftest import DatabaseFactory


def _differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


async def test_the_migrated_schema_matches_the_tables(database_factory: DatabaseFactory) -> None:
    db = database_factory()
    try:
        await db.upgrade()
        async with db.engine.connect() as conn:
            differences = await conn.run_sync(_differences)
    finally:
        await db.dispose()
    assert differences == []
