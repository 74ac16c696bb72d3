"""`helpdesk outbox list|retry|purge`: see undelivered and dead messages, act on them."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from bots.cli_support import plain_console, settings_or_exit
from bots.wording import counted


class StatusChoice(StrEnum):
    pending = "pending"
    sent = "sent"
    dead = "dead"
    all = "all"


def outbox_app() -> typer.Typer:
    app = typer.Typer(
        help="The outbox: messages waiting, sent, or dead-lettered.", no_args_is_help=True
    )

    @app.command("list")
    def list_(
        status: Annotated[
            StatusChoice | None,
            typer.Option(help="which rows; default: pending and dead (what needs attention)"),
        ] = None,
        platform: Annotated[str | None, typer.Option(help="only this platform")] = None,
        limit: int = 50,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    ) -> None:
        """List outbox rows, newest first, with their last error, and a count per status."""
        from bots.wiring import open_database
        from core.outbox_admin import list_rows, status_counts
        from core.storage.outbox_store import OutboxRow, Status

        statuses: tuple[Status, ...] | None
        if status is None:
            statuses = ("pending", "dead")
        elif status is StatusChoice.all:
            statuses = None
        else:
            statuses = (status.value,)  # type: ignore[assignment]

        async def fetch() -> tuple[list[OutboxRow], dict[str, int]]:
            async with open_database(settings_or_exit()) as db:
                rows = await list_rows(db, statuses=statuses, platform=platform, limit=limit)
                return rows, await status_counts(db, platform)

        rows, counts = asyncio.run(fetch())
        if as_json:
            print(json.dumps([_row_json(row) for row in rows], ensure_ascii=False, indent=2))
            return
        console = plain_console()
        if rows:
            table = Table()
            for column in ("id", "platform", "to", "kind", "status", "attempts", "created"):
                table.add_column(column)
            table.add_column("error", overflow="fold")
            for row in rows:
                table.add_row(
                    str(row.id),
                    row.platform,
                    row.target_key,
                    row.kind,
                    row.status,
                    str(row.attempts),
                    row.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    (row.last_error or "")[:80],
                )
            console.print(table)
        console.print(summary_line(counts, platform))

    @app.command()
    def retry(
        ids: Annotated[list[int] | None, typer.Argument(help="row ids; omit with --all")] = None,
        all_dead: Annotated[bool, typer.Option("--all", help="every dead letter")] = False,
        platform: Annotated[str | None, typer.Option(help="only this platform")] = None,
    ) -> None:
        """Send dead letters again (after fixing what made them fail)."""
        from bots.wiring import open_database
        from core.desk import utc_now
        from core.outbox_admin import retry_dead

        if not ids and not all_dead:
            typer.secho("give row ids or --all", err=True, fg="red")
            raise typer.Exit(2)

        async def go() -> int:
            async with open_database(settings_or_exit()) as db:
                return await retry_dead(db, utc_now(), ids=ids or (), platform=platform)

        typer.echo(f"{counted(asyncio.run(go()), 'row')} queued again")

    @app.command()
    def purge(
        ids: Annotated[list[int] | None, typer.Argument(help="row ids (sent or dead)")] = None,
        dead: Annotated[bool, typer.Option(help="also dead letters")] = False,
        older_than_days: Annotated[float, typer.Option(help="age of rows to delete")] = 7.0,
    ) -> None:
        """Delete delivered rows (and with --dead, dead letters); pending rows are never touched."""
        from bots.wiring import open_database
        from core.desk import utc_now
        from core.outbox_admin import purge
        from core.storage.outbox_store import Status

        statuses: tuple[Status, ...] = ("sent", "dead") if dead or ids else ("sent",)

        async def go() -> int:
            async with open_database(settings_or_exit()) as db:
                return await purge(
                    db,
                    utc_now(),
                    statuses=statuses,
                    older_than=timedelta(days=older_than_days),
                    ids=ids or (),
                )

        typer.echo(f"{counted(asyncio.run(go()), 'row')} deleted")

    return app


def _row_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "platform": row.platform,
        "target": row.target_key,
        "kind": row.kind,
        "status": row.status,
        "attempts": row.attempts,
        "created_at": row.created_at.isoformat(),
        "next_attempt_at": row.next_attempt_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "dead_at": row.dead_at.isoformat() if row.dead_at else None,
        "last_error": row.last_error,
    }


def summary_line(counts: dict[str, int], platform: str | None) -> str:
    """`outbox: 2 pending, 1 dead, 40 sent` (of one platform when asked for one)."""
    where = f"outbox ({platform})" if platform else "outbox"
    parts = [f"{counts.get(status, 0)} {status}" for status in ("pending", "dead", "sent")]
    return f"{where}: {', '.join(parts)}"
