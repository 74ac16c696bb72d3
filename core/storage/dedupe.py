"""Dedupe keys: the platform ids of inbound updates already taken in.

The only writer of `inbound_updates`. An update whose key is already there
was seen before (a platform's redelivery) and has no effect. The INSERT says
ON CONFLICT DO NOTHING and returns the keys it added: on PostgreSQL a
concurrent insert of the same key waits for the other transaction and then
counts as seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import String, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.dialect import insert_for
from core.storage.tables import UtcDateTime, inbound_updates

UpdateKey = tuple[str, str]  # (platform, update id)


async def record_new_updates(
    conn: AsyncConnection, keys: Iterable[UpdateKey], now: datetime
) -> set[UpdateKey]:
    """Remember the keys; those that were not known before."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return set()
    if conn.dialect.name == "postgresql":
        result = await conn.execute(
            _postgres_insert_keys(),
            {
                "platforms": [p for p, _ in unique],
                "update_ids": [i for _, i in unique],
                "now": now,
            },
        )
    else:
        statement = insert_for(conn, inbound_updates).values(
            [{"platform": p, "update_id": i, "received_at": now} for p, i in unique]
        )
        result = await conn.execute(
            statement.on_conflict_do_nothing().returning(
                inbound_updates.c.platform, inbound_updates.c.update_id
            )
        )
    return {(str(p), str(i)) for p, i in result.all()}


async def updates_by_platform(conn: AsyncConnection) -> dict[str, int]:
    """Platform -> keys remembered."""
    result = await conn.execute(
        select(inbound_updates.c.platform, func.count().label("n")).group_by(
            inbound_updates.c.platform
        )
    )
    return {row.platform: int(row.n) for row in result}


@cache
def _postgres_insert_keys() -> Any:
    """The new keys among many, in one INSERT whatever their number."""
    return text(
        "INSERT INTO inbound_updates (platform, update_id, received_at) "
        "SELECT key.platform, key.update_id, :now "
        "FROM unnest(CAST(:platforms AS varchar[]), CAST(:update_ids AS varchar[])) "
        "AS key(platform, update_id) "
        "ON CONFLICT DO NOTHING RETURNING platform, update_id"
    ).bindparams(
        bindparam("platforms", type_=ARRAY(String)),
        bindparam("update_ids", type_=ARRAY(String)),
        bindparam("now", type_=UtcDateTime()),
    )
