"""Alembic environment: runs on the connection handed over by `Database.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from core.storage.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        # `Database.upgrade`'s progress: one call after each migration.
        on_version_apply=context.config.attributes.get("on_version_apply", []),
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "migrations run through `helpdesk db upgrade`, which provides a connection"
        )
    _run(connection)


_main()
