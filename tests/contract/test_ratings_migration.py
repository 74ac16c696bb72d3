"""Ratings given before every rating was kept still count after the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, column, insert, select, table

from core.storage.db import alembic_config
from core.storage.tables import ticket_ratings
from tests.conftest import DatabaseFactory

WHEN = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

# The tables as they were at revision 0006 (today's definitions have columns added since,
# some with defaults that an insert would name).
people = table(
    "people",
    *(column(name) for name in ("id", "platform", "user_id", "display_name", "lang_explicit")),
    *(column(name) for name in ("is_agent", "created_at", "updated_at")),
)
tickets = table(
    "tickets",
    *(column(name) for name in ("id", "platform", "requester_id", "subject", "text")),
    *(column(name) for name in ("category", "priority", "state", "rating")),
    *(column(name) for name in ("created_at", "updated_at", "resolved_at")),
)


def _to_revision(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


async def test_an_old_rating_becomes_the_first_of_its_ticket(
    database_factory: DatabaseFactory,
) -> None:
    db = database_factory()
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(_to_revision, "0006_workers")
            await conn.execute(
                insert(people).values(
                    id=1, platform="slack", user_id="U1", display_name="Alice",
                    lang_explicit=False, is_agent=False, created_at=WHEN, updated_at=WHEN,
                )
            )  # fmt: skip
            await conn.execute(
                insert(tickets).values(
                    id=1, platform="slack", requester_id=1, subject="vpn", text="vpn",
                    category="it", priority="normal", state="resolved", rating=4,
                    created_at=WHEN, updated_at=WHEN, resolved_at=WHEN,
                )
            )  # fmt: skip
        await db.upgrade()
        async with db.transaction() as conn:
            rows = (await conn.execute(select(ticket_ratings))).mappings().all()
        assert [(r["ticket_id"], r["score"], r["resolved_at"]) for r in rows] == [(1, 4, WHEN)]
    finally:
        await db.dispose()
