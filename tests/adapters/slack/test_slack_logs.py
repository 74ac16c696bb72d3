"""At DEBUG, with the product's log set-up, no line carries a message, a note or a token."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bots.logs import CONTENT_LOGGERS, configure_logging
from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, SECRET, SlackHarness
from tests.fakes.slack_api import BOT_TOKEN

QUESTION = "my zebra-keyboard types purple letters"
REPLY = "swap the ocelot-cable please"
NOTE = "note: suspect the marmoset-dock"


@pytest.fixture
def product_logs() -> Iterator[io.StringIO]:
    """The root logger as `helpdesk run` sets it up at DEBUG, restored afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in CONTENT_LOGGERS})
    out = io.StringIO()
    configure_logging("DEBUG", "text", out)
    try:
        yield out
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


async def test_debug_logs_carry_no_text_note_or_token(
    slack: SlackHarness, product_logs: io.StringIO
) -> None:
    await slack.dm(ALICE, QUESTION)
    await slack.command(ALICE, QUESTION)
    await slack.deliver()
    card = slack.card(1)
    await slack.reaction(BOB, AGENTS, card.ts, "eyes")
    await slack.thread_reply(BOB, card.ts, REPLY)
    await slack.thread_reply(BOB, card.ts, NOTE)
    await slack.deliver()
    assert any(REPLY in text for text in slack.api.dm_texts(ALICE))
    logged = product_logs.getvalue()
    for secret in ("zebra", "ocelot", "marmoset", BOT_TOKEN, SECRET):
        assert secret not in logged, secret
