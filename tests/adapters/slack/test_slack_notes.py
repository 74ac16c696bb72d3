"""Internal notes in a card's thread, typed as agents type them, and replies edited into notes."""

from __future__ import annotations

import pytest

from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, SlackHarness
from tests.support import ticket_json


async def _claimed_ticket(slack: SlackHarness) -> str:
    """Ticket #1 from Alice, claimed by Bob; returns its card's ts."""
    await slack.command(ALICE, "VPN drops every hour")
    await slack.deliver()
    card = slack.card(1).ts
    await slack.reaction(BOB, AGENTS, card, "eyes")
    await slack.deliver()
    return card


def _relays_to_alice(slack: SlackHarness) -> list[str]:
    return [text for text in slack.api.dm_texts(ALICE) if text.startswith("Bob (#1)")]


@pytest.mark.parametrize(
    "typed",
    ["*note:* rebooted his router", "_Note:_ rebooted his router", "NOTE : rebooted his router"],
)
async def test_a_note_typed_in_bold_italics_or_capitals_stays_internal(
    slack: SlackHarness, typed: str
) -> None:
    card = await _claimed_ticket(slack)
    await slack.thread_reply(BOB, card, typed)
    await slack.deliver()
    assert _relays_to_alice(slack) == []
    assert "rebooted" not in str(slack.api.dm_texts(ALICE))
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    [note] = [m for m in detail["messages"] if m["visibility"] == "internal"]
    assert note["text"] == "rebooted his router"
    # the agent is told, where only the agent sees it
    assert any("Internal note added to #1" in t for t in slack.api.ephemeral_texts(BOB))


async def test_a_reply_edited_into_a_note_is_withdrawn_from_the_requester(
    slack: SlackHarness,
) -> None:
    card = await _claimed_ticket(slack)
    _, reply_ts = await slack.thread_reply(BOB, card, "his password is hunter2")
    await slack.deliver()
    [copy] = [m for m in slack.api.posted(slack.api.dms[ALICE]) if "hunter2" in m.text]

    await slack.event(slack.api.human_edit(AGENTS, reply_ts, "*note:* his password is hunter2"))
    await slack.deliver()
    # chat.delete took the requester's copy away; nothing of the note reached her
    assert [c.params["ts"] for c in slack.api.calls_of("chat.delete")] == [copy.ts]
    assert copy in slack.api.deleted(slack.api.dms[ALICE])
    assert "hunter2" not in str(slack.api.dm_texts(ALICE))
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    [note] = [m for m in detail["messages"] if m["role"] == "agent"]
    assert (note["visibility"], note["text"]) == ("internal", "his password is hunter2")
    assert any("withdrawn from the requester" in t for t in slack.api.ephemeral_texts(BOB))

    # editing the note again stays internal
    await slack.event(slack.api.human_edit(AGENTS, reply_ts, "note: reset it instead"))
    await slack.deliver()
    assert "reset it" not in str(slack.api.dm_texts(ALICE))
    assert len(slack.api.calls_of("chat.delete")) == 1


async def test_a_copy_slack_will_not_delete_is_replaced_by_a_neutral_placeholder(
    slack: SlackHarness,
) -> None:
    card = await _claimed_ticket(slack)
    _, reply_ts = await slack.thread_reply(BOB, card, "wrong ticket, sorry")
    await slack.deliver()
    [copy] = [m for m in slack.api.posted(slack.api.dms[ALICE]) if "wrong ticket" in m.text]
    # https://api.slack.com/methods/chat.delete#errors: e.g. a workspace's retention policy
    slack.api.fail_next("chat.delete", status=200, error="cant_delete_message")
    await slack.event(slack.api.human_edit(AGENTS, reply_ts, "note: wrong ticket"))
    await slack.deliver()
    assert slack.api.message(copy.channel, copy.ts).text == "(message withdrawn)"


async def test_a_message_deleted_by_its_author_is_kept_as_deleted(slack: SlackHarness) -> None:
    card = await _claimed_ticket(slack)
    dm = slack.dm_event(ALICE, "my PIN is 4321", thread_ts=slack.ticket_thread(ALICE, 1))
    await slack.event(dm)
    await slack.deliver()
    assert any("4321" in text for text in slack.thread(1))

    await slack.event(slack.api.human_delete(dm["channel"], dm["ts"]))
    await slack.deliver()
    assert not any("4321" in text for text in slack.thread(1))  # the copy says deleted
    assert any("(message deleted)" in text for text in slack.thread(1))
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    [deleted] = [m for m in detail["messages"] if m["deleted"]]
    assert deleted["text"] == "" and deleted["role"] == "requester"
    assert card


async def test_files_of_a_reply_edited_into_a_note_are_withdrawn_too(slack: SlackHarness) -> None:
    card = await _claimed_ticket(slack)
    scan = slack.api.add_file(BOB, "badge-scan.pdf", b"%PDF private", "application/pdf")
    _, reply_ts = await slack.thread_reply(BOB, card, "your badge", files=[scan])
    await slack.deliver()
    assert [f.name for f in slack.api.files_in(slack.api.dms[ALICE])] == ["badge-scan.pdf"]

    await slack.event(slack.api.human_edit(AGENTS, reply_ts, "note: your badge"))
    await slack.deliver()
    assert slack.api.files_in(slack.api.dms[ALICE]) == []  # the copy is deleted
    assert scan["id"] in slack.api.files  # Bob's own file is his to keep
