"""People and tickets stored before identities could be linked keep loading after the
migration, each person standing for themselves, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, text

from core import commands as c
from core.domain import Actor
from core.events import TicketList
from core.storage.db import alembic_config
from core.storage.repository import Repository
from tests.conftest import DatabaseFactory
from tests.support import harness_on

BEFORE_PEOPLE = "0006_workers"
AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _upgrade_to(revision: str) -> object:
    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    return run


async def test_old_people_and_tickets_load_as_people_of_their_own(
    database_factory: DatabaseFactory, small_kb: Path
) -> None:
    db = database_factory()
    async with db.engine.begin() as conn:
        await conn.run_sync(_upgrade_to(BEFORE_PEOPLE))  # type: ignore[arg-type]
        await conn.execute(
            text(
                "INSERT INTO people (platform, user_id, display_name, lang, lang_explicit,"
                " is_agent, created_at, updated_at)"
                " VALUES ('test', 'UOLD', 'Olga', 'pl', true, false, :at, :at)"
            ),
            {"at": AT},
        )
        await conn.execute(
            text(
                "INSERT INTO tickets (platform, requester_id, subject, text, category, priority,"
                " state, created_at, updated_at)"
                " VALUES ('test', 1, 'old printer', 'old printer', 'it', 'normal', 'open',"
                " :at, :at)"
            ),
            {"at": AT},
        )
    async with harness_on(db, small_kb) as h:  # migrates to the newest revision
        async with h.db.transaction() as conn:
            repo = Repository(conn, "en")
            ticket = await repo.get_ticket(1)
            assert ticket is not None
            assert ticket.requester.person_id is None
            assert ticket.requester.canonical_id == ticket.requester.id == 1
            assert ticket.requester.lang == "pl"
        olga = Actor(platform="test", user_id="UOLD", display_name="Olga")
        await h.do(c.ShowStatus(actor=olga))
        (listing,) = [e for e in h.take() if isinstance(e.payload, TicketList)]
        assert listing.lang == "pl"
        assert isinstance(listing.payload, TicketList)
        assert [v.subject for v in listing.payload.tickets] == ["old printer"]
