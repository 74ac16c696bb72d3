"""The `ticket_ratings` table: every satisfaction rating, kept when a ticket is reopened."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from core.storage.records import Records
from core.storage.tables import ticket_ratings, tickets


class RatingRecords(Records):
    async def record_rating(
        self,
        ticket_number: int,
        *,
        person_id: int,
        score: int,
        now: datetime,
    ) -> None:
        """The rating of the ticket's current resolution (its `resolved_at`)."""
        resolution = (
            select(tickets.c.resolved_at).where(tickets.c.id == ticket_number).scalar_subquery()
        )
        await self.conn.execute(
            insert(ticket_ratings).values(
                ticket_id=ticket_number,
                person_id=person_id,
                score=score,
                resolved_at=resolution,
                rated_at=now,
            )
        )
