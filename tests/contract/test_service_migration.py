"""Tickets stored before the service desk load after its migration, on every backend:
the old priority words become P1-P4, closed tickets' clocks stand still."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, text

from core.domain import Priority, TicketState
from core.events import event_from_json
from core.queries import ticket_detail
from core.storage.db import alembic_config
from core.storage.repository import Repository
from tests.conftest import DatabaseFactory

BEFORE = "0006_workers"
OPENED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
RESOLVED = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)


def _to_before(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), BEFORE)


async def test_old_tickets_load_with_p1_p4_and_stopped_clocks(
    database_factory: DatabaseFactory,
) -> None:
    db = database_factory()
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(_to_before)
            await conn.execute(
                text(
                    "INSERT INTO people (id, platform, user_id, display_name, lang_explicit,"
                    " is_agent, created_at, updated_at) VALUES (1, 'slack', 'U1', 'Alice',"
                    " false, false, :at, :at)"
                ),
                {"at": OPENED},
            )
            for number, priority, state, resolved in (
                (1, "urgent", "resolved", RESOLVED),
                (2, "low", "open", None),
                (3, "normal", "claimed", None),
            ):
                await conn.execute(
                    text(
                        "INSERT INTO tickets (id, platform, requester_id, subject, text, category,"
                        " priority, state, created_at, updated_at, resolved_at) VALUES"
                        " (:n, 'slack', 1, 's', 't', 'it', :p, :s, :at, :at, :r)"
                    ),
                    {"n": number, "p": priority, "s": state, "at": OPENED, "r": resolved},
                )
        await db.upgrade()
        async with db.transaction() as conn:
            repo = Repository(conn, "en")
            first, second, third = [await repo.get_ticket(n) for n in (1, 2, 3)]
        assert first is not None and second is not None and third is not None
        assert (first.priority, second.priority, third.priority) == (
            Priority.P1,
            Priority.P4,
            Priority.P3,
        )
        assert first.state is TicketState.RESOLVED
        assert first.clock is not None and first.clock.paused_since == RESOLVED
        assert second.clock is not None and second.clock.paused_since is None
        assert (first.kind, first.team) == (None, None)
        shown = await ticket_detail(db, 1)
        assert shown is not None
        json_view = shown.to_json()
        assert (json_view["priority"], json_view["team"]) == ("P1", "general")
        assert json_view["sla"]["policy"] == "default"
    finally:
        await db.dispose()


def test_an_event_queued_before_p1_p4_still_reads() -> None:
    stored = (
        '{"target": {"kind": "ticket_thread", "platform": "slack", "ticket_number": 4},'
        ' "lang": "en", "payload": {"kind": "ticket_card", "change": "priority", "ticket":'
        ' {"number": 4, "platform": "slack", "requester_user_id": "U1", "requester_name": "A",'
        ' "assignee_user_id": null, "assignee_name": null, "subject": "s", "text": "t",'
        ' "category": "it", "priority": "urgent", "state": "open",'
        ' "created_at": "2026-11-30T09:00:00+00:00"}}}'
    )
    event = event_from_json(stored)
    assert event.payload.ticket.priority is Priority.P1  # type: ignore[union-attr]
    assert event.target.place is None  # type: ignore[union-attr]
