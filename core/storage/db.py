"""Engines, transactions and migrations for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

MigrationProgress = Callable[[int, int], None]
"""Told (applied, pending) as `Database.upgrade` goes."""


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """SQLite: WAL, a busy timeout, and BEGIN IMMEDIATE.

    BEGIN IMMEDIATE takes the write lock at the start of a transaction, so two
    writers queue behind the busy timeout instead of failing half-way with
    "database is locked" when both try to upgrade a read lock.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and the transactions the desk and the dispatcher run on it."""

    def __init__(self, url: str, *, echo: bool = False, schema: str | None = None) -> None:
        """`schema` (PostgreSQL): work inside that schema, set when each connection opens."""
        parsed = make_url(url)
        self.url = url
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.is_postgres = parsed.get_backend_name() == "postgresql"
        # hide_parameters: a database error names the statement, never the values
        # (people's messages) bound to it, so logging it leaks nothing.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30}
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        else:
            # No pre-ping: it costs a round trip per transaction. A connection that
            # died is invalidated on its first error; that unit of work fails whole and
            # is retried (platform redelivery, outbox retry).
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 10
            if schema is not None:
                kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        # SQLite has one writer and every transaction here begins IMMEDIATE: this
        # process's transactions queue on this lock, in order, instead of polling
        # in SQLite's busy handler (sleeps of up to 100 ms between tries).
        self._sqlite_writer: asyncio.Lock | None = None
        self._writer: asyncio.Task[object] | None = None
        if self.is_sqlite:
            _prepare_sqlite(self.engine)
            self._sqlite_writer = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        if self._sqlite_writer is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        if self._sqlite_writer.locked() and self._writer is asyncio.current_task():
            # It would wait for itself forever: fail where the mistake is instead.
            raise RuntimeError("a transaction opened inside another one on SQLite")
        async with self._sqlite_writer:
            self._writer = asyncio.current_task()
            try:
                async with self.engine.begin() as conn:
                    yield conn
            finally:
                self._writer = None

    async def upgrade(self, progress: MigrationProgress | None = None) -> None:
        """Bring the schema to the newest migration (idempotent).

        On PostgreSQL an advisory lock serialises workers starting together on a
        fresh database; the lock ends with the transaction. `progress` is told
        (applied, pending) before the first migration and after each one.
        """
        async with self.engine.begin() as conn:
            if self.is_postgres:
                await conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7204651)")
            await conn.run_sync(_run_upgrade, progress)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


def is_outage(error: BaseException) -> bool:
    """The database is unreachable or went away, rather than a statement being wrong.

    True for: no connection could be made (refused, timed out, the server not
    accepting connections: the error carries no statement), a connection lost
    mid-transaction, and the SQLSTATE classes of connection errors (08),
    insufficient resources (53) and operator intervention (57, e.g. shutdown).
    """
    if isinstance(error, OSError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated or error.statement is None:
        return True
    if type(error.orig).__name__ in _OUTAGE_ERRORS:
        return True
    sqlstate = str(getattr(error.orig, "sqlstate", "") or "")
    return sqlstate[:2] in _OUTAGE_SQLSTATE_CLASSES


_OUTAGE_ERRORS = frozenset(
    {"ConnectionDoesNotExistError", "InterfaceError", "OperationalError", "CannotConnectNowError"}
)
_OUTAGE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})


def is_data_error(error: BaseException) -> bool:
    """The values themselves cannot be stored: trying the same statement again cannot help.

    True for PostgreSQL's SQLSTATE class 22 ("data exception": a character the
    encoding cannot hold, a value out of range, text too long for its column)
    and for a string the driver could not even encode (a lone surrogate).
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UnicodeError):
            return True
        if isinstance(current, DBAPIError) and is_outage(current):
            return False
        # The driver's own errors carry the SQLSTATE; SQLAlchemy's wrap them as `orig`.
        sqlstate = str(getattr(current, "sqlstate", "") or "")
        if sqlstate[:2] == _DATA_EXCEPTION_CLASS:
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False


_DATA_EXCEPTION_CLASS = "22"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _run_upgrade(connection: Connection, progress: MigrationProgress | None = None) -> None:
    config = alembic_config(connection)
    if progress is not None:
        pending = len(pending_migrations(config, connection))
        applied = 0
        progress(applied, pending)

        def one_applied(**_: object) -> None:
            nonlocal applied
            applied += 1
            progress(applied, pending)

        config.attributes["on_version_apply"] = [one_applied]
    command.upgrade(config, "head")


def pending_migrations(config: Config, connection: Connection) -> list[str]:
    """The revisions `upgrade` would apply on `connection`'s database, oldest first."""
    current = MigrationContext.configure(connection).get_current_heads()
    scripts = ScriptDirectory.from_config(config).iterate_revisions("heads", current or "base")
    return [script.revision for script in reversed(list(scripts))]
