"""People and tickets read back from their rows, and the ticket query that joins both people."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.sql import Select

from core.domain import (
    ACTIVE_STATES as ACTIVE,
)
from core.domain import (
    Level,
    Person,
    Priority,
    SlaClock,
    Ticket,
    TicketKind,
    TicketState,
)
from core.storage.tables import people, tickets

ACTIVE_STATES = tuple(state.value for state in ACTIVE)
TARGETS = ("first_response", "resolution")


def person_from_row(row: Mapping[Any, Any], default_lang: str, prefix: str = "") -> Person:
    """The person in the `prefix`ed columns; one who never chose a language reads `default_lang`."""
    return Person(
        id=row[f"{prefix}id"],
        platform=row[f"{prefix}platform"],
        user_id=row[f"{prefix}user_id"],
        display_name=row[f"{prefix}display_name"],
        lang=row[f"{prefix}lang"] or default_lang,
        is_agent=bool(row[f"{prefix}is_agent"]),
        person_id=row.get(f"{prefix}person_id"),
    )


def ticket_from_row(row: Mapping[Any, Any], default_lang: str) -> Ticket:
    """A row of `ticket_select()` as a ticket."""
    return Ticket(
        number=row["id"],
        platform=row["platform"],
        requester=person_from_row(row, default_lang, "r_"),
        assignee=person_from_row(row, default_lang, "a_") if row["a_id"] else None,
        subject=row["subject"],
        text=row["text"],
        category=row["category"],
        priority=Priority(row["priority"]),
        state=TicketState(row["state"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        rating=row["rating"],
        source_link=row["source_link"],
        delivery_problem=row["delivery_problem"],
        kind=TicketKind(row["kind"]) if row["kind"] else None,
        impact=Level(row["impact"]) if row["impact"] else None,
        urgency=Level(row["urgency"]) if row["urgency"] else None,
        team=row["team"],
        clock=clock_from_row(row),
    )


def clock_from_row(row: Mapping[Any, Any]) -> SlaClock:
    """The SLA clocks' record of a ticket row."""
    return SlaClock(
        policy=row["sla_policy"],
        first_response_at=row["first_response_at"],
        paused_since=row["sla_paused_since"],
        paused=timedelta(seconds=row["sla_paused_seconds"] or 0),
        paused_at_first_response=_seconds(row["sla_paused_at_first_response"]),
        warned=tuple(t for t in TARGETS if row[f"{t}_warned_at"] is not None),
        breached=tuple(
            (t, row[f"{t}_breached_at"]) for t in TARGETS if row[f"{t}_breached_at"] is not None
        ),
    )


@cache
def ticket_select() -> Select[Any]:
    """Tickets with requester (r_*) and assignee (a_*) columns, built once per process.

    Building aliases and labels per call costs more than the query on PostgreSQL.
    """
    requester = people.alias("r")
    assignee = people.alias("a")
    columns: list[Any] = [tickets]
    for alias, prefix in ((requester, "r_"), (assignee, "a_")):
        columns.extend(column.label(prefix + column.name) for column in alias.c)
    return (
        select(*columns)
        .join(requester, requester.c.id == tickets.c.requester_id)
        .outerjoin(assignee, assignee.c.id == tickets.c.assignee_id)
    )


def _seconds(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)
