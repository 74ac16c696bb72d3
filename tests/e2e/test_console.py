"""A new user's first session: the real CLI, piped input, the sample FAQ, SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LIFE_CYCLE = """\
/as alice
How do I connect to the VPN?
/ticket my laptop does not boot
/agent bob
/claim 1
/reply 1 hold the power button
/note 1 probably the battery
/as alice
it works now
/agent bob
/resolve 1
/as alice
/rate 1 5
/quit
"""


def helpdesk(
    args: list[str], tmp_path: Path, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}",
        "HELPDESK_FAQ_DIR": str(ROOT / "faq"),
        "HELPDESK_LANG": "en",
        **settings,
    }
    for key in ("SLACK_BOT_TOKEN", "TELEGRAM_BOT_TOKEN", "SLACK_APP_TOKEN"):
        env.pop(key, None)
    return subprocess.run(
        [sys.executable, "-m", "bots", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_a_piped_life_cycle_relays_to_the_right_people(tmp_path: Path) -> None:
    run = helpdesk(["run", "--adapter", "console"], tmp_path, LIFE_CYCLE)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    heads = [line for line in lines if line.startswith("[")]

    # The FAQ answered the question, to alice.
    assert heads[0] == "[to alice] Connecting to the VPN"
    assert (
        "[to alice] Ticket #1 opened: “my laptop does not boot”. An agent will reply here." in heads
    )
    assert any(
        h.startswith("[agents #1] New ticket | Ticket #1: my laptop does not boot") for h in heads
    )
    assert "[to alice] bob is now handling your ticket #1." in heads
    assert "[to alice] bob (#1): hold the power button" in heads
    assert "[agents #1] alice: it works now" in heads
    assert any(h.startswith("[to alice] Your ticket #1 was resolved by bob.") for h in heads)
    assert "[to alice] Thank you! You rated ticket #1 5/5." in heads
    # The internal note went nowhere but to its author's confirmation.
    assert not any("battery" in line for line in lines)
    # Order: the ticket is opened before it is claimed, the reply after the claim.
    order = [
        heads.index(
            "[to alice] Ticket #1 opened: “my laptop does not boot”. An agent will reply here."
        ),
        heads.index("[to alice] bob is now handling your ticket #1."),
        heads.index("[to alice] bob (#1): hold the power button"),
        heads.index("[agents #1] alice: it works now"),
    ]
    assert order == sorted(order)

    show = helpdesk(["tickets", "show", "1", "--json"], tmp_path)
    assert show.returncode == 0, show.stderr
    detail = json.loads(show.stdout)
    assert detail["state"] == "resolved"
    assert detail["assignee"]["name"] == "bob"
    assert detail["rating"] == 5
    assert [(m["author"]["name"], m["visibility"], m["text"]) for m in detail["messages"]] == [
        ("alice", "public", "my laptop does not boot"),
        ("bob", "public", "hold the power button"),
        ("bob", "internal", "probably the battery"),
        ("alice", "public", "it works now"),
    ]


def test_bad_input_gets_a_clear_reply_and_the_bot_keeps_running(tmp_path: Path) -> None:
    script = "/as alice\n/frobnicate\n/claim 99\n/reply\n/resolve 1\n/agent bob\n/claim 99\n/as alice\n/status\n/quit\n"
    run = helpdesk(["run", "--adapter", "console"], tmp_path, script)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "[to alice] Unknown command /frobnicate. Type /help for the list.",
        "[to alice] Only agents can do that.",
        "[to alice] Usage: /reply N TEXT",
        "[to alice] Only agents can do that.",
        "[to bob] There is no ticket #99 that you can see.",
        "[to alice] Your tickets:",
        "             (none)",
    ]


def test_faq_search_line_protocol(tmp_path: Path) -> None:
    run = helpdesk(
        ["faq", "search", "-", "--json"],
        tmp_path,
        "How do I connect to the VPN?\nJak złożyć wniosek o urlop?\n\n",
    )
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(rows) == 3
    for row in rows:
        assert set(row) == {"query", "lang", "decision", "results"}
        assert len(row["results"]) <= 3
        assert all(
            0.0 <= r["score"] <= 1.0 and set(r) == {"id", "title", "score"} for r in row["results"]
        )
    assert rows[0]["results"][0]["id"] == "vpn-access"
    assert rows[1]["lang"] == "pl" and rows[1]["results"][0]["id"] == "vacation-request"
    assert rows[2]["decision"] == "none" and rows[2]["results"] == []


def test_a_wrong_faq_folder_or_database_is_one_clear_line(tmp_path: Path) -> None:
    no_faq = helpdesk(["run"], tmp_path, "/quit\n", HELPDESK_FAQ_DIR=str(tmp_path / "nowhere"))
    no_db = helpdesk(
        ["run"],
        tmp_path,
        "/quit\n",
        # port 9 (discard): nothing listens there
        HELPDESK_DATABASE_URL="postgresql+asyncpg://helpdesk:s3cret@127.0.0.1:9/helpdesk",
    )
    for run, says in (
        (no_faq, "knowledge base (HELPDESK_FAQ_DIR): "),
        (no_db, "cannot use the database (HELPDESK_DATABASE_URL): "),
    ):
        assert run.returncode == 1
        assert run.stderr.startswith(says), run.stderr
        assert len(run.stderr.strip().splitlines()) == 1  # no traceback
        assert "s3cret" not in run.stderr
    assert "nowhere" in no_faq.stderr


def test_small_talk_is_answered_in_kind_in_the_persons_language(tmp_path: Path) -> None:
    said = "cześć!\nспасибо!\nthanks a lot, Anna\n👍\n/quit\n"
    result = helpdesk(["run", "--adapter", "console"], tmp_path, said)
    assert result.returncode == 0, result.stderr
    assert "Zadaj mi pytanie" in result.stdout
    assert "Пожалуйста!" in result.stdout
    assert "You're welcome!" in result.stdout
    assert "Hello!" not in result.stdout  # thanks and a thumbs-up are not greeted
    assert "open a ticket" not in result.stdout.lower()


def test_a_question_nothing_matches_gets_the_ticket_offer_in_the_language_it_is_asked_in(
    tmp_path: Path,
) -> None:
    asked = "jak zresetować hasło?\nwhich wine goes best with grilled salmon?\n/quit\n"
    result = helpdesk(["run", "--adapter", "console"], tmp_path, asked)
    assert result.returncode == 0, result.stderr
    assert "Nie mam jeszcze odpowiedzi" not in result.stdout
    assert "I don't have an answer to that yet" in result.stdout


def test_a_person_who_chose_a_language_gets_the_ticket_offer_in_it(tmp_path: Path) -> None:
    asked = "/lang pl\nwhich wine goes best with grilled salmon?\n/quit\n"
    result = helpdesk(["run", "--adapter", "console"], tmp_path, asked)
    assert result.returncode == 0, result.stderr
    assert "Nie mam jeszcze odpowiedzi" in result.stdout


TRIAGE = """\
/as alice
/ticket
1
2
4
3
/skip
the projector in room 4 does not turn on
/quit
"""


def test_a_ticket_without_text_walks_the_triage_and_opens_with_its_details(
    tmp_path: Path,
) -> None:
    """Kind, area (its FAQ entries first), impact, urgency, the description; then the ticket."""
    run = helpdesk(["run", "--adapter", "console"], tmp_path, TRIAGE)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for question in (
        "What is it?",
        "Which area is it about?",
        "These answers may already help:",
        "How many people does it stop?",
        "How soon does it matter?",
        "Describe the problem in one message.",
    ):
        assert question in out, out
    assert "1. Something is broken" in out and "4. None of these, I want a person" in out
    assert "Ticket #1 opened: “the projector in room 4 does not turn on”" in out
    shown = helpdesk(["tickets", "show", "1", "--json"], tmp_path)
    ticket = json.loads(shown.stdout)
    assert (ticket["kind"], ticket["category"], ticket["impact"], ticket["urgency"]) == (
        "incident",
        "it",
        "low",
        None,
    )
    assert (ticket["priority"], ticket["team"]) == ("P4", "general")
    assert ticket["sla"]["policy"] == "default"


FOLLOW_UPS = """\
/as alice
/ticket my laptop does not boot
1
1
2
/as carol
/ticket the coffee machine leaks
it is on floor 2
1
/quit
"""


def test_a_ticket_with_text_opens_at_once_then_asks_what_is_unknown(tmp_path: Path) -> None:
    """The FAQ named the area; what it is, impact and urgency follow as optional questions.
    A message instead of an answer ends them and goes to the ticket."""
    run = helpdesk(["run", "--adapter", "console"], tmp_path, FOLLOW_UPS)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    opened = out.index("[to alice] Ticket #1 opened")
    assert opened < out.index("[to alice] To help the agents with ticket #1 (optional):")
    assert (
        "(type a number, or /skip to stop the questions; anything else goes to the ticket)" in out
    )
    for question in ("What is it?", "How many people does it stop?", "How soon does it matter?"):
        assert question in out[opened:], out
    assert "Thank you. An agent will reply to ticket #1 here." in out
    alice = json.loads(helpdesk(["tickets", "show", "1", "--json"], tmp_path).stdout)
    assert (alice["category"], alice["kind"], alice["impact"], alice["urgency"]) == (
        "it",
        "incident",
        "high",
        "medium",
    )
    assert alice["priority"] == "P2"  # the matrix: high impact, medium urgency
    assert [e["actor"] for e in alice["audit"] if e["action"] == "triaged"] == ["alice"] * 3

    assert "[agents #2] carol: it is on floor 2" in out
    assert "[agents #2] carol: 1" in out  # the questions had ended: a message like any other
    carol = json.loads(helpdesk(["tickets", "show", "2", "--json"], tmp_path).stdout)
    assert carol["kind"] is None
