"""`helpdesk report` with a service file counts in the policy's calendar: an office that
is open 09:00-17:00 on weekdays, a first answer over a weekend, a pause, a late resolution."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bots.cli import create_app
from tests.reporting.console_history import console_script

# Europe/Warsaw is UTC+1 in early March (summer time starts on the 29th).
FRIDAY_16_50 = datetime(2026, 3, 6, 15, 50, tzinfo=UTC)
MONDAY_09_20 = datetime(2026, 3, 9, 8, 20, tzinfo=UTC)
MONDAY_10_00 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
MONDAY_11_00 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
TUESDAY_09_00 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
TUESDAY_10_00 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TUESDAY_11_00 = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)

SERVICE = """\
calendars:
  office:
    timezone: Europe/Warsaw
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
teams:
  it: {categories: [it, access], default: true}
  facilities: {categories: [facilities]}
slas:
  - {name: office, first_response: 30m, resolution: 4h, calendar: office}
"""


@pytest.fixture
async def office_week(tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'office.db'}"
    service = tmp_path / "service.yaml"
    service.write_text(SERVICE)
    for name, value in {
        "HELPDESK_DATABASE_URL": url,
        "HELPDESK_FAQ_DIR": str(small_kb),
        "HELPDESK_SERVICE_FILE": str(service),
    }.items():
        monkeypatch.setenv(name, value)
    async with console_script(url, small_kb, HELPDESK_SERVICE_FILE=str(service)) as script:
        moments = (
            (FRIDAY_16_50, ("/as frank", "/ticket the printer on floor 2 is jammed")),
            (MONDAY_09_20, ("/agent bob", "/claim 1", "/reply 1 which tray?", "/kind 1 incident")),
            (MONDAY_10_00, ("/wait 1",)),
            (MONDAY_11_00, ("/as frank", "/reply 1 the lower one")),
            (TUESDAY_09_00, ("/agent bob", "/resolve 1")),
            (TUESDAY_10_00, ("/as frank", "/reopen 1")),
            (TUESDAY_11_00, ("/agent bob", "/resolve 1")),
        )
        for moment, lines in moments:
            script.clock.now = moment
            await script.type(*lines)


async def _report(*args: str) -> dict[str, Any]:
    result = await asyncio.to_thread(
        CliRunner().invoke,
        create_app(),
        ["report", "--since", "2026-03-06", "--until", "2026-03-12", "--format", "json", *args],
    )
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output)
    return report


async def test_business_time_skips_the_weekend_and_the_pause(office_week: None) -> None:
    report = await _report()
    # Friday 16:50-17:00 and Monday 09:00-09:20: 30 business minutes, not 2 days 16 h.
    assert report["first_response"]["p50_seconds"] == 30 * 60
    # To the last resolution, Tuesday 11:00 in Warsaw: Friday 10 min, Monday 8 h less the
    # hour waiting for Frank, Tuesday 09:00-11:00 less the hour it stood resolved.
    assert report["resolution"]["p50_seconds"] == (10 + 7 * 60 + 60) * 60


async def test_each_target_counts_once_and_a_late_resolution_is_one_breach(
    office_week: None,
) -> None:
    report = await _report()
    assert report["sla_by_target"] == {
        "first_response": {"due": 1, "met": 1, "breached": 0, "compliance": 1.0},
        "resolution": {"due": 1, "met": 0, "breached": 1, "compliance": 0.0},
    }
    assert report["sla"] == {"due": 2, "met": 1, "breached": 1, "compliance": 0.5}
    # 4 business hours from Friday 16:50, plus the hour waiting: Monday 13:50 in Warsaw.
    assert [(b["ticket"], b["target"], b["due_at"]) for b in report["breaches"]] == [
        (1, "resolution", "2026-03-09T12:50:00+00:00")
    ]
    assert [t["name"] for t in report["teams"]] == ["it"]
    assert [(k["name"], k["opened"], k["sla"]["breached"]) for k in report["kinds"]] == [
        ("incident", 1, 1)
    ]
    by_day = await _report("--by", "day")
    assert [p["sla"]["breached"] for p in by_day["trend"]["points"]] == [0, 0, 0, 1, 0, 0]


async def test_a_target_kept_early_counts_met_and_a_waiting_ticket_owes_nothing_yet(
    tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'early.db'}"
    service = tmp_path / "service.yaml"
    service.write_text(SERVICE)
    for name, value in {
        "HELPDESK_DATABASE_URL": url,
        "HELPDESK_FAQ_DIR": str(small_kb),
        "HELPDESK_SERVICE_FILE": str(service),
    }.items():
        monkeypatch.setenv(name, value)
    async with console_script(url, small_kb, HELPDESK_SERVICE_FILE=str(service)) as script:
        monday_09_00 = MONDAY_09_20.replace(minute=0)
        moments = (
            (monday_09_00, ("/as frank", "/ticket the printer on floor 2 is jammed")),
            (monday_09_00, ("/as gina", "/ticket the door badge of room 4 does not open")),
            (MONDAY_09_20, ("/agent bob", "/claim 1", "/reply 1 fixed, try now", "/resolve 1")),
            (MONDAY_09_20, ("/claim 2", "/wait 2")),
        )
        for moment, lines in moments:
            script.clock.now = moment
            await script.type(*lines)
    report = await _report()
    # Ticket 1 kept both targets within minutes; ticket 2 has waited for Gina since 09:20
    # (Warsaw 10:20), before either of its targets fell due: its clocks stand still.
    assert report["sla_by_target"] == {
        "first_response": {"due": 1, "met": 1, "breached": 0, "compliance": 1.0},
        "resolution": {"due": 1, "met": 1, "breached": 0, "compliance": 1.0},
    }
    assert report["breaches"] == []


async def test_a_ticket_resolved_while_waiting_keeps_its_resolution_target(
    tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'waiting.db'}"
    service = tmp_path / "service.yaml"
    service.write_text(SERVICE)
    for name, value in {
        "HELPDESK_DATABASE_URL": url,
        "HELPDESK_FAQ_DIR": str(small_kb),
        "HELPDESK_SERVICE_FILE": str(service),
    }.items():
        monkeypatch.setenv(name, value)
    async with console_script(url, small_kb, HELPDESK_SERVICE_FILE=str(service)) as script:
        for moment, lines in (
            (MONDAY_09_20, ("/as frank", "/ticket the printer on floor 2 is jammed")),
            (MONDAY_10_00, ("/agent bob", "/claim 1", "/reply 1 is it on?", "/wait 1")),
            (MONDAY_11_00, ("/resolve 1",)),
        ):
            script.clock.now = moment
            await script.type(*lines)
    report = await _report()
    assert report["sla_by_target"]["resolution"] == {
        "due": 1, "met": 1, "breached": 0, "compliance": 1.0
    }  # fmt: skip
    # Opened 10:20 in Warsaw, waiting from 11:00 until resolved at 12:00: 40 minutes.
    assert report["resolution"]["p50_seconds"] == 40 * 60
