"""Malformed, oversized and unusual payloads: no crash, a clear answer, nothing half-written."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core import commands as c
from core.desk import MAX_TEXT, InboundKey
from core.domain import Actor
from core.storage.db import Database
from core.storage.tables import outbox, ticket_messages, tickets
from tests.reliability.conftest import Report
from tests.reliability.loopback import outgoing
from tests.support import FakeClock, harness_on, person

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

UNICODE_EDGES = [
    "👩🏽‍💻 заявка №1 — zażółć gęślą jaźń",
    "שלום עולם مرحبا",  # right to left
    "e\u0301\u0301\u0301 combining",  # stacked combining marks
    "zero\u200bwidth\u2060joiner\ufeff",
    "<!channel> <@U123> &amp; <b>bold</b>",  # markup that must stay text
    "\u0000nul and \x1b[31mescape",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " * 200,  # astral plane, long
    "a" * 4097,  # just over Telegram's message limit
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
texts = st.text(max_size=300) | st.sampled_from(UNICODE_EDGES) | st.just("x" * (MAX_TEXT + 5))


@FUZZ
@given(line=texts)
def test_console_parse_line_never_crashes(line: str) -> None:
    from adapters.console.translate import Session, parse_line

    parse_line(line, Session(name="alice"))


@FUZZ
@given(
    event=st.dictionaries(
        st.sampled_from(
            _SLACK_KEYS := [
                "type",
                "subtype",
                "channel",
                "channel_type",
                "user",
                "text",
                "ts",
                "thread_ts",
                "message",
                "previous_message",
                "files",
                "bot_id",
                "event_ts",
            ]
        ),
        json_values,
        max_size=8,
    )
)
def test_slack_message_facts_take_any_event_shape(event: dict[str, Any]) -> None:
    inbound = pytest.importorskip("adapters.slack.inbound")
    try:
        inbound.message_facts(event)
    except (ValueError, TypeError, KeyError) as error:  # a clear refusal is fine
        assert str(error) or type(error).__name__


@FUZZ
@given(text=texts)
def test_slack_slash_command_takes_any_text(text: str) -> None:
    slash = pytest.importorskip("adapters.slack.slash")
    codecs = pytest.importorskip("adapters.slack.codecs")
    actor = Actor(platform="slack", user_id="U1", display_name="Alice")
    slash.slash_command(text, actor, codecs.decode_place(None))


@FUZZ
@given(text=texts, chat_id=st.integers(min_value=1, max_value=2**40))
def test_telegram_private_messages_take_any_text(text: str, chat_id: int) -> None:
    inbound = pytest.importorskip("adapters.telegram.inbound")
    from aiogram.types import Message

    message = Message.model_validate(
        {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Alice"},
            "text": text,
        }
    )
    actor = Actor(platform="telegram", user_id=str(chat_id), display_name="Alice")
    inbound.parse_private(message, actor, bot_username="helpdesk_bot", triage=None)


@FUZZ
@given(payload=json_values)
def test_telegram_updates_of_any_shape_are_refused_clearly(payload: Any) -> None:
    pytest.importorskip("adapters.telegram.inbound")
    from aiogram.types import Update
    from pydantic import ValidationError

    with contextlib.suppress(ValidationError):  # a clear refusal, nothing else
        Update.model_validate(payload)


async def test_oversized_and_unicode_texts_round_trip_or_are_refused_whole(
    tmp_path: Path, small_kb: Path, report: Report
) -> None:
    clock = FakeClock()
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'u.db'}")
    async with harness_on(db, small_kb, clock) as h:
        await h.desk.handle(
            c.OpenTicket(actor=person("alice"), text="unicode"), InboundKey("t", "o")
        )
        for i, text in enumerate(UNICODE_EDGES):
            await h.desk.handle(
                c.SendText(actor=person("alice"), text=text), InboundKey("t", f"{i}")
            )
        oversized = await h.desk.handle(
            c.SendText(actor=person("alice"), text="y" * (MAX_TEXT + 1)), InboundKey("t", "big")
        )
        await h.dispatcher.run_until_idle()
        async with db.transaction() as conn:
            stored = (await conn.execute(select(ticket_messages.c.text))).scalars().all()
            rows = (await conn.execute(select(outbox.c.status))).scalars().all()
            opened = (await conn.execute(select(tickets.c.id))).scalars().all()
        assert oversized.error is not None  # a clear refusal, answered to the sender
        assert not any(t.startswith("yyy") for t in stored)  # and nothing of it written
        assert stored[1:] == [t.strip() for t in UNICODE_EDGES]
        assert opened == [1]
        delivered = [outgoing(e) for e in h.sender.delivered]
        relayed = [text for to, text in delivered if to.endswith(":ticket:1")]
        for original in UNICODE_EDGES:
            assert any(original.strip()[:50] in text for text in relayed)
        report(sent=len(delivered), lost=len(rows) - len(delivered), duplicated=0, note="unicode")
        assert set(rows) == {"sent"}


slack_actions = st.dictionaries(
    st.sampled_from(["action_id", "value", "block_id", "selected_user", "selected_option", "type"]),
    json_values
    | st.sampled_from(
        ["faq_helped", "faq_human", "faq_pick", "rate", "claim", "assign", "priority"]
    )
    | st.from_regex(r"-?[0-9]{1,25}(:[0-9a-z]{0,25})?", fullmatch=True),
    max_size=6,
)


@FUZZ
@given(action=slack_actions)
@example(action={"action_id": "card_priority", "selected_option": ["urgent"]})
@example(action={"action_id": "card_assign:7", "block_id": "card:1", "selected_user": 5})
def test_slack_buttons_and_selects_of_any_shape_are_understood_or_ignored(
    action: dict[str, Any],
) -> None:
    inbound = pytest.importorskip("adapters.slack.inbound")
    codecs = pytest.importorskip("adapters.slack.codecs")
    actor = Actor(platform="slack", user_id="U1", display_name="Alice", is_agent=True)
    command = inbound.action_command(action, actor, codecs.decode_place(None), {})
    assert command is None or isinstance(command, c.Command)


@FUZZ
@given(view=json_values | st.dictionaries(st.just("state"), json_values))
@example(view={"state": {"values": {"text": {"value": {"value": 42}}, "urgency": []}}})
def test_slack_modal_submissions_of_any_shape_triage_or_nothing(view: Any) -> None:
    inbound = pytest.importorskip("adapters.slack.inbound")
    actor = Actor(platform="slack", user_id="U1", display_name="Alice")
    if not isinstance(view, dict):
        view = {"state": view}
    command = inbound.modal_command(view, actor)
    assert command is None or isinstance(command, c.Triage)


@FUZZ
@given(context=st.none() | st.text(max_size=80) | json_values.map(json.dumps))
def test_slack_reply_places_of_any_text_decode_to_a_place(context: str | None) -> None:
    codecs = pytest.importorskip("adapters.slack.codecs")
    place = codecs.decode_place(context)
    assert codecs.decode_place(place.encode()) == place


@FUZZ
@given(
    data=st.text(max_size=64)
    | st.from_regex(r"(fh|fx|fp|lg|tc|tr|tw|to|rt|tg|tt)(:[-0-9a-z]{0,22}){0,3}", fullmatch=True)
)
def test_telegram_button_data_of_any_text_is_understood_or_ignored(data: str) -> None:
    buttons = pytest.importorskip("adapters.telegram.buttons")
    from adapters.common.triage import PendingTriage
    from adapters.telegram.places import Place, parse_message_ref

    actor = Actor(platform="telegram", user_id="1", display_name="Alice", is_agent=True)
    buttons.parse_callback(data, actor, Place(1))
    Place.decode(data)
    parse_message_ref(data)
    PendingTriage.decode(data)


@FUZZ
@given(text=texts, reply_to_bot=st.booleans())
def test_telegram_agents_group_messages_take_any_text(text: str, reply_to_bot: bool) -> None:
    inbound = pytest.importorskip("adapters.telegram.inbound")
    from aiogram.types import Message

    agent = {"id": 7, "is_bot": False, "first_name": "Bob"}
    payload: dict[str, Any] = {
        "message_id": 5,
        "date": 1_700_000_000,
        "chat": {"id": -100123, "type": "supergroup", "is_forum": True},
        "from": agent,
        "text": text,
        "message_thread_id": 9,
        "is_topic_message": True,
    }
    if reply_to_bot:
        payload["reply_to_message"] = {
            "message_id": 4,
            "date": 1_700_000_000,
            "chat": payload["chat"],
            "from": {"id": 99, "is_bot": True, "first_name": "Desk"},
            "text": "card",
        }
    message = Message.model_validate(payload)
    actor = Actor(platform="telegram", user_id="7", display_name="Bob", is_agent=True)
    for ticket in (None, 3):
        inbound.parse_agents(message, actor, bot_username="helpdesk_bot", bot_id=99, ticket=ticket)
