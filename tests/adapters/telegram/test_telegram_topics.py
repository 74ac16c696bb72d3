"""Topics and groups that change under the bot: a deleted topic, a closed topic, a group
that became a supergroup. Nothing of the ticket's conversation is left undeliverable."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from core.faq.service import FaqService
from tests.adapters.telegram.harness import Harness, start_desk
from tests.fakes.telegram_api import FakeTelegram

OLGA_ID = 111
ANNA_ID = 201


async def open_ticket(h: Harness) -> None:
    olga = h.fake.user(OLGA_ID, "Olga")
    await h.say(OLGA_ID, olga, "/ticket The printer on floor 2 is jammed")
    assert h.opened_to(OLGA_ID).text.startswith("Ticket #1 opened")


async def test_a_deleted_topic_is_made_again_with_the_card_on_the_next_message(
    tmp_path: Path, faq: FaqService
) -> None:
    async for h in start_desk(tmp_path, faq, transport="webhook", forum=True):
        await open_ticket(h)
        first = h.card(1)
        assert first.thread_id is not None
        h.fake.delete_topic(h.agents, first.thread_id)

        olga = h.fake.user(OLGA_ID, "Olga")
        await h.say(OLGA_ID, olga, "It is jammed again")

        (topic,) = h.fake.topics.values()
        assert topic.thread_id != first.thread_id
        assert topic.name.startswith("#1 · The printer")
        in_topic = h.fake.messages_in(h.agents, topic.thread_id)
        assert in_topic[0].text.startswith("Ticket #1: The printer on floor 2 is jammed")
        assert "Posted again: the ticket's topic was deleted" in in_topic[0].text
        assert in_topic[-1].text == "Olga · #1\nIt is jammed again"
        assert not any("delivery" in m.text.lower() for m in h.fake.sent)

        # Agents answer in the new topic and the requester gets it.
        anna = h.fake.user(ANNA_ID, "Anna")
        await h.say(h.agents, anna, "On my way", thread_id=topic.thread_id)
        assert h.last_to(OLGA_ID).text == "Anna · #1\nOn my way"


async def test_a_card_change_after_the_topic_was_deleted_reposts_the_card(
    tmp_path: Path, faq: FaqService
) -> None:
    async for h in start_desk(tmp_path, faq, transport="webhook", forum=True):
        await open_ticket(h)
        first = h.card(1)
        assert first.thread_id is not None
        h.fake.delete_topic(h.agents, first.thread_id)

        anna = h.fake.user(ANNA_ID, "Anna")
        await h.say(h.agents, anna, "/claim 1")

        (topic,) = h.fake.topics.values()
        card = h.fake.messages_in(h.agents, topic.thread_id)[0]
        assert "State: claimed" in card.text and "Assignee: Anna" in card.text
        assert h.last_to(OLGA_ID).text == "Anna is now handling your ticket #1."


async def test_a_closed_topic_is_reopened_before_anything_is_written_into_it(
    tmp_path: Path, faq: FaqService
) -> None:
    async for h in start_desk(tmp_path, faq, transport="webhook", forum=True):
        await open_ticket(h)
        card = h.card(1)
        assert card.thread_id is not None
        anna = h.fake.user(ANNA_ID, "Anna")
        await h.say(h.agents, anna, "/resolve 1", thread_id=card.thread_id)
        (topic,) = h.fake.topics.values()
        assert topic.closed

        # The requester rates the resolved ticket: the line lands in the closed topic,
        # which is closed again afterwards, as the ticket still is.
        olga = h.fake.user(OLGA_ID, "Olga")
        rating = h.last_to(OLGA_ID)
        await h.press(olga, rating, "5⭐")
        assert h.fake.messages_in(h.agents, topic.thread_id)[-1].text.startswith("#1: Rated")
        assert topic.closed

        # Reopened: the topic is open before the line saying so is written.
        await h.say(OLGA_ID, olga, "/reopen 1")
        assert not topic.closed
        assert h.fake.messages_in(h.agents, topic.thread_id)[-1].text.startswith("#1: Reopened")
        await h.say(OLGA_ID, olga, "Still jammed")
        assert h.fake.messages_in(h.agents, topic.thread_id)[-1].text.endswith("Still jammed")


@pytest.mark.parametrize("forum", [False, True], ids=["cards", "topics"])
async def test_a_group_that_became_a_supergroup_is_followed(
    tmp_path: Path, faq: FaqService, caplog: pytest.LogCaptureFixture, forum: bool
) -> None:
    async for h in start_desk(tmp_path, faq, transport="polling", forum=forum):
        await open_ticket(h)
        supergroup = -1009999999999
        caplog.set_level(logging.WARNING)
        for update in h.fake.migrate(h.agents, supergroup):
            await h.feed(update)
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any(f"TELEGRAM_AGENTS_CHAT_ID={supergroup}" in w for w in warnings), warnings
        assert not any(h.fake.token in w for w in warnings)

        olga = h.fake.user(OLGA_ID, "Olga")
        await h.say(OLGA_ID, olga, "Any news?")
        moved = h.fake.messages_in(supergroup)
        assert moved[0].text.startswith("Ticket #1: The printer")
        assert moved[-1].text == "Olga · #1\nAny news?"

        # The agents answer in the new supergroup.
        anna = h.fake.user(ANNA_ID, "Anna")
        h.fake.members[(supergroup, ANNA_ID)] = "member"
        card = moved[0]
        where = {"thread_id": card.thread_id} if card.thread_id else {"reply_to": card.message_id}
        await h.say(supergroup, anna, "Restarting it now", **where)
        assert h.last_to(OLGA_ID).text == "Anna · #1\nRestarting it now"


async def test_a_migration_met_while_sending_is_followed_too(
    tmp_path: Path, faq: FaqService, caplog: pytest.LogCaptureFixture
) -> None:
    """No service message seen (the bot was down): the first send learns of the move."""
    async for h in start_desk(tmp_path, faq, transport="webhook", forum=False):
        await open_ticket(h)
        supergroup = -1008888888888
        h.fake.migrate(h.agents, supergroup)  # its updates never reach the bot
        caplog.set_level(logging.WARNING)
        olga = h.fake.user(OLGA_ID, "Olga")
        await h.say(OLGA_ID, olga, "Any news?")
        moved = h.fake.messages_in(supergroup)
        assert moved[0].text.startswith("Ticket #1: The printer")
        assert moved[-1].text == "Olga · #1\nAny news?"
        assert any(
            f"TELEGRAM_AGENTS_CHAT_ID={supergroup}" in r.getMessage() for r in caplog.records
        )


async def test_a_restart_with_the_old_group_id_still_finds_the_supergroup(
    tmp_path: Path, faq: FaqService, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeTelegram()
    supergroup = -1007777777777
    async for h in start_desk(tmp_path, faq, transport="polling", forum=False, fake=fake):
        await open_ticket(h)
        for update in fake.migrate(h.agents, supergroup):
            await h.feed(update)

    caplog.set_level(logging.WARNING)
    sent_before = len(fake.calls)
    async for h in start_desk(tmp_path, faq, transport="polling", forum=False, fake=fake):
        assert any(
            f"TELEGRAM_AGENTS_CHAT_ID={supergroup}" in r.getMessage() for r in caplog.records
        )
        olga = fake.user(OLGA_ID, "Olga")
        await h.say(OLGA_ID, olga, "Any news?")
        assert fake.messages_in(supergroup)[-1].text == "Olga · #1\nAny news?"
        # The agents' command menu went to the supergroup, not to the group it was.
        menus = [c.params["scope"] for c in fake.calls[sent_before:] if c.method == "setMyCommands"]
        chats = {int(scope["chat_id"]) for scope in menus if scope.get("type") == "chat"}
        assert chats == {supergroup}


async def test_without_admin_rights_reactions_never_arrive_but_buttons_work(
    tmp_path: Path, faq: FaqService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async for h in start_desk(tmp_path, faq, transport="polling", forum=False, bot_status="member"):
        assert any("not an administrator" in r.getMessage() for r in caplog.records)
        await open_ticket(h)
        card = h.card(1)
        anna = h.fake.user(ANNA_ID, "Anna")
        update = h.fake.reaction_update(h.agents, anna, card.message_id, ("👀",))
        assert await h.feed(update) == 0  # Telegram does not send it to a non-admin bot
        await h.deliver()
        assert "State: open" in card.text
        await h.press(anna, card, "Claim")
        assert "Assignee: Anna" in card.text


async def test_a_deleted_topic_of_a_resolved_ticket_comes_back_closed(
    tmp_path: Path, faq: FaqService
) -> None:
    async for h in start_desk(tmp_path, faq, transport="webhook", forum=True):
        await open_ticket(h)
        card = h.card(1)
        assert card.thread_id is not None
        anna = h.fake.user(ANNA_ID, "Anna")
        await h.say(h.agents, anna, "/resolve 1", thread_id=card.thread_id)
        h.fake.delete_topic(h.agents, card.thread_id)

        olga = h.fake.user(OLGA_ID, "Olga")
        await h.press(olga, h.last_to(OLGA_ID), "4⭐")
        (topic,) = h.fake.topics.values()
        in_topic = h.fake.messages_in(h.agents, topic.thread_id)
        assert "State: resolved" in in_topic[0].text
        assert in_topic[-1].text.startswith("#1: Rated")
        assert topic.closed


async def test_a_group_that_moved_while_the_bot_was_away_is_found_at_start(
    tmp_path: Path, faq: FaqService, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeTelegram()
    supergroup = -1006666666666
    fake.add_chat(-1001234567890, "group", "Help desk agents")
    fake.migrate(-1001234567890, supergroup)
    caplog.set_level(logging.WARNING)
    async for h in start_desk(tmp_path, faq, transport="webhook", forum=False, fake=fake):
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert any(f"TELEGRAM_AGENTS_CHAT_ID={supergroup}" in w for w in warnings), warnings
        assert not any("cannot reach the agents' group" in w for w in warnings), warnings
        await open_ticket(h)
        assert fake.messages_in(supergroup)[0].text.startswith("Ticket #1: The printer")
