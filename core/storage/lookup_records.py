"""Updates a platform adapter acknowledged before the look-up that turns them into a command.

The adapter records the update here, then acks: nothing waits on the platform's API
before the ack, and a crash between the ack and the look-up loses nothing (the next
start resumes what is still here). A row leaves once its command is in the inbox (or
the person was told why there is none); a redelivery of the same update while it waits
is recorded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from core.storable import storable_text
from core.storage.db import Database
from core.storage.dialect import insert_for
from core.storage.tables import pending_lookups


@dataclass(frozen=True)
class PendingLookup:
    id: int
    update_id: str
    kind: str
    person: str
    payload: str


class PendingLookups:
    def __init__(self, db: Database, platform: str) -> None:
        self.db = db
        self.platform = platform

    def _storable(self, text: str) -> str:
        return storable_text(text, keep_nul=self.db.is_sqlite)

    async def add(
        self, update_id: str, kind: str, person: str, payload: str, now: datetime
    ) -> PendingLookup | None:
        """Record the update; None when it is already waiting (a redelivery)."""
        update_id, person = self._storable(update_id), self._storable(person)
        payload = self._storable(payload)
        async with self.db.transaction() as conn:
            result = await conn.execute(
                insert_for(conn, pending_lookups)
                .values(
                    platform=self.platform,
                    update_id=update_id,
                    kind=kind,
                    person=person,
                    payload=payload,
                    created_at=now,
                )
                .on_conflict_do_nothing()
                .returning(pending_lookups.c.id)
            )
            found = result.scalar_one_or_none()
        if found is None:
            return None
        return PendingLookup(int(found), update_id, kind, person, payload)

    async def waiting(self) -> list[PendingLookup]:
        """Everything still waiting on this platform, oldest first."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                select(pending_lookups)
                .where(pending_lookups.c.platform == self.platform)
                .order_by(pending_lookups.c.id)
            )
            rows = result.all()
        return [PendingLookup(r.id, r.update_id, r.kind, r.person, r.payload) for r in rows]

    async def done(self, lookup_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(delete(pending_lookups).where(pending_lookups.c.id == lookup_id))
