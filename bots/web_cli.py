"""`helpdesk web` (serve the web console) and `helpdesk web user add|list|remove|password`."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from bots.cli_support import settings_or_exit

STDIN_OPTION = typer.Option(
    "--password-stdin", help="read the password from the first line of standard input"
)


class Role(StrEnum):
    agent = "agent"
    lead = "lead"


def _read_password(from_stdin: bool) -> str:
    from adapters.web.auth import MIN_PASSWORD

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise typer.BadParameter(f"the password needs at least {MIN_PASSWORD} characters")
    return password


def _user_app() -> typer.Typer:
    app = typer.Typer(help="Local accounts of the web console.", no_args_is_help=True)

    @app.command("add")
    def add(
        name: str,
        role: Annotated[Role, typer.Option(help="agent: queue and tickets; lead: also reports")],
        password_stdin: Annotated[bool, STDIN_OPTION] = False,
    ) -> None:
        """Add an account (the password is asked for, or read with --password-stdin)."""
        from adapters.web.auth import hash_password
        from bots.wiring import open_database
        from core.storage.web_accounts import WebAccounts

        name = name.strip()
        if not name or len(name) > 64 or any(ch.isspace() for ch in name):
            raise typer.BadParameter("a name is 1 to 64 characters without spaces")
        hashed = hash_password(_read_password(password_stdin))

        async def store() -> bool:
            async with open_database(settings_or_exit()) as db:
                return await WebAccounts(db).add(name, hashed, role.value, datetime.now(UTC))

        if not asyncio.run(store()):
            typer.echo(f"there is already an account named {name}", err=True)
            raise typer.Exit(1)
        typer.echo(f"added {name} ({role.value})")

    @app.command("password")
    def password(name: str, password_stdin: Annotated[bool, STDIN_OPTION] = False) -> None:
        """Set a new password (and unlock the account)."""
        from adapters.web.auth import hash_password
        from bots.wiring import open_database
        from core.storage.web_accounts import WebAccounts

        hashed = hash_password(_read_password(password_stdin))

        async def store() -> bool:
            async with open_database(settings_or_exit()) as db:
                return await WebAccounts(db).set_password(name, hashed)

        if not asyncio.run(store()):
            typer.echo(f"no account named {name}", err=True)
            raise typer.Exit(1)
        typer.echo(f"new password set for {name}")

    @app.command("list")
    def list_() -> None:
        """Accounts, their roles, and which are locked."""
        from bots.wiring import open_database
        from core.storage.web_accounts import WebAccount, WebAccounts

        async def fetch() -> list[WebAccount]:
            async with open_database(settings_or_exit()) as db:
                return await WebAccounts(db).all()

        now = datetime.now(UTC)
        for account in asyncio.run(fetch()):
            locked = account.locked_until is not None and account.locked_until > now
            typer.echo("\t".join([account.username, account.role] + (["locked"] if locked else [])))

    @app.command("remove")
    def remove(name: str) -> None:
        """Remove an account and end its sessions."""
        from bots.wiring import open_database
        from core.storage.web_accounts import WebAccounts

        async def drop() -> bool:
            async with open_database(settings_or_exit()) as db:
                return await WebAccounts(db).remove(name)

        if not asyncio.run(drop()):
            typer.echo(f"no account named {name}", err=True)
            raise typer.Exit(1)
        typer.echo(f"removed {name}")

    return app


def web_app() -> typer.Typer:
    app = typer.Typer(
        help="The web console at /console/ (queue, tickets, reports, knowledge base).",
        invoke_without_command=True,
    )

    @app.callback()
    def serve(ctx: typer.Context) -> None:
        """Serve the web console with every platform whose credentials are set."""
        if ctx.invoked_subcommand is not None:
            return
        from bots.runner import run_adapters

        settings = settings_or_exit()
        names = [name for name in settings.configured_adapters() if name != "console"]
        typer.secho(
            f"web console on http://{settings.http_host}:{settings.http_port}/console/", err=True
        )
        asyncio.run(run_adapters(settings, names, web=True))

    app.add_typer(_user_app(), name="user")
    return app
