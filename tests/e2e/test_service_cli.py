"""`helpdesk service check`: the shipped example passes, a mistake is named with its line."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console import ROOT, helpdesk


def test_service_check_accepts_the_example_and_names_a_mistake_with_its_line(
    tmp_path: Path,
) -> None:
    ok = helpdesk(["service", "check", str(ROOT / "service.example.yaml")], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "ok (1 calendars, 3 teams, 3 SLA policies)" in ok.stdout

    broken = tmp_path / "service.yaml"
    broken.write_text(
        "calendars:\n  office: {timezone: Europe/Warsaw}\nslas:\n"
        "  - {name: default, first_response: soon, calendar: office}\n",
        encoding="utf-8",
    )
    bad = helpdesk(["service", "check"], tmp_path, HELPDESK_SERVICE_FILE=str(broken))
    assert bad.returncode == 1
    assert f"{broken}:4: slas[0].first_response: not a duration like 30m" in bad.stderr

    # A bad file stops the bot at start with the same lines, before anything runs.
    run = helpdesk(
        ["run", "--adapter", "console"], tmp_path, "/quit\n", HELPDESK_SERVICE_FILE=str(broken)
    )
    assert run.returncode != 0
    assert f"{broken}:4:" in run.stderr
