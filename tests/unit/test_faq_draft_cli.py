"""`helpdesk faq draft N --write` writes only an entry that has an agent's answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from bots.cli import create_app
from core import commands as c
from core.faq.check import PLACEHOLDER_ANSWER, check_knowledge_base
from core.storage.db import Database
from tests.support import harness_on, person

ALICE = person("alice")
BOB = person("bob", agent=True)


async def _invoke(*args: str) -> Result:  # the CLI runs its own event loop
    return await asyncio.to_thread(CliRunner().invoke, create_app(), list(args))


@pytest.fixture
async def desk_with_two_resolved_tickets(
    tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Ticket 1 got only an internal note; ticket 2 a public reply. Returns the FAQ dir."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'draft.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(small_kb))
    monkeypatch.setenv("HELPDESK_LANG", "en")
    async with harness_on(Database(url), small_kb) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="the badge reader on floor 3 beeps"))
        await h.do(c.Claim(actor=BOB, number=1))
        await h.do(c.Note(actor=BOB, number=1, text="asked facilities by phone"))
        await h.do(c.Resolve(actor=BOB, number=1))
        await h.do(c.OpenTicket(actor=ALICE, text="the coffee machine leaks"))
        await h.do(c.Reply(actor=BOB, number=2, text="Facilities replace the **seal** today."))
        await h.do(c.Resolve(actor=BOB, number=2))
    return small_kb


async def test_refuses_to_write_an_entry_without_an_agent_answer(
    desk_with_two_resolved_tickets: Path,
) -> None:
    faq_dir = desk_with_two_resolved_tickets
    before = sorted(faq_dir.rglob("*.md"))

    result = await _invoke("faq", "draft", "1", "--write")

    assert result.exit_code == 1
    assert "ticket #1 has no agent reply" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(faq_dir.rglob("*.md")) == before


async def test_printing_a_draft_without_an_answer_shows_the_placeholder(
    desk_with_two_resolved_tickets: Path,
) -> None:
    result = await _invoke("faq", "draft", "1")

    assert result.exit_code == 0
    assert PLACEHOLDER_ANSWER in result.output


async def test_writes_an_entry_with_the_agent_answer_that_passes_the_check(
    desk_with_two_resolved_tickets: Path,
) -> None:
    faq_dir = desk_with_two_resolved_tickets

    result = await _invoke("faq", "draft", "2", "--write")

    assert result.exit_code == 0, result.output
    written = faq_dir / "en" / "the-coffee-machine-leaks.md"
    assert "Facilities replace the **seal** today." in written.read_text("utf-8")
    assert [p for p in check_knowledge_base(faq_dir) if p.severity == "error"] == []
