"""The INSERT with ON CONFLICT clauses of the connection's database (PostgreSQL, SQLite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_for(conn: AsyncConnection, table: Table) -> Any:
    """`table`'s INSERT that can say `on_conflict_do_nothing/update` on this connection."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {dialect}")
