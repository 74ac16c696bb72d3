"""The `faq_queries` table: every question the FAQ answered, and how it turned out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping

from core.domain import Person
from core.storage.identity_records import identity_ids_of
from core.storage.records import Records
from core.storage.tables import faq_queries


@cache
def _faq_query_insert() -> Any:
    return insert(faq_queries).returning(faq_queries.c.id)


class FaqLogRecords(Records):
    async def record_faq_query(
        self,
        *,
        person: Person,
        platform: str,
        lang: str,
        text: str,
        decision: str,
        results: list[dict[str, Any]],
        now: datetime,
        attachments: Sequence[str] = (),
    ) -> int:
        top = results[0] if results else None
        result = await self.conn.execute(
            _faq_query_insert(),
            {
                "person_id": person.id,
                "platform": platform,
                "lang": lang,
                "text": text,
                "decision": decision,
                "results": json.dumps(results, ensure_ascii=False),
                "top_entry_id": top["id"] if top else None,
                "top_score": top["score"] if top else None,
                "outcome": None,
                "ticket_id": None,
                "created_at": now,
                "attachments": json.dumps(list(attachments)),
            },
        )
        return int(result.scalar_one())

    async def faq_query(self, query_id: int) -> RowMapping | None:
        found = await self.conn.execute(select(faq_queries).where(faq_queries.c.id == query_id))
        row: RowMapping | None = found.mappings().first()
        return row

    async def pending_files_query(self, person_id: int, since: datetime) -> RowMapping | None:
        """The person's latest question since `since` sent with files and not answered by
        a button yet."""
        found = await self.conn.execute(
            select(faq_queries)
            .where(
                faq_queries.c.person_id == person_id,
                faq_queries.c.outcome.is_(None),
                faq_queries.c.created_at >= since,
                faq_queries.c.attachments != "[]",
            )
            .order_by(faq_queries.c.id.desc())
            .limit(1)
        )
        row: RowMapping | None = found.mappings().first()
        return row

    async def add_faq_query_attachments(self, query_id: int, attachments: Sequence[str]) -> None:
        found = await self.conn.execute(
            select(faq_queries.c.attachments).where(faq_queries.c.id == query_id)
        )
        kept = list(json.loads(found.scalar_one() or "[]"))
        await self.conn.execute(
            update(faq_queries)
            .where(faq_queries.c.id == query_id)
            .values(attachments=json.dumps(kept + [a for a in attachments if a not in kept]))
        )

    async def set_faq_outcome(
        self, query_id: int, outcome: str, ticket_number: int | None = None
    ) -> None:
        await self.conn.execute(
            update(faq_queries)
            .where(faq_queries.c.id == query_id)
            .values(outcome=outcome, ticket_id=ticket_number)
        )

    async def recent_questions(self, requester_person: int, limit: int) -> list[RowMapping]:
        """The person's newest questions to the FAQ, on any platform (newest first)."""
        found = await self.conn.execute(
            select(faq_queries)
            .where(faq_queries.c.person_id.in_(identity_ids_of(requester_person)))
            .order_by(faq_queries.c.id.desc())
            .limit(limit)
        )
        return list(found.mappings().all())
