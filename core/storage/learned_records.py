"""The `faq_learned` table: people's phrasings confirmed as meaning an FAQ entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from core.faq.learned import MISSED, LearnedPhrasing
from core.storage.records import Records
from core.storage.tables import faq_learned, faq_queries


@dataclass(frozen=True)
class LearnedRow:
    """One stored phrasing and where it came from."""

    id: int
    phrasing: LearnedPhrasing
    source: str  # resolved | helped | missed (a miss: core/faq/learned.py)
    ticket_number: int | None
    query_id: int | None
    created_at: datetime


class LearnedRecords(Records):
    async def add_learned(
        self,
        phrasing: LearnedPhrasing,
        *,
        source: str,
        ticket_number: int | None,
        query_id: int | None,
        now: datetime,
    ) -> bool:
        """Store the phrasing (a miss with ``source`` MISSED) unless its entry already has it
        as the same kind; True when stored."""
        if phrasing.miss != (source == MISSED):
            raise ValueError(f"a miss is stored with source {MISSED!r}, and only a miss")
        same_kind = (
            faq_learned.c.source == MISSED if phrasing.miss else faq_learned.c.source != MISSED
        )
        known = await self.conn.execute(
            select(faq_learned.c.id).where(
                faq_learned.c.entry_id == phrasing.entry_id,
                faq_learned.c.lang == phrasing.lang,
                faq_learned.c.text == phrasing.text,
                same_kind,
            )
        )
        if known.first() is not None:
            return False
        await self.conn.execute(
            insert(faq_learned).values(
                entry_id=phrasing.entry_id,
                lang=phrasing.lang,
                text=phrasing.text,
                source=source,
                ticket_id=ticket_number,
                query_id=query_id,
                created_at=now,
            )
        )
        return True

    async def learned_rows(self) -> list[LearnedRow]:
        found = await self.conn.execute(select(faq_learned).order_by(faq_learned.c.id))
        return [
            LearnedRow(
                id=int(row["id"]),
                phrasing=LearnedPhrasing(
                    entry_id=str(row["entry_id"]),
                    lang=str(row["lang"]),
                    text=str(row["text"]),
                    miss=row["source"] == MISSED,
                ),
                source=str(row["source"]),
                ticket_number=row["ticket_id"],
                query_id=row["query_id"],
                created_at=row["created_at"],
            )
            for row in found.mappings()
        ]

    async def learned_phrasings(self) -> list[LearnedPhrasing]:
        return [row.phrasing for row in await self.learned_rows()]

    async def remove_learned(self, learned_id: int) -> bool:
        removed = await self.conn.execute(delete(faq_learned).where(faq_learned.c.id == learned_id))
        return bool(removed.rowcount)

    async def set_chosen_entry(self, query_id: int, entry_id: str) -> None:
        await self.conn.execute(
            update(faq_queries)
            .where(faq_queries.c.id == query_id)
            .values(outcome="chose", chosen_entry_id=entry_id)
        )
