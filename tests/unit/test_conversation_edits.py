"""Edits and deletions of a ticket's messages, as the requester and the agents notice them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core import commands as c
from tests.e2e.test_console import helpdesk
from tests.support import Harness, person, ticket_json

ALICE = person("alice")
BOB = person("bob", agent=True)


async def _replied(h: Harness) -> None:
    await h.do(c.OpenTicket(actor=ALICE, text="cannot log in"))
    await h.do(c.Claim(actor=BOB, number=1))
    await h.do(c.Reply(actor=BOB, number=1, text="it is pasword123", platform_message_id="m1"))
    h.take()


async def test_a_reply_edited_into_a_note_is_withdrawn_and_kept_internal(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await _replied(h)
    edit = c.EditMessage(actor=BOB, platform_message_id="m1", text="reset it", as_note=True)
    await h.do(edit)
    events = h.take()
    to_alice = [e for e in events if e.target.kind == "person" and e.target.user_id == "alice"]
    assert [e.payload.kind for e in to_alice] == ["relay_retracted"]
    assert "reset it" not in str([e.payload for e in to_alice])  # the note is never shown
    detail = await ticket_json(h.db, 1)
    assert detail is not None
    assert (detail["messages"][1]["visibility"], detail["messages"][1]["text"]) == (
        "internal",
        "reset it",
    )
    assert "message_made_internal" in [entry["action"] for entry in detail["audit"]]

    # editing the note again stays internal: nothing reaches the requester
    await h.do(c.EditMessage(actor=BOB, platform_message_id="m1", text="reset it twice"))
    assert [e for e in h.take() if e.target.kind == "person" and e.target.user_id == "alice"] == []
    detail = await ticket_json(h.db, 1)
    assert detail is not None and detail["messages"][1]["text"] == "reset it twice"


async def test_a_note_edited_later_stays_internal(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await _replied(h)
    await h.do(c.Note(actor=BOB, number=1, text="call him", platform_message_id="n1"))
    h.take()
    await h.do(c.EditMessage(actor=BOB, platform_message_id="n1", text="call him at 5"))
    assert [e for e in h.take() if e.target.kind == "person" and e.target.user_id == "alice"] == []
    detail = await ticket_json(h.db, 1)
    assert detail is not None
    assert detail["messages"][2]["visibility"] == "internal"
    assert detail["messages"][2]["text"] == "call him at 5"


async def test_a_deleted_message_is_kept_as_deleted_without_its_text(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await _replied(h)
    await h.do(c.EditMessage(actor=BOB, platform_message_id="m1", deleted=True))
    [copy] = [e for e in h.take() if e.target.kind == "person"]
    assert copy.payload.kind == "relay_edited" and copy.payload.deleted  # type: ignore[union-attr]
    detail = await ticket_json(h.db, 1)
    assert detail is not None
    assert (detail["messages"][1]["deleted"], detail["messages"][1]["text"]) == (True, "")
    assert detail["messages"][0]["deleted"] is False
    # a second deletion (a redelivered event) changes nothing
    await h.do(c.EditMessage(actor=BOB, platform_message_id="m1", deleted=True))
    assert h.take() == []


async def test_a_requesters_edit_keeps_its_words_whatever_they_start_with(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await _replied(h)
    await h.do(c.SendText(actor=ALICE, text="thanks", platform_message_id="a1"))
    h.take()
    await h.do(
        c.EditMessage(actor=ALICE, platform_message_id="a1", text="note: it works", as_note=False)
    )
    [copy] = [e for e in h.take() if e.target.kind == "ticket_thread"]
    assert copy.payload.kind == "relay_edited"
    assert copy.payload.text == "note: it works"  # type: ignore[union-attr]


async def test_tickets_show_prints_a_deleted_message_as_deleted(
    sqlite_harness: Harness, tmp_path: Path
) -> None:
    h = sqlite_harness
    await _replied(h)
    await h.do(c.EditMessage(actor=BOB, platform_message_id="m1", deleted=True))
    url = f"sqlite+aiosqlite:///{tmp_path / 'unit.db'}"
    shown = await asyncio.to_thread(
        helpdesk, ["tickets", "show", "1"], tmp_path, HELPDESK_DATABASE_URL=url, COLUMNS="400"
    )
    assert shown.returncode == 0, shown.stderr
    assert "Bob: (deleted)" in shown.stdout
    assert "pasword123" not in shown.stdout
