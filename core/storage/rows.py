"""People and tickets read back from their rows, and the ticket query that joins both people."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.sql import Select

from core.domain import Person, Priority, Ticket, TicketState
from core.storage.tables import people, tickets

ACTIVE_STATES = (TicketState.OPEN.value, TicketState.CLAIMED.value)


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
