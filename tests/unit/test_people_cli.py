"""`helpdesk people show|link|unlink`: an operator links two accounts by hand and reads the
person's profile as JSON and as text."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from bots.cli import create_app
from core import commands as c
from core.domain import Actor
from core.storage.db import Database
from tests.support import harness_on, person

ANNA_SLACK = Actor(platform="test", user_id="U-anna", display_name="Anna")
ANNA_PHONE = Actor(platform="test", user_id="tg-anna", display_name="Anna K")
ANNA_OTHER = Actor(platform="test", user_id="U-anna-2", display_name="Anna")
BOB = person("bob", agent=True)


async def _invoke(*args: str) -> Result:  # the CLI runs its own event loop
    return await asyncio.to_thread(CliRunner().invoke, create_app(), list(args))


@pytest.fixture
async def two_accounts(tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'people.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(small_kb))
    monkeypatch.setenv("HELPDESK_LANG", "en")
    async with harness_on(Database(url), small_kb) as h:
        await h.do(c.AskQuestion(actor=ANNA_PHONE, text="How do I request vacation?"))
        await h.do(c.OpenTicket(actor=ANNA_SLACK, text="VPN drops every hour"))
        await h.do(c.Resolve(actor=BOB, number=1))
        await h.do(c.Rate(actor=ANNA_SLACK, number=1, score=5))
        await h.do(c.OpenTicket(actor=ANNA_PHONE, text="printer jams"))


async def test_an_operator_links_two_accounts_and_reads_one_profile(two_accounts: None) -> None:
    before = json.loads((await _invoke("people", "show", "tg-anna", "--json")).output)
    assert [t["number"] for t in before["open_tickets"] + before["past_tickets"]] == [2]

    linked = await _invoke("people", "link", "test:U-anna", "tg-anna")
    assert linked.exit_code == 0, linked.output

    shown = await _invoke("people", "show", "tg-anna", "--json")
    assert shown.exit_code == 0, shown.output
    profile = json.loads(shown.output)
    assert profile["name"] == "Anna"
    assert profile["platforms"] == ["test"]
    assert [(i["user_id"], i["name"]) for i in profile["identities"]] == [
        ("U-anna", "Anna"),
        ("tg-anna", "Anna K"),
    ]
    assert [(t["number"], t["state"]) for t in profile["open_tickets"]] == [(2, "open")]
    assert [
        (t["number"], t["state"], t["rating"], t["assignee_name"]) for t in profile["past_tickets"]
    ] == [(1, "resolved", 5, "Bob")]
    assert profile["tickets_total"] == 2
    assert (profile["ratings"], profile["rating_average"]) == ([5], 5.0)
    assert [(q["text"], q["decision"], q["entry_id"]) for q in profile["questions"]] == [
        ("How do I request vacation?", "answer", "vacation-request")
    ]
    # the same person by her other account, by her id
    by_id = json.loads(
        (await _invoke("people", "show", str(profile["person_id"]), "--json")).output
    )
    assert by_id == profile

    text = await _invoke("people", "show", "U-anna")
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0] == "Anna"
    assert "2 tickets · 1 rating, average 5.0/5" in lines
    assert "  #2 [open] printer jams · test" in lines
    assert "  #1 [resolved] VPN drops every hour · test · 5/5" in lines


async def test_unlinking_and_names_that_are_not_one_person(two_accounts: None) -> None:
    await _invoke("people", "link", "U-anna", "tg-anna")
    again = await _invoke("people", "link", "U-anna", "tg-anna")
    assert again.exit_code == 1 and "already one person" in again.output

    unlinked = await _invoke("people", "unlink", "tg-anna")
    assert unlinked.exit_code == 0, unlinked.output
    alone = json.loads((await _invoke("people", "show", "tg-anna", "--json")).output)
    assert [i["user_id"] for i in alone["identities"]] == ["tg-anna"]
    not_linked = await _invoke("people", "unlink", "tg-anna")
    assert not_linked.exit_code == 1 and "not linked" in not_linked.output

    missing = await _invoke("people", "show", "nobody")
    assert missing.exit_code == 1 and "nobody is called" in missing.output


async def test_a_name_two_people_share_is_refused_with_their_ids(
    two_accounts: None, tmp_path: Path, small_kb: Path
) -> None:
    async with harness_on(Database(f"sqlite+aiosqlite:///{tmp_path / 'people.db'}"), small_kb) as h:
        await h.do(c.ShowStatus(actor=ANNA_OTHER), update_id="another-anna")
    shown = await _invoke("people", "show", "Anna")
    assert shown.exit_code == 1
    assert "test:U-anna (id 2), test:U-anna-2 (id 4)" in shown.output
