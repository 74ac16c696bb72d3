"""`helpdesk people show|link|unlink`: a requester's profile, and linking identities by hand."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer

from bots.cli_support import plain_console, settings_or_exit
from core.events import PersonProfile
from core.storage.db import Database

T = TypeVar("T")


def _with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run `work` on the configured database; a person not found exits 1 with the reason."""
    from bots.wiring import open_database
    from core.people import PersonNotFound

    async def go() -> T:
        async with open_database(settings_or_exit()) as db:
            return await work(db)

    try:
        return asyncio.run(go())
    except PersonNotFound as error:
        typer.secho(str(error), err=True, fg="red")
        raise typer.Exit(1) from error


def people_app() -> typer.Typer:
    app = typer.Typer(
        help="People: profiles, and one person across platforms.", no_args_is_help=True
    )

    @app.command("show")
    def show(
        who: Annotated[str, typer.Argument(help="a person id, platform:user_id, user id or name")],
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    ) -> None:
        """A requester's profile: platforms, language, tickets, recent questions, ratings."""
        from core.people import person_profile, profile_json
        from core.presenter import profile_lines

        lang = settings_or_exit().lang
        profile: PersonProfile = _with_database(lambda db: person_profile(db, who, lang))
        if as_json:
            print(json.dumps(profile_json(profile), ensure_ascii=False, indent=2))
            return
        console = plain_console()
        for line in profile_lines(lang, profile):
            console.print(line, markup=False, highlight=False)

    @app.command("link")
    def link(
        first: Annotated[str, typer.Argument(help="the person who stays (id, platform:user_id)")],
        second: Annotated[str, typer.Argument(help="the identity that joins them")],
    ) -> None:
        """Make two identities one person (what `/link` does with a code)."""
        from core.people import link_by_operator

        now = datetime.now(UTC)
        person = _with_database(lambda db: link_by_operator(db, first, second, now))
        typer.echo(f"linked: {second} is now part of person {person.canonical_id}")

    @app.command("unlink")
    def unlink(
        who: Annotated[str, typer.Argument(help="the identity to take out (id, platform:user_id)")],
    ) -> None:
        """Make an identity a person of its own again; its tickets stay with it."""
        from core.people import unlink_by_operator

        now = datetime.now(UTC)
        identity = _with_database(lambda db: unlink_by_operator(db, who, now))
        typer.echo(f"unlinked: {identity.platform}:{identity.user_id} is a person of its own")

    return app
