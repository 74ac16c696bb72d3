"""What every `helpdesk` subcommand shares: settings or a clear error, and literal output."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console

from bots.settings import Settings, describe_settings_errors


def settings_or_exit() -> Settings:
    """The settings, or one line per bad key (its name and what is wrong, never its value)."""
    try:
        return Settings()
    except ValidationError as error:
        for line in describe_settings_errors(error):
            typer.secho(f"configuration error: {line}", err=True, fg="red")
        raise typer.Exit(1) from None


def plain_console() -> Console:
    """A console that prints stored text as it is: no Rich markup, emoji codes or highlighting.

    Subjects, names and messages come from people; `[/bold]` or `:ticket:` in them
    is text, not an instruction to the terminal.
    """
    return Console(markup=False, emoji=False, highlight=False)
