"""Progress bars for long commands, on a terminal only (pipes and logs stay clean)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

Advance = Callable[[int, int], None]
"""Told (done, total); a total of 0 means "not known yet": the bar pulses."""


@contextmanager
def progress_bar(description: str, console: Console | None = None) -> Iterator[Advance]:
    """A bar on stderr while the block runs, when stderr is a terminal; else nothing."""
    shown = console or Console(stderr=True)
    if not shown.is_terminal:
        yield _quiet
        return
    columns = (
        SpinnerColumn(),
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=shown, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield advance


def _quiet(done: int, total: int) -> None:
    return None
