"""Malformed, oversized and unusual payloads: no crash, a clear answer, nothing half-written."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
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
    translate = pytest.importorskip("adapters.slack.translate")
    try:
        translate.message_facts(event)
    except (ValueError, TypeError, KeyError) as error:  # a clear refusal is fine
        assert str(error) or type(error).__name__


@FUZZ
@given(text=texts)
def test_slack_slash_command_takes_any_text(text: str) -> None:
    translate = pytest.importorskip("adapters.slack.translate")
    actor = Actor(platform="slack", user_id="U1", display_name="Alice")
    translate.slash_command(text, actor, translate.decode_place(None))


@FUZZ
@given(text=texts, chat_id=st.integers(min_value=1, max_value=2**40))
def test_telegram_private_messages_take_any_text(text: str, chat_id: int) -> None:
    translate = pytest.importorskip("adapters.telegram.translate")
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
    translate.parse_private(message, actor, bot_username="helpdesk_bot", triage=None)


@FUZZ
@given(payload=json_values)
def test_telegram_updates_of_any_shape_are_refused_clearly(payload: Any) -> None:
    pytest.importorskip("adapters.telegram.translate")
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
