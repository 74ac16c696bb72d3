"""Stored text is printed as it is: Rich markup in subjects, messages and names is text."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_console import helpdesk

SUBJECT = "disk full, see [/var/log/syslog] [link=https://x]y[/link]"
TEXT = f"{SUBJECT} [/bold] [red]now"
REPLY = "try [bold]this[/bold] :ticket: [/]"
NOTE = "[red]internal[/red] [link=https://evil.example]click[/link]"
AGENT = "bob[red]"

SESSION = f"""\
/ticket {TEXT}
/agent {AGENT}
/claim 1
/reply 1 {REPLY}
/note 1 {NOTE}
/quit
"""

WIDE = {"COLUMNS": "400"}  # one table row per line, so the literal text is on one line


def test_tickets_list_and_show_print_markup_literally(tmp_path: Path) -> None:
    session = helpdesk(["run", "--adapter", "console", "--user", "eve[/bold]"], tmp_path, SESSION)
    assert session.returncode == 0, session.stderr

    listed = helpdesk(["tickets", "list"], tmp_path, **WIDE)
    assert listed.returncode == 0, listed.stderr
    assert SUBJECT in listed.stdout
    assert "eve[/bold]" in listed.stdout and AGENT in listed.stdout
    assert "\x1b]8;" not in listed.stdout  # no terminal hyperlink

    shown = helpdesk(["tickets", "show", "1"], tmp_path, **WIDE)
    assert shown.returncode == 0, shown.stderr
    for text in (TEXT, REPLY, NOTE, "eve[/bold]", AGENT):
        assert text in shown.stdout, text
    assert "\x1b]8;" not in shown.stdout


def test_outbox_and_inbox_lists_survive_markup(tmp_path: Path) -> None:
    session = helpdesk(["run", "--adapter", "console", "--user", "[red]eve"], tmp_path, SESSION)
    assert session.returncode == 0, session.stderr
    outbox = helpdesk(["outbox", "list", "--status", "all"], tmp_path, **WIDE)
    assert outbox.returncode == 0, outbox.stderr
    inbox = helpdesk(["inbox", "list"], tmp_path, **WIDE)
    assert inbox.returncode == 0, inbox.stderr


def test_faq_search_prints_knowledge_base_titles_literally(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    entry = kb / "en" / "markup.md"
    entry.parent.mkdir(parents=True)
    title = "Printer [/bold] jams [link=https://x]y[/link]"
    entry.write_text(
        f"---\nid: markup\ntitle: {json.dumps(title)}\nquestions:\n  - printer jams\n"
        "tags: []\ncategory: it\n---\nOpen the tray.\n",
        encoding="utf-8",
    )
    found = helpdesk(["faq", "search", "printer jams"], tmp_path, HELPDESK_FAQ_DIR=str(kb), **WIDE)
    assert found.returncode == 0, found.stderr
    assert title in found.stdout
