"""`helpdesk report --format json` on a scripted console history gives the numbers a lead
can check by hand (the README's "Report metrics" say why each is what it is)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bots.cli import create_app
from core.reporting import DEFINITIONS
from tests.reporting.console_history import START_OF_SCRIPT, console_script, lead_week

SINCE = START_OF_SCRIPT.isoformat()
UNTIL = "2026-03-03T09:00:00+00:00"  # a day after the script started


async def _report(*args: str) -> str:
    result = await asyncio.to_thread(
        CliRunner().invoke, create_app(), ["report", "--since", SINCE, "--until", UNTIL, *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
async def lead_history(tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'history.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(small_kb))
    monkeypatch.setenv("HELPDESK_SLA_UNCLAIMED_MINUTES", "30")
    monkeypatch.setenv("HELPDESK_SLA_REPLY_MINUTES", "240")
    async with console_script(url, small_kb) as script:
        await lead_week(script)


async def test_the_scripted_history_adds_up(lead_history: None) -> None:
    report: dict[str, Any] = json.loads(await _report("--format", "json"))
    assert report["period"] == {"since": SINCE, "until": UNTIL}
    # Five questions; "hi" and "thanks!" are small talk, not questions.
    assert report["questions"] == {
        "asked": 5, "answered": 3, "suggested": 0, "none": 2, "chitchat": 2
    }  # fmt: skip
    # Alice's (That helped) and Carol's answers stood; Dave wanted a human.
    assert report["deflection"] == {
        "deflected": 2, "confirmed": 1, "rate": 0.4, "confirmed_rate": 0.2
    }  # fmt: skip
    tickets = report["tickets"]
    assert {k: tickets[k] for k in ("opened", "resolved", "reopened", "cancelled", "backlog")} == {
        "opened": 2, "resolved": 1, "reopened": 1, "cancelled": 0, "backlog": 1
    }  # fmt: skip
    assert tickets["reopen_rate"] == 1.0
    assert tickets["backlog_by_age"]["4-24h"] == 1  # Frank's, opened 23 h 56 min before the end
    # Ticket 1: opened at 09:02, first reply 09:20, last resolution 10:00.
    assert report["first_response"]["p50_seconds"] == report["first_response"]["p90_seconds"]
    assert report["first_response"]["p50_seconds"] == 18 * 60
    assert report["resolution"]["p50_seconds"] == 58 * 60
    # Ticket 1 kept both targets; Frank's ticket, never answered, breached both.
    assert report["sla"] == {"due": 4, "met": 2, "breached": 2, "compliance": 0.5}
    assert report["sla_by_target"]["claim"] == {
        "due": 2, "met": 1, "breached": 1, "compliance": 0.5
    }  # fmt: skip
    assert [(b["ticket"], b["target"], b["met_at"]) for b in report["breaches"]] == [
        (2, "claim", None),
        (2, "first_response", None),
    ]
    # Rated 2 then 4 (the 4 counts), reopened, resolved again and rated 5: two ratings.
    assert report["csat"]["ratings"] == 2 and report["csat"]["mean"] == 4.5
    assert report["unanswered"] == [{"example": "the coffee machine leaks", "count": 2}]
    entries = {e["id"]: e for e in report["faq_entries"]}
    assert entries["vpn-access"] == {
        "id": "vpn-access", "shown": 2, "suggested": 0, "helped": 1, "escalated": 1
    }  # fmt: skip
    assert entries["vacation-request"]["shown"] == 1
    assert entries["vacation-request"]["escalated"] == 0
    bob = next(a for a in report["agents"] if a["name"] == "bob")
    assert (bob["claimed"], bob["resolved"]) == (1, 1)
    assert bob["first_response_p50_seconds"] == 18 * 60 and bob["csat"]["mean"] == 4.5
    # Without a service file every ticket is in the built-in team, as on its card.
    assert [t["name"] for t in report["teams"]] == ["general"]


async def test_the_trend_splits_the_same_numbers_by_day(lead_history: None) -> None:
    report = json.loads(
        await _report("--format", "json", "--by", "day", "--until", "2026-03-05T00:00:00+00:00")
    )
    points = report["trend"]["points"]
    assert [p["period"]["since"][:10] for p in points] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert [p["questions"]["asked"] for p in points] == [5, 0, 0]
    assert [p["tickets"]["backlog"] for p in points] == [1, 1, 1]  # Frank's waits on
    assert [p["csat"]["ratings"] for p in points] == [2, 0, 0]
    csv_text = await _report("--format", "csv", "--by", "day", "--until", "2026-03-05")
    header, period, *days = csv_text.strip().splitlines()
    assert header.startswith("scope,period.since,period.until,questions.asked")
    assert period.startswith("period,") and len(days) == 3


async def test_reopening_keeps_every_rating(lead_history: None) -> None:
    text = await _report("--format", "text")
    assert "CSAT (latest rating per resolution)" in text and "4.5 from 2" in text
    assert "Tickets reopened" in text


async def test_explain_defines_every_reported_section() -> None:
    result = await asyncio.to_thread(CliRunner().invoke, create_app(), ["report", "--explain"])
    assert result.exit_code == 0
    for section in ("deflection.deflected", "sla", "csat", "tickets.backlog", "unanswered"):
        assert f"\n{section}\n" in f"\n{result.output}"


def test_the_readme_gives_the_same_definitions() -> None:
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    for name, text in DEFINITIONS:
        assert f"| `{name}` | {text} |" in readme, name


async def test_a_tighter_first_response_target_turns_a_slow_answer_into_a_breach(
    lead_history: None,
) -> None:
    report = json.loads(await _report("--format", "json", "--sla-minutes", "10"))
    # Dave's ticket waited 18 minutes for its first answer: late against a 10-minute target.
    assert report["sla_by_target"]["first_response"] == {
        "due": 2, "met": 0, "breached": 2, "compliance": 0.0
    }  # fmt: skip
