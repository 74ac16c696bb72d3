"""What people send besides text: files without words, stickers, places, contacts, polls.

A file alone opens the conversation (the FAQ cannot read it, so a ticket carrying it is
offered); a file with a question keeps the file when the question becomes a ticket;
what can be shown on the other side is relayed, and the sender is told plainly what
could not be passed on.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.adapters.telegram.harness import Harness
from tests.fakes import telegram_api as tg
from tests.support import ticket_json

OLGA_ID = 111
ANNA_ID = 201


async def send(h: Harness, chat_id: int, user: dict[str, Any], **content: Any) -> None:
    message = h.fake.incoming(chat_id, user, **content)
    await h.feed(h.fake.message_update(message))
    await h.deliver()


@pytest.mark.parametrize(
    "content",
    [
        {"photo": "AgACAgPHOTO-screen"},
        {"document": "BQACAgDOC-log.txt"},
        {"voice": "AwACAgVOICE-note"},
        {"video": "BAACAgVIDEO-clip"},
    ],
    ids=["photo", "document", "voice", "video"],
)
async def test_a_file_alone_offers_a_ticket_that_carries_it(
    transport_desk: Harness, content: dict[str, str]
) -> None:
    h = transport_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    await send(h, OLGA_ID, olga, **content)
    offer = h.last_to(OLGA_ID)
    assert offer.text.startswith("I can't read files, but an agent can.")
    assert "empty" not in offer.text
    assert [b["text"] for b in offer.buttons()] == ["Open a ticket"]

    await h.press(olga, offer, "Open a ticket")
    assert h.opened_to(OLGA_ID).text.startswith("Ticket #1 opened: “(file sent without text)”")
    ((kind, file_id),) = content.items()
    relayed = h.fake.messages_in(h.agents)[-1]
    assert relayed.media == f"{kind}:{file_id}"
    assert relayed.text == "Olga · #1"
    assert relayed.reply_to == h.card(1).message_id
    detail = await ticket_json(h.core.db, 1)
    assert detail is not None
    assert detail["messages"][0]["attachments"] == [f"{kind}:{file_id}"]


async def test_a_file_with_a_question_keeps_the_file_when_it_becomes_a_ticket(
    desk: Harness,
) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await send(
        desk, OLGA_ID, olga, photo="AgACAgPHOTO-error", caption="The coffee machine shows E42"
    )
    answer = desk.last_to(OLGA_ID)
    human = next(
        b["text"] for b in answer.buttons() if b["text"] in ("Talk to a human", "Open a ticket")
    )
    await desk.press(olga, answer, human)

    assert desk.opened_to(OLGA_ID).text.startswith(
        "Ticket #1 opened: “The coffee machine shows E42”"
    )
    assert "The coffee machine shows E42" in desk.card(1).text
    assert desk.fake.messages_in(desk.agents)[-1].media == "photo:AgACAgPHOTO-error"
    detail = await ticket_json(desk.core.db, 1)
    assert detail is not None
    assert detail["messages"][0]["attachments"] == ["photo:AgACAgPHOTO-error"]


async def test_a_file_sent_in_the_ticket_form_opens_the_ticket_with_it(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket")
    await desk.press(olga, desk.last_to(OLGA_ID), "Something is broken")
    await desk.press(olga, desk.last_to(OLGA_ID), "IT")
    if desk.last_to(OLGA_ID).text.startswith("These answers may already help"):
        await desk.press(olga, desk.last_to(OLGA_ID), "None of these, I want a person")
    await desk.press(olga, desk.last_to(OLGA_ID), "Only me")
    await desk.press(olga, desk.last_to(OLGA_ID), "Right now")
    assert desk.last_to(OLGA_ID).text.startswith("Describe the problem")
    await send(desk, OLGA_ID, olga, photo="AgACAgPHOTO-broken-screen")
    assert desk.last_to(OLGA_ID).text.startswith("Ticket #1 opened")
    assert "P3" in desk.card(1).text  # low impact, high urgency
    assert desk.fake.messages_in(desk.agents)[-1].media == "photo:AgACAgPHOTO-broken-screen"


async def test_a_ticket_command_as_a_caption_keeps_the_file(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await send(desk, OLGA_ID, olga, document="BQACAgDOC-report.pdf", caption="/ticket Report fails")
    assert desk.opened_to(OLGA_ID).text.startswith("Ticket #1 opened: “Report fails”")
    assert desk.fake.messages_in(desk.agents)[-1].media == "document:BQACAgDOC-report.pdf"
    await send(desk, OLGA_ID, olga, photo="AgACAgPHOTO-alone", caption="/ticket")
    assert desk.opened_to(OLGA_ID).text.startswith("Ticket #2 opened: “(file sent without text)”")


async def test_a_caption_starting_with_a_slash_is_words(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await send(desk, OLGA_ID, olga, photo="AgACAgPHOTO-log", caption="/var/log/syslog is full")
    answer = desk.last_to(OLGA_ID)
    assert "command" not in answer.text.lower()
    assert answer.buttons()  # the FAQ's answer or its offer of a ticket


async def test_what_can_be_shown_is_relayed_both_ways(any_desk: Harness) -> None:
    h = any_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    anna = h.fake.user(ANNA_ID, "Anna")
    await h.say(OLGA_ID, olga, "/ticket The projector in room 4 is dead")
    card = h.card(1)

    def last_in_thread() -> tg.SentMessage:
        return h.fake.messages_in(h.agents, card.thread_id)[-1]

    await send(h, OLGA_ID, olga, **tg.sticker("CAACAgSTICKER-sad", emoji="😢"))
    assert last_in_thread().text == "Olga · #1\n😢"
    await send(h, OLGA_ID, olga, **tg.location(52.2297, 21.0122))
    assert last_in_thread().text == (
        "Olga · #1\n📍 https://www.openstreetmap.org/?mlat=52.229700&mlon=21.012200"
        "#map=17/52.229700/21.012200"
    )
    await send(h, OLGA_ID, olga, **tg.venue(52.2297, 21.0122, "Room 4", "Main st. 1"))
    assert last_in_thread().text.startswith(
        "Olga · #1\n📍 Room 4, Main st. 1\nhttps://www.openstreetmap.org/"
    )
    await send(h, OLGA_ID, olga, **tg.contact("+48 600 100 200", "Piotr", "Nowak"))
    assert last_in_thread().text == "Olga · #1\n👤 Piotr Nowak, +48 600 100 200"
    await send(h, OLGA_ID, olga, **tg.video_note("DQACAgVIDEONOTE-round"))
    note = last_in_thread()
    assert note.media == "video_note:DQACAgVIDEONOTE-round"
    assert h.fake.messages_in(h.agents, card.thread_id)[-2].text == "Olga · #1"
    await send(h, OLGA_ID, olga, **tg.animation("CgACAgANIMATION-gif"))
    assert last_in_thread().media == "animation:CgACAgANIMATION-gif"
    assert last_in_thread().text == "Olga · #1"

    # And from the agents' side to the requester.
    where = {"thread_id": card.thread_id} if card.thread_id else {"reply_to": card.message_id}
    await send(h, h.agents, anna, **tg.sticker("CAACAgSTICKER-ok", emoji="👍"), **where)
    assert h.last_to(OLGA_ID).text == "Anna · #1\n👍"
    await send(h, h.agents, anna, **tg.location(52.23, 21.01), **where)
    assert "openstreetmap.org/?mlat=52.230000&mlon=21.010000" in h.last_to(OLGA_ID).text


async def test_what_cannot_be_passed_on_is_said_plainly(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga", language_code="pl")
    anna = desk.fake.user(ANNA_ID, "Anna")
    before = len(desk.fake.messages_in(desk.agents))
    await send(desk, OLGA_ID, olga, **tg.poll("Which printer?", "A", "B"))
    assert desk.last_to(OLGA_ID).text.startswith("Ankiety nie da się przekazać dalej.")
    await desk.say(OLGA_ID, olga, "/ticket Drukarka nie działa")
    await send(desk, OLGA_ID, olga, **tg.dice())
    assert desk.last_to(OLGA_ID).text.startswith("Rzutu kostką nie da się przekazać dalej.")
    await send(desk, OLGA_ID, olga, **tg.sticker("CAACAgSTICKER-plain", emoji=None))
    assert desk.last_to(OLGA_ID).text.startswith("Tego rodzaju wiadomości nie da się")
    relays = [m for m in desk.fake.messages_in(desk.agents)[before:] if m.text.startswith("Olga")]
    assert relays == []

    card = desk.card(1)
    await send(desk, desk.agents, anna, **tg.poll("Which one?", "A", "B"), reply_to=card.message_id)
    told = desk.fake.messages_in(desk.agents)[-1]
    assert told.text.startswith("Polls can't be passed on.")
    assert not desk.last_to(OLGA_ID).text.startswith("Anna")


async def test_a_file_telegram_refuses_to_pass_on_is_named_in_the_thread(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket Laptop will not charge")
    desk.fake.fail_next(
        "sendDocument",
        code=400,
        description="Bad Request: wrong file identifier/HTTP URL specified",
    )
    await send(desk, OLGA_ID, olga, document="BQACAgDOC-charger.jpg", caption="the charger")
    thread = desk.fake.messages_in(desk.agents)
    assert thread[-2].text == "Olga · #1\nthe charger"  # the words got through
    assert thread[-1].text.startswith(
        "⚠️ A file from the requester could not be passed on (document)"
    )


async def test_a_file_that_cannot_reach_the_requester_is_noted_on_the_card(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    anna = desk.fake.user(ANNA_ID, "Anna")
    await desk.say(OLGA_ID, olga, "/ticket Which charger do I need?")
    card = desk.card(1)
    desk.fake.fail_next(
        "sendPhoto", code=400, description="Bad Request: wrong file identifier/HTTP URL specified"
    )
    await send(desk, desk.agents, anna, photo="AgACAgPHOTO-charger", caption="This one",
               reply_to=card.message_id)  # fmt: skip
    assert desk.last_to(OLGA_ID).text == "Anna · #1\nThis one"
    await desk.deliver()
    assert "could not pass on a file (photo)" in card.text


async def test_an_edit_that_changes_only_formatting_is_no_failure(desk: Harness) -> None:
    """Telegram sends an edited_message when only entities change; the copy renders the
    same, Telegram answers "message is not modified", and that is no delivery problem."""
    olga = desk.fake.user(OLGA_ID, "Olga")
    anna = desk.fake.user(ANNA_ID, "Anna")
    await desk.say(OLGA_ID, olga, "/ticket VPN drops every hour")
    card = desk.card(1)
    reply = await desk.say(desk.agents, anna, "Reinstall the client", reply_to=card.message_id)
    copy = desk.last_to(OLGA_ID)
    for _ in range(2):
        await desk.feed(desk.fake.edited_update(reply, "Reinstall the client"))
        await desk.deliver()
    assert copy.text.startswith("Anna · #1\nReinstall the client")
    assert copy.edits <= 1
    assert "Delivery" not in card.text and "⚠️" not in card.text


async def test_an_album_of_screenshots_gets_one_offer_and_one_ticket(desk: Harness) -> None:
    """Telegram sends an album as one message per file, sharing a media_group_id."""
    olga = desk.fake.user(OLGA_ID, "Olga")
    for file_id in ("AgACAgPHOTO-first", "AgACAgPHOTO-second"):
        await send(desk, OLGA_ID, olga, photo=file_id, media_group_id="13579")
    offers = [m for m in desk.fake.messages_in(OLGA_ID) if m.text.startswith("I can't read")]
    assert len(offers) == 1
    await desk.press(olga, offers[0], "Open a ticket")
    media = [m.media for m in desk.fake.messages_in(desk.agents) if m.media]
    assert media == ["photo:AgACAgPHOTO-first", "photo:AgACAgPHOTO-second"]
