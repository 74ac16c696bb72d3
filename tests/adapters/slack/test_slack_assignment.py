"""Slack: a ticket is assigned only to a member of the agents' channel."""

from __future__ import annotations

from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, CAROL, SlackHarness
from tests.support import ticket_json


async def test_assigning_to_someone_outside_the_agents_channel_is_refused(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "Printer jams on every page")
    await slack.deliver()
    await slack.command(BOB, "assign 1 @Alice", channel=AGENTS)
    await slack.deliver()
    assert slack.api.ephemeral_texts(BOB)[-1].endswith(
        "Ticket #1 cannot be assigned to Alice: they are not an agent."
    )
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None and detail["assignee"] is None

    # A member of the agents' channel the desk has never seen takes it.
    await slack.command(BOB, "assign 1 @Carol", channel=AGENTS)
    await slack.deliver()
    assert f"<@{CAROL}>" in str(slack.card(1).blocks)
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None and detail["assignee"]["user_id"] == CAROL
