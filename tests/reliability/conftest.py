"""The fault suite's report: every test states messages sent, lost and duplicated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Tally:
    test: str
    sent: int
    lost: int
    duplicated: int
    note: str = ""


_TALLIES: list[Tally] = []

Report = Callable[..., Tally]


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Report:
    """Record (and return) the tally of one scenario; the summary prints them all."""

    def record(*, sent: int, lost: int, duplicated: int, note: str = "") -> Tally:
        tally = Tally(request.node.name, sent, lost, duplicated, note)
        _TALLIES.append(tally)
        request.node.user_properties.append(("delivery", tally.__dict__))
        return tally

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _TALLIES:
        return
    terminalreporter.section("delivery tally (sent / lost / duplicated)")
    for tally in _TALLIES:
        note = f"  ({tally.note})" if tally.note else ""
        terminalreporter.write_line(
            f"{tally.test}: sent={tally.sent} lost={tally.lost} duplicated={tally.duplicated}{note}"
        )
