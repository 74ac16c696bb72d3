"""Text PostgreSQL cannot store, from Telegram: the person is answered, and so is their next message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.faq.service import FaqService
from tests.adapters.telegram.harness import Harness, start_desk
from tests.support import postgres_scratch_database

OLGA_ID = 111


@pytest.fixture
async def postgres_desk(tmp_path: Path, faq: FaqService) -> AsyncIterator[Harness]:
    async with postgres_scratch_database() as url:
        async for running in start_desk(
            tmp_path, faq, transport="webhook", forum=False, database_url=url
        ):
            yield running


async def test_a_person_whose_name_has_a_nul_character_is_answered_and_so_is_the_next(
    postgres_desk: Harness,
) -> None:
    h = postgres_desk
    olga = h.fake.user(OLGA_ID, "Ol\u0000ga")
    await h.say(OLGA_ID, olga, "How do I connect to the VPN?")
    first = h.fake.messages_in(OLGA_ID)
    assert first, "a person with a NUL character in their name got no answer"
    assert "VPN" in first[-1].text

    await h.say(OLGA_ID, olga, "/ticket The printer is jammed")
    assert "opened" in h.opened_to(OLGA_ID).text
    assert await h.core.inbox.depth() == {}


async def test_a_lone_surrogate_in_a_message_is_stored_and_answered(
    postgres_desk: Harness,
) -> None:
    h = postgres_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    await h.say(OLGA_ID, olga, "How do I connect to the \ud800 VPN?")
    assert "VPN" in h.last_to(OLGA_ID).text
    await h.say(OLGA_ID, olga, "/ticket broken \ud800 screen")
    assert "Ticket #1 opened: “broken \ufffd screen”" in h.opened_to(OLGA_ID).text
    assert await h.core.inbox.depth() == {}
