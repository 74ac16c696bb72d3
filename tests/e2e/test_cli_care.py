"""The CLI as an operator meets it: tickets to the second with their audit, the outbox's
state at a glance, input files' errors in one line, progress on a terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from bots.progress import progress_bar
from tests.e2e.test_console import LIFE_CYCLE, helpdesk


def test_tickets_show_prints_the_audit_and_the_rating_to_the_second(tmp_path: Path) -> None:
    assert helpdesk(["run", "--adapter", "console"], tmp_path, LIFE_CYCLE).returncode == 0
    shown = helpdesk(["tickets", "show", "1"], tmp_path, COLUMNS="200")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "rating: 5/5" in lines[1]
    audit = lines[lines.index("audit:") + 1 :]
    actions = [re.sub(r"^  \S+ \S+ UTC ", "", line) for line in audit]
    assert actions[0].startswith("opened by alice")
    assert "claimed by bob (assignee=bob)" in actions
    assert "resolved by bob" in actions
    assert "rated by alice (score=5)" in actions
    stamps = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC", shown.stdout)
    assert stamps and not any(stamps), "times to the second, no microseconds"

    listed = helpdesk(["tickets", "list"], tmp_path, COLUMNS="200")
    header = listed.stdout.splitlines()[1]
    for column in ("state", "priority", "age", "requester", "assignee"):
        assert column in header


def test_outbox_list_shows_what_needs_attention_and_a_summary(tmp_path: Path) -> None:
    assert helpdesk(["run", "--adapter", "console"], tmp_path, LIFE_CYCLE).returncode == 0
    attention = helpdesk(["outbox", "list"], tmp_path, COLUMNS="200")
    assert attention.returncode == 0, attention.stderr
    sent = re.fullmatch(r"outbox: 0 pending, 0 dead, (\d+) sent\n", attention.stdout)
    assert sent is not None and int(sent.group(1)) > 5, attention.stdout
    everything = helpdesk(["outbox", "list", "--status", "all"], tmp_path, COLUMNS="200")
    assert "console:ticket:1" in everything.stdout  # as stored, not an emoji code


def test_a_bad_queries_file_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text('{"text": "vpn", "id": "vpn-access"}\nremember to ask about printers\n')
    run = helpdesk(["faq", "calibrate", "--queries", str(notes)], tmp_path)
    assert run.returncode == 1
    assert run.stderr == f"{notes}:2: not JSON: Expecting value\n"
    missing = helpdesk(["faq", "calibrate", "--queries", str(tmp_path / "nope")], tmp_path)
    assert missing.returncode == 1
    assert missing.stderr == f"{tmp_path / 'nope'}: cannot read: No such file or directory\n"


def test_long_commands_show_progress_on_a_terminal_only() -> None:
    shown = io.StringIO()
    terminal = Console(file=shown, force_terminal=True, width=100)
    with progress_bar("calibrating", terminal) as advance:
        for done in range(4):
            advance(done, 3)
    assert "calibrating" in shown.getvalue() and "3/3" in shown.getvalue()

    piped = io.StringIO()
    with progress_bar("calibrating", Console(file=piped, force_terminal=False)) as advance:
        advance(3, 3)
    assert piped.getvalue() == ""
