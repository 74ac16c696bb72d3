"""Adapters' notes about platform objects: which Slack message is ticket 3's card,
which Telegram topic belongs to ticket 5, which relayed copy a message became.

Keys and values are opaque strings chosen by each adapter; `kind` keeps them apart.
Some come from people (a button's data): they are made storable like commands.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from core.storable import storable_text
from core.storage.db import Database
from core.storage.dialect import insert_for
from core.storage.tables import platform_refs


class RefStore:
    def __init__(self, db: Database, platform: str) -> None:
        self.db = db
        self.platform = platform

    def _storable(self, text: str) -> str:
        return storable_text(text, keep_nul=self.db.is_sqlite)

    async def get(self, kind: str, key: str) -> str | None:
        async with self.db.transaction() as conn:
            value = await conn.scalar(
                select(platform_refs.c.value).where(
                    platform_refs.c.platform == self.platform,
                    platform_refs.c.kind == kind,
                    platform_refs.c.key == self._storable(key),
                )
            )
        return str(value) if value is not None else None

    async def find_key(self, kind: str, value: str) -> str | None:
        """The key that maps to `value` (e.g. the ticket whose card is this message)."""
        async with self.db.transaction() as conn:
            key = await conn.scalar(
                select(platform_refs.c.key)
                .where(
                    platform_refs.c.platform == self.platform,
                    platform_refs.c.kind == kind,
                    platform_refs.c.value == self._storable(value),
                )
                .limit(1)
            )
        return str(key) if key is not None else None

    async def put(self, kind: str, key: str, value: str) -> None:
        """Map `key` to `value`, replacing what it mapped to (one statement, race-free)."""
        async with self.db.transaction() as conn:
            statement = insert_for(conn, platform_refs).values(
                platform=self.platform,
                kind=kind,
                key=self._storable(key),
                value=self._storable(value),
            )
            await conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["platform", "kind", "key"],
                    set_={"value": statement.excluded.value},
                )
            )

    async def delete(self, kind: str, key: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                delete(platform_refs).where(
                    platform_refs.c.platform == self.platform,
                    platform_refs.c.kind == kind,
                    platform_refs.c.key == self._storable(key),
                )
            )
