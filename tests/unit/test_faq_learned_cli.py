"""`helpdesk faq learned [--json]` lists learned phrasings; `remove ID` forgets one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from bots.cli import create_app
from core import commands as c
from core.storage.db import Database
from tests.support import harness_on, person

ALICE = person("alice")
BOB = person("bob", agent=True)


async def _invoke(*args: str) -> Result:  # the CLI runs its own event loop
    return await asyncio.to_thread(CliRunner().invoke, create_app(), list(args))


@pytest.fixture
async def one_learned(tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'learned.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(small_kb))
    monkeypatch.setenv("HELPDESK_LANG", "en")
    async with harness_on(Database(url), small_kb) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="the tunnel drops every evening"))
        await h.do(c.Resolve(actor=BOB, number=1, entry_id="vpn-access"))


async def test_lists_and_removes_learned_phrasings(one_learned: None) -> None:
    listed = await _invoke("faq", "learned", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["id"], r["entry_id"], r["text"], r["source"], r["ticket"]) for r in rows] == [
        (1, "vpn-access", "the tunnel drops every evening", "resolved", 1)
    ]
    table = await _invoke("faq", "learned")
    assert "the tunnel drops every evening" in table.output

    removed = await _invoke("faq", "learned", "remove", "1")
    assert removed.exit_code == 0, removed.output
    assert json.loads((await _invoke("faq", "learned", "--json")).output) == []
    again = await _invoke("faq", "learned", "remove", "1")
    assert again.exit_code == 1


async def test_search_and_eval_match_learned_phrasings_only_with_database(
    one_learned: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELPDESK_FAQ_SEMANTIC", "off")
    question = "the tunnel drops every evening"

    def top(result: Result) -> dict[str, object]:
        assert result.exit_code == 0, result.output
        row = json.loads(result.output)
        return {"id": row["results"][0]["id"] if row["results"] else None, **row}

    without = top(await _invoke("faq", "search", question, "--json"))
    with_learned = top(await _invoke("faq", "search", question, "--json", "--database"))
    assert without["decision"] != "answer"
    assert (with_learned["id"], with_learned["decision"]) == ("vpn-access", "answer")

    cases = tmp_path / "en.jsonl"
    cases.write_text(json.dumps({"query": question, "expected": "vpn-access"}) + "\n")
    plain = json.loads((await _invoke("faq", "eval", str(cases), "--json")).output)
    learned = json.loads((await _invoke("faq", "eval", str(cases), "--json", "--database")).output)
    assert plain["results"][0]["answered_correct"] == 0.0
    assert learned["results"][0]["answered_correct"] == 1.0
