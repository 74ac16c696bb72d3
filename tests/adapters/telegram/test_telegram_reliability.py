"""Telegram done right: dedupe, webhook secret, escaping, splitting, 429 and 403."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from core.faq.service import FaqService
from core.storage.tables import outbox
from tests.adapters.telegram.harness import SECRET, Harness, start_desk
from tests.support import eventually, postgres_scratch_database, set_database_online

OLGA_ID = 111
ANNA_ID = 201


async def test_duplicated_update_is_handled_once(transport_desk: Harness) -> None:
    olga = transport_desk.fake.user(OLGA_ID, "Olga")
    update = transport_desk.fake.message_update(
        transport_desk.fake.incoming(OLGA_ID, olga, "/ticket Broken chair")
    )
    if transport_desk.transport == "webhook":
        assert await transport_desk.feed(update) == 200
        assert await transport_desk.feed(update) == 200  # Telegram redelivers when unsure
    else:
        transport_desk.fake.push(update)
        transport_desk.fake.push(dict(update))  # the same update twice in one batch
        await transport_desk.fake.wait_acked(update["update_id"])
    await transport_desk.deliver()
    assert len([m for m in transport_desk.fake.messages_in(OLGA_ID) if "opened" in m.text]) == 1
    assert (
        len(
            [
                m
                for m in transport_desk.fake.messages_in(transport_desk.agents)
                if m.text.startswith("Ticket #")
            ]
        )
        == 1
    )


async def test_webhook_with_a_wrong_secret_is_rejected(webhook_desk: Harness) -> None:
    h = webhook_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    update = h.fake.message_update(h.fake.incoming(OLGA_ID, olga, "/ticket Should not open"))
    assert await h.feed(update, secret="not-the-secret") == 401
    assert await h.feed(update, secret=None) == 401
    await h.deliver()
    assert h.fake.messages_in(OLGA_ID) == []
    assert h.fake.webhook["url"] == "https://desk.example.com/telegram/webhook"
    assert h.fake.webhook["secret_token"] == SECRET
    assert "message_reaction" in h.fake.webhook["allowed_updates"]
    # and the right secret works
    assert await h.feed(update) == 200
    await h.deliver()
    assert h.opened_to(OLGA_ID).text.startswith("Ticket #1 opened")


async def test_polling_asks_for_reactions(polling_desk: Harness) -> None:
    olga = polling_desk.fake.user(OLGA_ID, "Olga")
    await polling_desk.say(OLGA_ID, olga, "/start")
    calls = polling_desk.fake.calls_of("getUpdates")
    assert calls
    assert set(calls[-1].params["allowed_updates"]) >= {
        "message",
        "edited_message",
        "callback_query",
        "message_reaction",
    }
    assert polling_desk.fake.calls_of("deleteWebhook")


async def test_user_text_is_escaped_everywhere(desk: Harness) -> None:
    mallory = desk.fake.user(OLGA_ID, "<b>Mallory</b> & co")
    anna = desk.fake.user(ANNA_ID, "Anna")
    await desk.say(OLGA_ID, mallory, '/ticket <a href="http://evil">click</a> &amp; <i>')
    card = desk.card(1)
    assert "Requester: <b>Mallory</b> & co" in card.text
    assert '<a href="http://evil">click</a> &amp; <i>' in card.text
    assert "<a href" not in card.html
    await desk.say(desk.agents, anna, "<pre>x</pre> & <u>", reply_to=card.message_id)
    assert desk.last_to(OLGA_ID).text == "Anna · #1\n<pre>x</pre> & <u>"


async def test_faq_markdown_becomes_telegram_html(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "My account is locked")
    answer = desk.last_to(OLGA_ID)
    assert "<b>5 failed sign-in attempts</b>" in answer.html
    assert "**" not in answer.text
    assert "1. Go to the self-service portal" in answer.text


async def test_long_texts_are_split_under_the_limit(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    anna = desk.fake.user(ANNA_ID, "Anna")
    long_ticket = "\n".join(f"line {i:02}: " + "x" * 88 for i in range(40))  # 3999 chars
    await desk.say(OLGA_ID, olga, "/ticket " + long_ticket)
    card = desk.card(1)
    assert len(card.text) <= 4096
    assert card.text.count("line ") < 40  # the card keeps a part...
    rest = [m.text for m in desk.fake.messages_in(desk.agents) if m.reply_to == card.message_id]
    assert "line 39:" in "\n".join(rest)  # ...and the whole text follows in the thread

    await desk.press(anna, card, "Claim")
    reply = " ".join(f"word{i}" for i in range(600))[:4096]  # as long as Telegram allows
    await desk.say(desk.agents, anna, reply, reply_to=card.message_id)
    parts = [m for m in desk.fake.messages_in(OLGA_ID) if m.text.startswith(("Anna · #1", "word"))]
    assert len(parts) == 2  # the name in front pushed it over the limit
    assert all(len(p.text) <= 4096 for p in parts)
    assert parts[0].text.startswith("Anna · #1\nword0 word1")
    assert "".join(p.text for p in parts) == "Anna · #1\n" + reply


async def test_429_is_retried_after_retry_after(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    desk.fake.fail_next("sendMessage", 1, code=429, retry_after=5)
    await desk.say(OLGA_ID, olga, "How do I connect to the VPN?")
    assert desk.fake.messages_in(OLGA_ID) == []
    desk.clock.advance(2)
    await desk.deliver()
    assert desk.fake.messages_in(OLGA_ID) == []  # still inside retry_after
    desk.clock.advance(4)
    await desk.deliver()
    answers = desk.fake.messages_in(OLGA_ID)
    assert len(answers) == 1
    assert answers[0].text.startswith("Connecting to the VPN")
    assert len(desk.fake.calls_of("sendMessage")) == 2


async def test_429_in_the_middle_does_not_repeat_the_first_part(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    anna = desk.fake.user(ANNA_ID, "Anna")
    await desk.say(OLGA_ID, olga, "/ticket Need help")
    card = desk.card(1)
    await desk.press(anna, card, "Claim")
    await desk.say(desk.agents, anna, "ok", reply_to=card.message_id)
    long_reply = "\n".join("y" * 99 for _ in range(60))  # two messages
    message = desk.fake.incoming(desk.agents, anna, long_reply, reply_to=card.message_id)
    sent_before = len(desk.fake.messages_in(OLGA_ID))
    # the first part goes out, the second hits 429
    desk.fake.fail_next("sendMessage", 1, code=429, retry_after=1, after=1)
    await desk.feed(desk.fake.message_update(message))
    await desk.deliver()
    desk.clock.advance(2)
    await desk.deliver()
    new = desk.fake.messages_in(OLGA_ID)[sent_before:]
    assert len(new) == 2
    assert "".join(m.text for m in new) == "Anna · #1\n" + long_reply


async def test_blocked_requester_is_a_permanent_failure_shown_on_the_card(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    anna = desk.fake.user(ANNA_ID, "Anna")
    await desk.say(OLGA_ID, olga, "/ticket VPN is down")
    card = desk.card(1)
    desk.fake.blocked.add(OLGA_ID)
    await desk.press(anna, card, "Claim")
    assert "Cannot reach the requester" in card.text
    assert "bot was blocked by the user" in card.text
    async with desk.core.db.transaction() as conn:
        statuses = (await conn.execute(select(outbox.c.status, outbox.c.last_error))).all()
    dead = [row for row in statuses if row.status == "dead"]
    assert len(dead) == 1
    assert "blocked" in dead[0].last_error
    # not retried: the next delivery round sends nothing more to her
    desk.clock.advance(600)
    before = len(desk.fake.calls_of("sendMessage"))
    await desk.deliver()
    assert len(desk.fake.calls_of("sendMessage")) == before


async def test_edits_update_the_relayed_copy(any_desk: Harness) -> None:
    h = any_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    anna = h.fake.user(ANNA_ID, "Anna")
    await h.say(OLGA_ID, olga, "/ticket Keyboard broken")
    card = h.card(1)
    mine = await h.say(OLGA_ID, olga, "The Q key is stuck")
    copy = h.fake.messages_in(h.agents)[-1]
    await h.feed(h.fake.edited_update(mine, "The W key is stuck"))
    await h.deliver()
    assert copy.text == "Olga · #1\nThe W key is stuck (edited)"

    where = {"thread_id": card.thread_id} if card.thread_id else {"reply_to": card.message_id}
    theirs = await h.say(h.agents, anna, "Try cleaning it", **where)
    to_olga = h.last_to(OLGA_ID)
    await h.feed(h.fake.edited_update(theirs, "Try cleaning it with air"))
    await h.deliver()
    assert to_olga.text == "Anna · #1\nTry cleaning it with air (edited)"


async def test_health_check_still_answers(webhook_desk: Harness) -> None:
    url = (webhook_desk.webhook_url or "").replace("/telegram/webhook", "/healthz")
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status in (200, 503)


@pytest.fixture
async def postgres_desk(tmp_path: Path, faq: FaqService, transport: str) -> AsyncIterator[Harness]:
    """A desk on a PostgreSQL database of its own, which a test may take offline."""
    async with postgres_scratch_database() as url:
        async for running in start_desk(
            tmp_path, faq, transport=transport, forum=False, database_url=url
        ):
            yield running


async def test_an_update_that_met_a_database_outage_is_not_lost(postgres_desk: Harness) -> None:
    desk, url = postgres_desk, postgres_desk.core.settings.database_url
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "How do I request vacation?")
    await set_database_online(url, False)
    question = desk.fake.message_update(
        desk.fake.incoming(OLGA_ID, olga, "How do I connect to the VPN?")
    )
    if desk.transport == "webhook":
        assert await desk.feed(question) == 500  # not stored: Telegram will deliver it again
        await set_database_online(url, True)
        assert await desk.feed(question) == 200
    else:
        desk.fake.push(question)
        await eventually(lambda: desk.runtime.hold.held >= 2)  # tried, and tried again
        assert desk.fake.acked_offset <= question["update_id"]  # not confirmed to Telegram
        await set_database_online(url, True)
        await asyncio.wait_for(desk.fake.wait_acked(question["update_id"]), 30)
    await desk.deliver()
    assert "VPN" in desk.last_to(OLGA_ID).text


async def test_a_refused_token_stops_the_start_with_its_reason(
    tmp_path: Path, faq: FaqService
) -> None:
    with pytest.raises(SystemExit, match=r"Telegram refused TELEGRAM_BOT_TOKEN"):
        async for _ in start_desk(
            tmp_path, faq, transport="polling", forum=False, token="999:not-the-token"
        ):
            pass
