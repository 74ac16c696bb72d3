"""`helpdesk tickets list|show`: tickets and their conversations, read from the database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from bots.cli_support import plain_console, settings_or_exit
from bots.ticket_text import age_text, ticket_lines
from core.domain import TicketState


def tickets_app() -> typer.Typer:
    app = typer.Typer(help="Look at tickets.", no_args_is_help=True)

    @app.command("list")
    def list_(
        state: Annotated[TicketState | None, typer.Option(help="only this state")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
        breaching: Annotated[
            bool, typer.Option("--breaching", help="only active tickets breached or near a target")
        ] = False,
        limit: int = 100,
    ) -> None:
        """List tickets, newest first."""
        from bots.wiring import checked_service, open_database
        from core.queries import TicketSummary, list_tickets

        settings = settings_or_exit()
        service = checked_service(settings)

        async def fetch() -> list[TicketSummary]:
            async with open_database(settings) as db:
                return await list_tickets(
                    db, state=state, limit=limit, service=service, breaching=breaching
                )

        rows = asyncio.run(fetch())
        if as_json:
            print(json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=2))
            return
        now = datetime.now(UTC)
        table = Table()
        for column in ("#", "state", "priority", "team", "age", "requester", "assignee", "subject"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                str(row.number),
                row.state.value,
                row.priority.value,
                row.team or "-",
                age_text(now - row.created_at),
                row.requester.name,
                row.assignee.name if row.assignee else "-",
                row.subject,
            )
        plain_console().print(table)

    @app.command("show")
    def show(
        number: int,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    ) -> None:
        """One ticket with its whole conversation (internal notes marked)."""
        from bots.wiring import checked_service, open_database
        from core.queries import TicketDetail, ticket_detail

        settings = settings_or_exit()
        service = checked_service(settings)

        async def fetch() -> TicketDetail | None:
            async with open_database(settings) as db:
                return await ticket_detail(db, number, service)

        detail = asyncio.run(fetch())
        if detail is None:
            typer.secho(f"no ticket #{number}", err=True, fg="red")
            raise typer.Exit(1)
        if as_json:
            print(json.dumps(detail.to_json(), ensure_ascii=False, indent=2))
            return
        for line in ticket_lines(detail):
            plain_console().print(line)

    return app
