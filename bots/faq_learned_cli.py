"""`helpdesk faq learned [--json]` and `helpdesk faq learned remove ID`: the phrasings the
FAQ learned from resolved tickets and helpful suggestions, and its misses (direct answers
after which the person asked for a human, source "missed")."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer
from rich.table import Table

from bots.cli_support import plain_console, settings_or_exit
from core.storage.learned_records import LearnedRow


async def _rows() -> list[LearnedRow]:
    from bots.wiring import open_database
    from core.storage.repository import Repository

    settings = settings_or_exit()
    async with open_database(settings) as db, db.transaction() as conn:
        return await Repository(conn, settings.lang).learned_rows()


async def _remove(learned_id: int) -> bool:
    from bots.wiring import open_database
    from core.storage.repository import Repository

    settings = settings_or_exit()
    async with open_database(settings) as db, db.transaction() as conn:
        return await Repository(conn, settings.lang).remove_learned(learned_id)


def _row_json(row: LearnedRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "entry_id": row.phrasing.entry_id,
        "lang": row.phrasing.lang,
        "text": row.phrasing.text,
        "source": row.source,
        "ticket": row.ticket_number,
        "query_id": row.query_id,
        "created_at": row.created_at.isoformat(),
    }


def learned_app() -> typer.Typer:
    app = typer.Typer(
        help="Phrasings learned from resolved tickets and helpful suggestions, and misses."
    )

    @app.callback(invoke_without_command=True)
    def show(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    ) -> None:
        """List the learned phrasings and misses (source "missed"), oldest first."""
        if ctx.invoked_subcommand is not None:
            return
        rows = asyncio.run(_rows())
        if as_json:
            print(json.dumps([_row_json(row) for row in rows], ensure_ascii=False, indent=2))
            return
        table = Table()
        for column in ("id", "entry", "lang", "source", "ticket", "text"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                str(row.id),
                row.phrasing.entry_id,
                row.phrasing.lang,
                row.source,
                str(row.ticket_number or ""),
                row.phrasing.text,
            )
        plain_console().print(table)

    @app.command()
    def remove(learned_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
        """Forget one learned phrasing or miss (running bots drop it within a minute)."""
        if not asyncio.run(_remove(learned_id)):
            typer.secho(f"no learned phrasing {learned_id}", err=True, fg="red")
            raise typer.Exit(1)
        typer.echo(f"removed learned phrasing {learned_id}")

    return app
