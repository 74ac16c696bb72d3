"""The `audit_log` table: who did what to a ticket, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from core.storage.records import Records
from core.storage.tables import audit_log, people


@dataclass(frozen=True)
class AuditEntry:
    action: str
    actor: str | None  # display name; None for the system
    at: str  # ISO 8601, as stored
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "actor": self.actor, "at": self.at, "detail": self.detail}


class AuditRecords(Records):
    async def audit(
        self,
        action: str,
        now: datetime,
        *,
        ticket_number: int | None = None,
        actor_id: int | None = None,
        **detail: Any,
    ) -> None:
        await self.conn.execute(
            insert(audit_log).values(
                ticket_id=ticket_number,
                actor_id=actor_id,
                action=action,
                detail=json.dumps(detail, ensure_ascii=False, default=str),
                at=now,
            )
        )

    async def audit_trail(self, ticket_number: int) -> list[AuditEntry]:
        query = (
            select(audit_log, people.c.display_name)
            .outerjoin(people, people.c.id == audit_log.c.actor_id)
            .where(audit_log.c.ticket_id == ticket_number)
            .order_by(audit_log.c.id)
        )
        rows = (await self.conn.execute(query)).mappings().all()
        return [
            AuditEntry(
                action=row["action"],
                actor=row["display_name"],
                at=row["at"].isoformat(),
                detail=json.loads(row["detail"]),
            )
            for row in rows
        ]
