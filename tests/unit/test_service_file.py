"""The service file: its documented shape loads, mistakes are named with their line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.domain import Level, Priority, TicketKind
from core.service.config import build_service
from core.service.loader import ServiceFileError, parse_service_text, read_service_file

ROOT = Path(__file__).resolve().parents[2]

ISSUE_SHAPE = """\
calendars:
  office:
    timezone: Europe/Warsaw
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
    holidays: ["2026-12-24", "2026-12-25"]
teams:
  it: {categories: [it], slack_channel: C0IT, telegram_chat: -1001234567890, lead: {slack: U0LEAD}}
  facilities: {categories: [facilities], slack_channel: C0FAC}
priority_matrix:            # impact -> urgency -> priority
  high:   {high: P1, medium: P2, low: P3}
  medium: {high: P2, medium: P3, low: P4}
  low:    {high: P3, medium: P4, low: P4}
slas:                       # first match wins; the last one without `match` catches all
  - {name: p1-incident, match: {kind: incident, priority: P1}, first_response: 30m, resolution: 4h, calendar: office}
  - {name: default, first_response: 4h, resolution: 3d, calendar: office}
"""


def test_the_documented_shape_loads_and_routes() -> None:
    service = build_service(parse_service_text(ISSUE_SHAPE), first_response=timedelta(minutes=5))
    assert service.team_of_category("facilities") == "facilities"
    assert service.team_of_category("hr") == "it"  # unlisted: the default (first) team
    assert service.teams["it"].places["slack"] == "C0IT"
    assert service.teams["it"].places["telegram"] == "-1001234567890"
    assert service.teams["it"].leads == {"slack": "U0LEAD"}
    assert service.priority_of(Level.HIGH, Level.HIGH) is Priority.P1
    assert service.priority_of(Level.LOW, Level.MEDIUM) is Priority.P4
    p1 = service.policy_for(TicketKind.INCIDENT, Priority.P1, "it")
    assert p1.name == "p1-incident"
    assert p1.targets == {"first_response": timedelta(minutes=30), "resolution": timedelta(hours=4)}
    assert service.policy_for(TicketKind.REQUEST, Priority.P1, "it").name == "default"


def test_the_shipped_example_is_valid() -> None:
    config = read_service_file(ROOT / "service.example.yaml")
    assert [sla.name for sla in config.slas][-1] == "default"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("slas:\n  - name: x\n    first_response: soon\n", 3, "slas[0].first_response"),
        ("calendars:\n  office:\n    timezone: Mars/Olympus\n", 3, "unknown time zone"),
        ("calendars:\n  o:\n    hours:\n      mon: ['17:00-09:00']\n", 4, "start before"),
        ("calendars:\n  o:\n    hours: {funday: ['09:00-10:00']}\n", 3, "unknown weekday"),
        ("teams:\n  it: {categories: [it], colour: blue}\n", 2, "teams.it.colour"),
        (
            "slas:\n  - {name: a, match: {kind: incident}, first_response: 1h}\n",
            1,
            "the last SLA policy must have no `match`",
        ),
        ("slas:\n  - {name: a, first_response: 1h, calendar: office}\n", 1, "no calendar named"),
        ("priority_matrix:\n  high: {high: P0}\n", 2, "priority_matrix.high.high"),
        ("teams: [it\n", 2, "not valid YAML"),
    ],
)
def test_a_mistake_is_reported_with_its_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ServiceFileError) as caught:
        parse_service_text(text, "service.yaml")
    report = str(caught.value)
    assert f"service.yaml:{line}:" in report, report
    assert fragment in report, report


def test_without_a_file_one_team_handles_every_category_with_the_old_minutes() -> None:
    service = build_service(
        parse_service_text(""),
        first_response=timedelta(minutes=45),
        env_places={"slack": "C0AGENTS"},
    )
    assert list(service.teams) == ["general"]
    assert service.team_of_category("facilities") == "general"
    assert service.teams["general"].places["slack"] == "C0AGENTS"
    policy = service.policy_for(None, Priority.P3, None)
    assert policy.targets == {"first_response": timedelta(minutes=45)}
    assert policy.calendar.always_open
