"""What every `helpdesk` subcommand shares: settings, or a clear error and exit code 2."""

from __future__ import annotations

import typer

from bots.settings import Settings


def settings_or_exit() -> Settings:
    try:
        return Settings()
    except Exception as error:  # pydantic's message names the bad key, never its value
        typer.secho(f"configuration error: {error}", err=True, fg="red")
        raise typer.Exit(2) from error
