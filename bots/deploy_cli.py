"""`helpdesk service check` and `helpdesk db upgrade`: the configuration and the schema a
deployment starts from."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bots.cli_support import settings_or_exit
from bots.progress import Advance, progress_bar


def service_app() -> typer.Typer:
    app = typer.Typer(help="The service desk's configuration.", no_args_is_help=True)

    @app.command("check")
    def check(
        path: Annotated[
            Path | None, typer.Argument(help="the file; HELPDESK_SERVICE_FILE when omitted")
        ] = None,
    ) -> None:
        """Validate the service file: every problem as FILE:LINE: what is wrong (exit 1)."""
        from core.service.loader import ServiceFileError, read_service_file

        target = path or settings_or_exit().service_file
        if not target.is_file():
            typer.secho(f"{target}: no such file (the built-in defaults apply)", err=True)
            raise typer.Exit(1)
        try:
            config = read_service_file(target)
        except ServiceFileError as error:
            typer.secho(str(error), err=True, fg="red")
            raise typer.Exit(1) from None
        print(
            f"{target}: ok ({len(config.calendars)} calendars, {len(config.teams)} teams, "
            f"{len(config.slas)} SLA policies)"
        )

    return app


def db_app() -> typer.Typer:
    app = typer.Typer(help="The database.", no_args_is_help=True)

    @app.command()
    def upgrade() -> None:
        """Apply every pending migration (safe to run again)."""
        from bots.wiring import open_database

        settings = settings_or_exit()

        async def go(advance: Advance) -> None:
            async with open_database(settings, advance):
                pass

        with progress_bar("upgrading the database") as advance:  # migrations applied
            asyncio.run(go(advance))
        typer.echo("database is up to date")

    return app
