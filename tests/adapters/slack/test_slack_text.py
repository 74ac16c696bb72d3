"""What people type in Slack reaches the desk as they meant it and comes back as they wrote it.

Slack sends text escaped, with links and mentions as `<…>` tokens (the fake's `typed`);
the desk stores the plain text, and Slack shows what the app posts (the fake's `shown`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.storage.tables import faq_queries
from tests.adapters.slack.conftest import (
    AGENTS,
    ALICE,
    BOB,
    GENERAL,
    SlackHarness,
    modal_submission,
)
from tests.support import ticket_json

TYPED = "R&D printer <3, see https://wiki.example.com/p?a=1&b=2 and ask @Bob"
URL = "https://wiki.example.com/p?a=1&b=2"


def _texts(blocks: list[dict[str, Any]] | None) -> list[str]:
    """Every mrkdwn text of a message's blocks."""
    found = []
    for block in blocks or []:
        if isinstance(block.get("text"), dict):
            found.append(block["text"]["text"])
        found += [field["text"] for field in block.get("fields", [])]
    return found


async def _questions(slack: SlackHarness) -> list[str]:
    """What the FAQ matcher was asked, as it records it."""
    async with slack.core.db.transaction() as conn:
        return list((await conn.execute(select(faq_queries.c.text))).scalars())


async def _ticket_from_dm(slack: SlackHarness, typed: str) -> None:
    """`typed` in Alice's DM, then "Talk to a human": ticket #1."""
    await slack.dm(ALICE, typed)
    await slack.deliver()
    offer = slack.api.posted(slack.api.dms[ALICE])[-1]
    button = next(
        e
        for b in offer.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "faq_human"
    )
    await slack.click(ALICE, slack.api.dms[ALICE], offer.ts, button)
    await slack.deliver()


async def test_typed_text_shows_and_is_stored_exactly_as_written(slack: SlackHarness) -> None:
    await _ticket_from_dm(slack, TYPED)
    card = slack.card(1)
    assert await _questions(slack) == [TYPED]  # the FAQ matcher saw the plain words
    quote = [slack.api.shown(text) for text in _texts(card.blocks) if text.startswith(">")]
    assert [q.text for q in quote] == [f"> {TYPED}"]
    assert quote[0].links == (URL,)  # the link is clickable, the whole of it

    # the requester writes again: the relay in the card's thread
    await slack.dm(ALICE, TYPED, thread_ts=slack.ticket_thread(ALICE, 1))
    await slack.deliver()
    relayed = [m for m in slack.api.posted(AGENTS) if m.thread_ts == card.ts][-1]
    assert slack.api.shown(relayed).text == f"Alice: {TYPED}"
    assert URL in slack.api.shown(relayed).links

    # the agent answers with the same words: the requester's copy
    await slack.thread_reply(BOB, card.ts, TYPED)
    await slack.deliver()
    answer = slack.api.posted(slack.api.dms[ALICE])[-1]
    assert slack.api.shown(answer).text == f"Bob (#1): {TYPED}"
    assert URL in slack.api.shown(answer).links

    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    assert detail["text"] == TYPED
    assert [m["text"] for m in detail["messages"]][-2:] == [TYPED, TYPED]

    for message in slack.api.posted():
        for text in [message.text, *_texts(message.blocks)]:
            assert "&amp;amp;" not in text
            assert "&lt;" not in slack.api.shown(text).text


async def test_a_real_channel_mention_is_relayed_as_words_that_notify_nobody(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "Printer jams")
    await slack.deliver()
    await slack.dm(
        ALICE,
        "@channel @here @everyone printer on fire",
        thread_ts=slack.ticket_thread(ALICE, 1),
    )
    await slack.deliver()
    card = slack.card(1)
    relayed = [m for m in slack.api.posted(AGENTS) if m.thread_ts == card.ts][-1]
    shown = slack.api.shown(relayed)
    assert shown.text == "Alice: @channel @here @everyone printer on fire"
    assert shown.broadcasts == ()


async def test_a_channel_mention_keeps_its_name(slack: SlackHarness) -> None:
    await slack.command(ALICE, "Nobody answers in #general since @Bob left")
    await slack.deliver()
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    assert detail["text"] == "Nobody answers in #general since @Bob left"


async def test_the_ticket_reaction_on_a_thread_reply_opens_a_ticket_with_that_reply(
    slack: SlackHarness,
) -> None:
    parent = slack.api.human_message(GENERAL, BOB, "Anyone else without Wi-Fi?")
    slack.api.human_message(GENERAL, BOB, "Me neither", thread_ts=parent)
    reply = slack.api.human_message(GENERAL, ALICE, "Room 4 & 5 too, <3 floor", thread_ts=parent)
    slack.api.human_message(GENERAL, BOB, "Same here", thread_ts=parent)
    await slack.reaction(ALICE, GENERAL, reply, "ticket")
    await slack.deliver()
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    assert detail["text"] == "Room 4 & 5 too, <3 floor"
    assert detail["source_link"].endswith(f"p{reply.replace('.', '')}")


async def test_a_mention_of_the_bot_asks_the_faq_in_plain_words(slack: SlackHarness) -> None:
    typed = "@helpdesk how do I connect to the VPN & stay connected? @Bob said ask"
    ts = slack.api.human_message(GENERAL, ALICE, typed)
    text = slack.api.message(GENERAL, ts).text
    assert text.startswith("<@UBOT> ") and "&amp;" in text  # as Slack sends it
    await slack.event(
        {"type": "app_mention", "channel": GENERAL, "user": ALICE, "ts": ts, "text": text}
    )
    await slack.deliver()
    [answer] = slack.api.posted(GENERAL)
    assert "Connecting to the VPN" in answer.text
    [asked] = [m for m in await _questions(slack) if "VPN" in m]
    assert asked == "how do I connect to the VPN & stay connected? @Bob said ask"


async def test_modal_input_arrives_raw_and_is_kept_as_typed(slack: SlackHarness) -> None:
    typed = "R&D &amp; <3 <@UBOB>"
    await slack.interaction(modal_submission(ALICE, typed))
    await slack.deliver()
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None and detail["text"] == typed
    quote = [t for t in _texts(slack.card(1).blocks) if t.startswith(">")]
    assert [slack.api.shown(t).text for t in quote] == [f"> {typed}"]
    assert slack.api.shown(quote[0]).mentions == ()


async def test_a_mentioned_person_is_a_live_mention_again_where_it_is_relayed_into_slack(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "Printer jams")
    await slack.deliver()
    await slack.dm(ALICE, "ask @Bob or @Carol, not @here", thread_ts=slack.ticket_thread(ALICE, 1))
    await slack.deliver()
    relayed = [t for t in slack.thread(1) if "ask" in t][-1]
    shown = slack.api.shown(relayed)
    assert shown.text == "Alice: ask @Bob or @Carol, not @here"
    assert shown.mentions == (BOB, "UCAROL")  # notified, as in Alice's own message
    assert shown.broadcasts == ()  # the channel is not
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    assert detail["messages"][-1]["text"] == "ask @Bob or @Carol, not @here"  # as she meant it

    # an agent's answer that names the requester reaches her as a mention too
    await slack.thread_reply(BOB, slack.card(1).ts, "@Alice try now")
    await slack.deliver()
    answer = slack.api.shown(slack.api.dm_texts(ALICE)[-1])
    assert (answer.text, answer.mentions) == ("Bob (#1): @Alice try now", (ALICE,))
