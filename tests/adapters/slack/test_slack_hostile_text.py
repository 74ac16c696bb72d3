"""Text PostgreSQL cannot store, from Slack: the person is answered, and so is their next message."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core.storage.tables import outbox
from tests.adapters.slack.conftest import ALICE, running_slack
from tests.support import postgres_scratch_database


async def test_a_dm_with_a_nul_character_is_answered_and_so_is_the_next(
    tmp_path: Path, small_kb: Path
) -> None:
    async with (
        postgres_scratch_database() as url,
        running_slack(tmp_path, small_kb, database_url=url) as slack,
    ):
        posted = await slack.dm(ALICE, "vpn\u0000question")
        assert posted.status == 200
        await slack.deliver()
        first = slack.api.dm_texts(ALICE)
        assert first, "the question with a NUL character got no answer"

        await slack.dm(ALICE, "How do I connect to the VPN?")
        await slack.deliver()
        answers = slack.api.dm_texts(ALICE)
        assert len(answers) > len(first)
        assert "Connecting to the VPN" in answers[-1]
        assert await slack.core.inbox.depth() == {}


async def test_the_longest_ticket_slack_may_send_gets_a_card_slack_accepts(
    tmp_path: Path, small_kb: Path
) -> None:
    # The card's blocks stay under what Slack takes in all (tests/fakes/slack_blocks.py
    # MAX_BLOCKS_TEXT), however long the question: the card is posted, not dead-lettered.
    async with running_slack(tmp_path, small_kb) as slack:
        words = "the printer on the second floor prints blank pages again " * 300
        await slack.command(ALICE, words.strip()[:12_000])
        await slack.deliver()
        card = slack.card(1)
        assert "printer on the second floor" in str(card.blocks)
        async with slack.core.db.transaction() as conn:
            statuses = (await conn.execute(select(outbox.c.status))).scalars().all()
        assert "dead" not in statuses
