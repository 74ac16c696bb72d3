"""`helpdesk inbox list|retry|prune`: updates acknowledged but not applied, parked failures, old keys."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from rich.table import Table

from bots.cli_support import plain_console, settings_or_exit
from bots.wording import counted


def inbox_app() -> typer.Typer:
    app = typer.Typer(
        help="The inbox: updates stored at ack time, waiting for the desk or parked.",
        no_args_is_help=True,
    )

    @app.command("list")
    def list_(
        limit: int = 50,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    ) -> None:
        """How many updates wait, and the parked ones with their last error."""
        from bots.wiring import open_database
        from core.storage.inbox_store import InboxRecords, ParkedUpdate

        async def fetch() -> tuple[dict[str, int], list[ParkedUpdate]]:
            async with open_database(settings_or_exit()) as db, db.transaction() as conn:
                records = InboxRecords(conn)
                return await records.depth(), await records.failed(limit)

        depth, failed = asyncio.run(fetch())
        if as_json:
            rows = [row.to_json() for row in failed]
            print(json.dumps({"depth": depth, "failed": rows}, ensure_ascii=False, indent=2))
            return
        typer.echo(f"waiting: {depth.get('pending', 0)}, parked: {depth.get('failed', 0)}")
        if failed:
            table = Table()
            for column in ("id", "platform", "update", "attempts", "received", "error"):
                table.add_column(column)
            for row in failed:
                table.add_row(
                    str(row.id),
                    row.platform,
                    row.update_id,
                    str(row.attempts),
                    row.received_at.strftime("%Y-%m-%d %H:%M:%S"),
                    (row.last_error or "")[:80],
                )
            plain_console().print(table)

    @app.command()
    def retry() -> None:
        """Queue every parked update again (after deploying a fix); a running worker applies it."""
        from bots.wiring import open_database
        from core.desk import utc_now
        from core.storage.inbox_store import InboxRecords

        async def go() -> int:
            async with open_database(settings_or_exit()) as db, db.transaction() as conn:
                return await InboxRecords(conn).retry_failed(utc_now())

        typer.echo(f"{counted(asyncio.run(go()), 'update')} queued again")

    @app.command()
    def prune(
        older_than_days: Annotated[
            float, typer.Option(min=2.0, help="keep at least this long (platforms redeliver)")
        ] = 7.0,
    ) -> None:
        """Forget the dedupe keys of updates older than this (applied ones only)."""
        from datetime import timedelta

        from bots.wiring import open_database
        from core.desk import utc_now
        from core.storage.inbox_store import InboxRecords

        async def go() -> int:
            async with open_database(settings_or_exit()) as db, db.transaction() as conn:
                cutoff = utc_now() - timedelta(days=older_than_days)
                return await InboxRecords(conn).forget_keys(cutoff)

        typer.echo(f"{counted(asyncio.run(go()), 'update key')} forgotten")

    return app
