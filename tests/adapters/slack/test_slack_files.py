"""Files both ways: a file shared in a DM reaches the agents as a file they can open, and back."""

from __future__ import annotations

import aiohttp

from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, SlackHarness
from tests.fakes.slack_api import BOT_TOKEN
from tests.support import ticket_json

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


async def _open_ticket(slack: SlackHarness) -> str:
    await slack.command(ALICE, "Printer prints blank pages")
    await slack.deliver()
    return slack.card(1).ts


def _said(slack: SlackHarness) -> list[str]:
    """The texts of the card's thread (a shared file's own message has none)."""
    return [text for text in slack.thread(1) if text]


async def _download(slack: SlackHarness, file_object: dict[str, object]) -> bytes:
    """What someone who can see the file gets when they open it."""
    url = str(file_object["url_private"])
    headers = {"Authorization": f"Bearer {BOT_TOKEN}"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as resp:
        return await resp.read()


async def test_a_screenshot_with_text_reaches_the_agents_thread_as_a_file(
    slack: SlackHarness,
) -> None:
    card = await _open_ticket(slack)
    shot = slack.api.add_file(ALICE, "screenshot.png", PNG, "image/png")
    await slack.event(slack.dm_event(ALICE, "this is what it prints", files=[shot]))
    await slack.deliver()

    assert _said(slack)[-1] == "Alice: this is what it prints [1 attachment]"
    [copy] = slack.api.files_in(AGENTS, card)
    assert copy.id != shot["id"]  # a copy the agents' channel has, not a link into the DM
    assert (copy.name, copy.content) == ("screenshot.png", PNG)
    listed = slack.api.file_object(copy)
    assert AGENTS in listed["channels"]
    assert await _download(slack, listed) == PNG
    detail = await ticket_json(slack.core.db, 1)
    assert detail is not None
    assert detail["messages"][-1]["attachments"] == [f"slack-file:{shot['id']}/screenshot.png"]


async def test_a_file_alone_on_an_open_ticket_is_passed_on(slack: SlackHarness) -> None:
    card = await _open_ticket(slack)
    log = slack.api.add_file(ALICE, "printer.log", b"E42 paper jam\n", "text/plain")
    await slack.event(slack.dm_event(ALICE, "", files=[log]))
    await slack.deliver()
    assert _said(slack)[-1] == "Alice: [1 attachment]"
    [copy] = slack.api.files_in(AGENTS, card)
    assert copy.content == b"E42 paper jam\n"


async def test_an_agents_file_reaches_the_requester(slack: SlackHarness) -> None:
    card = await _open_ticket(slack)
    guide = slack.api.add_file(BOB, "driver-guide.pdf", b"%PDF-1.7 guide", "application/pdf")
    await slack.thread_reply(BOB, card, "install this driver", files=[guide])
    await slack.deliver()
    dm = slack.api.dms[ALICE]
    assert [t for t in slack.api.dm_texts(ALICE) if t][
        -1
    ] == "Bob (#1): install this driver [1 attachment]"
    [copy] = slack.api.files_in(dm)
    assert (copy.name, copy.content) == ("driver-guide.pdf", b"%PDF-1.7 guide")


async def test_a_file_too_large_to_pass_on_is_noted_on_the_card(
    slack: SlackHarness,
) -> None:
    card = await _open_ticket(slack)
    # a 30 MB recording: Slack takes it, but it would not stream through one delivery
    video = slack.api.add_file(ALICE, "screen.mov", b"...", "video/quicktime", size=30 * 1024**2)
    await slack.event(slack.dm_event(ALICE, "a recording", files=[video]))
    await slack.deliver()
    assert slack.api.files_in(AGENTS, card) == []
    assert _said(slack)[-1] == "📎 screen.mov was not passed on: it is larger than 20 MB."
    assert slack.api.calls_of("files.getUploadURLExternal") == []
    assert slack.api.downloads == []


async def test_an_external_files_link_never_gets_the_bot_token(slack: SlackHarness) -> None:
    card = await _open_ticket(slack)
    elsewhere = f"http://localhost:{slack.api.port}/files-pri/T0001-F00000001/plan.docx"
    doc = slack.api.add_file(ALICE, "plan.docx", b"PK...", external_url=elsewhere)
    await slack.event(slack.dm_event(ALICE, "the plan", files=[doc]))
    await slack.deliver()
    assert slack.api.files_in(AGENTS, card) == []
    assert _said(slack)[-1] == "📎 plan.docx could not be passed on (not a Slack file)."
    assert all(auth != f"Bearer {BOT_TOKEN}" for _, auth in slack.api.downloads)


async def test_a_failed_upload_is_retried_without_posting_the_text_twice(
    slack: SlackHarness,
) -> None:
    card = await _open_ticket(slack)
    shot = slack.api.add_file(ALICE, "screenshot.png", PNG, "image/png")
    slack.api.fail_next("files.completeUploadExternal", status=500, error="internal_error")
    await slack.event(slack.dm_event(ALICE, "see attached", files=[shot]))
    await slack.deliver()
    slack.clock.advance(60)
    await slack.deliver()
    assert [t for t in slack.thread(1) if "see attached" in t] == [
        "Alice: see attached [1 attachment]"
    ]
    assert len(slack.api.files_in(AGENTS, card)) == 1


async def test_without_the_file_scopes_the_card_says_the_file_was_not_passed_on(
    slack: SlackHarness,
) -> None:
    card = await _open_ticket(slack)
    slack.api.missing_scopes.add("files:read")
    shot = slack.api.add_file(ALICE, "screenshot.png", PNG, "image/png")
    await slack.event(slack.dm_event(ALICE, "see this", files=[shot]))
    await slack.deliver()
    assert _said(slack)[-2:] == [
        "Alice: see this [1 attachment]",
        "📎 screenshot.png could not be passed on (missing_scope).",
    ]
    assert slack.api.files_in(AGENTS, card) == []
    assert await slack.core.dispatcher.depth() == 0  # nothing left to retry


async def test_a_screenshot_alone_in_a_dm_offers_a_ticket_that_carries_it(
    slack: SlackHarness,
) -> None:
    """People report a problem with a screenshot first: no text, no open ticket."""
    shot = slack.api.add_file(ALICE, "error.png", PNG, "image/png")
    await slack.event(slack.dm_event(ALICE, "", files=[shot]))
    await slack.deliver()
    [offer] = slack.api.posted(slack.api.dms[ALICE])
    assert offer.text.startswith("I can't read files, but an agent can.")
    button = offer.blocks[-1]["elements"][0]  # type: ignore[index]
    await slack.click(ALICE, slack.api.dms[ALICE], offer.ts, button)
    await slack.deliver()
    *_, opened, question = slack.api.dm_texts(ALICE)
    assert opened.startswith("Ticket #1 opened")
    assert question.startswith("To help the agents with ticket #1 (optional)")
    [copy] = slack.api.files_in(AGENTS, slack.card(1).ts)
    assert (copy.name, copy.content) == ("error.png", PNG)
