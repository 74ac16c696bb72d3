"""The `held_messages` table: a message waiting for its author to say where it goes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from core.storage.records import Records
from core.storage.tables import held_messages


@dataclass(frozen=True)
class HeldMessage:
    id: int
    text: str
    attachments: tuple[str, ...]
    platform_message_id: str | None


class HeldRecords(Records):
    async def hold_message(
        self,
        person_id: int,
        *,
        text: str,
        attachments: Sequence[str],
        platform_message_id: str | None,
        now: datetime,
    ) -> int:
        result = await self.conn.execute(
            insert(held_messages)
            .values(
                person_id=person_id,
                text=text,
                attachments=json.dumps(list(attachments)),
                platform_message_id=platform_message_id,
                created_at=now,
            )
            .returning(held_messages.c.id)
        )
        return int(result.scalar_one())

    async def take_held(self, held_id: int, person_id: int, now: datetime) -> HeldMessage | None:
        """The person's held message, taken once (a second button press finds nothing)."""
        taken = await self.conn.execute(
            update(held_messages)
            .where(
                held_messages.c.id == held_id,
                held_messages.c.person_id == person_id,
                held_messages.c.placed_at.is_(None),
            )
            .values(placed_at=now)
        )
        if taken.rowcount != 1:
            return None
        found = await self.conn.execute(select(held_messages).where(held_messages.c.id == held_id))
        row = found.mappings().one()
        return HeldMessage(
            id=int(row["id"]),
            text=str(row["text"]),
            attachments=tuple(json.loads(row["attachments"] or "[]")),
            platform_message_id=row["platform_message_id"],
        )
