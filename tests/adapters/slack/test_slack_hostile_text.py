"""Text PostgreSQL cannot store, from Slack: the person is answered, and so is their next message."""

from __future__ import annotations

from pathlib import Path

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
