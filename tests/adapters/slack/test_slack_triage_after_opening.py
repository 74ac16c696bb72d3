"""`/ticket TEXT` in Slack: the ticket opens at once, then the optional questions about
what is still unknown come as buttons in the ticket's thread of the DM."""

from __future__ import annotations

from typing import Any

from tests.adapters.slack.conftest import ALICE, SlackHarness


def buttons(blocks: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {
        element["text"]["text"]: element
        for block in blocks or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


async def test_each_answer_updates_the_card_and_a_message_ends_the_questions(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "VPN does not work from home")
    await slack.deliver()
    dm = slack.api.dms[ALICE]
    thread = slack.ticket_thread(ALICE, 1)
    opened, question = slack.api.posted(dm)
    assert opened.text.startswith("Ticket #1 opened")
    assert question.thread_ts == thread
    assert question.text == "To help the agents with ticket #1 (optional):\nWhat is it?"
    choices = buttons(question.blocks)
    assert list(choices) == [
        "Something is broken",
        "I need something",
        "A question",
        "Skip the questions",
    ]

    await slack.click(ALICE, dm, question.ts, choices["I need something"], thread_ts=thread)
    await slack.deliver()
    assert "*Kind*\\nrequest" in str(slack.card(1).blocks)
    question = slack.api.posted(dm)[-1]
    assert question.text.endswith("How many people does it stop?")

    # A message instead of a pick goes to the ticket; the question's buttons do nothing now.
    await slack.dm(ALICE, "only on Mondays", thread_ts=thread)
    await slack.deliver()
    assert any("only on Mondays" in text for text in slack.thread(1))
    await slack.click(ALICE, dm, question.ts, buttons(question.blocks)["Only me"], thread_ts=thread)
    await slack.deliver()
    assert "low / -" not in str(slack.card(1).blocks)


async def test_skipping_the_questions_ends_them(slack: SlackHarness) -> None:
    await slack.command(ALICE, "VPN does not work from home")
    await slack.deliver()
    dm = slack.api.dms[ALICE]
    question = slack.api.posted(dm)[-1]
    skip = buttons(question.blocks)["Skip the questions"]
    await slack.click(ALICE, dm, question.ts, skip, thread_ts=slack.ticket_thread(ALICE, 1))
    await slack.deliver()
    assert slack.api.dm_texts(ALICE)[-1] == "Thank you. An agent will reply to ticket #1 here."
    assert "*Kind*" not in str(slack.card(1).blocks)
