"""The console's people are a platform of their own: a person links two console names
with `/link`, as they would link Slack and Telegram, and the operator sees one profile."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.e2e.test_console import helpdesk

CODE = re.compile(r"/link ([A-Z0-9]{4}-[A-Z0-9]{4})")


def test_two_console_names_linked_with_a_code_are_one_person(tmp_path: Path) -> None:
    first = helpdesk(
        ["run", "--adapter", "console"],
        tmp_path,
        "/as anna\n/ticket my laptop does not boot\n/lang pl\n/link\n/quit\n",
    )
    assert first.returncode == 0, first.stderr
    match = CODE.search(first.stdout)
    assert match is not None, first.stdout

    second = helpdesk(
        ["run", "--adapter", "console"],
        tmp_path,
        f"/as anna_phone\n/ticket printer jams\n/link {match.group(1)}\n/status\n/quit\n",
    )
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert "[to anna_phone] Połączono z Twoim kontem anna (konsola)." in out
    status = out[out.index("Twoje zgłoszenia:") :]
    assert (
        "#2 [otwarte] printer jams" in status and "#1 [otwarte] my laptop does not boot" in status
    )

    shown = helpdesk(["people", "show", "anna_phone", "--json"], tmp_path)
    assert shown.returncode == 0, shown.stderr
    profile = json.loads(shown.stdout)
    assert [i["user_id"] for i in profile["identities"]] == ["anna", "anna_phone"]
    assert [t["number"] for t in profile["open_tickets"]] == [2, 1]
    assert profile["lang"] == "pl"


def test_the_profile_names_the_ticket_a_question_became_when_its_asker_wanted_a_person(
    tmp_path: Path,
) -> None:
    session = (
        "/as zoe\nhow do I connect to the vpn?\n/helped\n"
        "/new my chair squeaks loudly\n/human\n/skip\n/quit\n"
    )
    run = helpdesk(["run", "--adapter", "console"], tmp_path, session)
    assert run.returncode == 0, run.stderr
    assert "[to zoe] Ticket #1 opened" in run.stdout

    shown = helpdesk(["people", "show", "zoe"], tmp_path)
    assert shown.returncode == 0, shown.stderr
    lines = " ".join(shown.stdout.split())  # the table wraps long lines
    assert "“my chair squeaks loudly”: " in lines
    assert "; asked for a person: ticket #1" in lines
    assert "“how do I connect to the vpn?”: answered with vpn-access; it helped" in lines
