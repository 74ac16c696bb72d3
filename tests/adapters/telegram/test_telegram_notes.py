"""Internal notes in Telegram as agents type them, and a reply edited into a note."""

from __future__ import annotations

from tests.adapters.telegram.harness import Harness
from tests.support import ticket_json

OLGA_ID = 111
ANNA_ID = 201


async def _claimed(h: Harness) -> tuple[dict[str, object], dict[str, object]]:
    olga = h.fake.user(OLGA_ID, "Olga")
    anna = h.fake.user(ANNA_ID, "Anna")
    await h.say(OLGA_ID, olga, "/ticket Printer prints blank pages")
    await h.react(anna, h.card(1), "👀")
    return olga, anna


async def _in_ticket(h: Harness, agent: dict[str, object], text: str, **kw: object) -> dict:
    card = h.card(1)
    where = {"thread_id": card.thread_id} if card.thread_id else {"reply_to": card.message_id}
    message = h.fake.incoming(h.agents, agent, text, **where)  # type: ignore[arg-type]
    message.update(kw)
    await h.feed(h.fake.message_update(message))
    await h.deliver()
    return message


async def test_a_note_with_its_prefix_in_bold_stays_internal(any_desk: Harness) -> None:
    h = any_desk
    _, anna = await _claimed(h)
    # Telegram sends **note:** typed in bold as plain text with a bold entity
    # (https://core.telegram.org/bots/api#messageentity)
    await _in_ticket(
        h, anna, "note: toner is fine", entities=[{"type": "bold", "offset": 0, "length": 5}]
    )
    assert not any("toner" in m.text for m in h.fake.sent if m.chat_id == OLGA_ID)
    detail = await ticket_json(h.core.db, 1)
    assert detail is not None
    assert [m["text"] for m in detail["messages"] if m["visibility"] == "internal"] == [
        "toner is fine"
    ]


async def test_a_reply_edited_into_a_note_is_deleted_from_the_requesters_chat(
    any_desk: Harness,
) -> None:
    h = any_desk
    _, anna = await _claimed(h)
    reply = await _in_ticket(h, anna, "the admin password is hunter2")
    assert any("hunter2" in m.text for m in h.fake.sent if m.chat_id == OLGA_ID)

    await h.feed(h.fake.edited_update(reply, "NOTE: the admin password is hunter2"))
    await h.deliver()
    assert not any("hunter2" in m.text for m in h.fake.sent if m.chat_id == OLGA_ID)
    assert len(h.fake.calls_of("deleteMessage")) == 1
    detail = await ticket_json(h.core.db, 1)
    assert detail is not None
    [note] = [m for m in detail["messages"] if m["role"] == "agent"]
    assert note["visibility"] == "internal"


async def test_a_long_reply_edited_into_a_note_is_deleted_in_every_part(
    any_desk: Harness,
) -> None:
    h = any_desk
    _, anna = await _claimed(h)
    # over Telegram's 4096 characters a message (https://core.telegram.org/bots/api#sendmessage):
    # the requester gets it in two messages
    long_reply = "Step: reset the printer and wait. " * 150
    reply = await _in_ticket(h, anna, long_reply)
    parts = [m for m in h.fake.messages_in(OLGA_ID) if "reset the printer" in m.text]
    assert len(parts) >= 2

    await h.feed(h.fake.edited_update(reply, "note: " + long_reply))
    await h.deliver()
    assert not any("reset the printer" in m.text for m in h.fake.messages_in(OLGA_ID))
    assert len(h.fake.calls_of("deleteMessage")) == len(parts)
