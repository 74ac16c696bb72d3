"""A lead's and an agent's morning, in a real browser: sign in, find the breached ticket
from the queue's filter, read it (the note marked internal), claim and answer it, see the
requester's copy arrive, and read a report whose chart labels and numbers all show.

Screenshots of the queue, the ticket and the report are kept under build/screenshots/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core import commands as c
from core.events import PersonTarget
from core.presenter import render_text
from tests.support import FakeClock, eventually, person
from tests.web.browser import SCREENSHOTS, chromium_page
from tests.web.console_server import PASSWORD, ConsoleServer, console_server

ALICE = person("alice")
CAROL = person("carol", agent=True)

# Every <text> of every chart inside its drawing, and no two overlapping.
CHART_TEXT_PROBLEMS = """
() => {
  const problems = [];
  for (const svg of document.querySelectorAll("figure svg")) {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll("text")].map(t => [t.textContent, t.getBoundingClientRect()]);
    for (const [text, r] of texts) {
      if (!text.trim()) continue;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
        problems.push(`cut: ${text}`);
    }
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const [a, ra] = texts[i], [b, rb] = texts[j];
      const overlap = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 1
        && Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 1;
      if (overlap) problems.push(`overlap: ${a} / ${b}`);
    }
  }
  return problems;
}
"""


@pytest.fixture
async def morning(tmp_path: Path, small_kb: Path) -> AsyncIterator[ConsoleServer]:
    """Yesterday's and this morning's tickets; one of them waited past both SLA targets."""
    real = datetime.now(UTC).replace(microsecond=0)
    # This morning's tickets (six hours ago and five minutes ago) must fall on this UTC day
    # for the report's daily counts, so just after midnight the desk's clock runs ahead.
    now = max(real, real.replace(hour=6, minute=30, second=0))
    clock = FakeClock(now - timedelta(days=1, hours=2))
    async with console_server(tmp_path, small_kb, clock=clock) as server:
        await server.requester_does(c.OpenTicket(actor=person("dave"), text="printer offline"))
        await server.requester_does(c.Claim(actor=CAROL, number=1))
        await server.requester_does(c.Reply(actor=CAROL, number=1, text="restarted it"))
        await server.requester_does(c.Resolve(actor=CAROL, number=1))
        await server.requester_does(c.Rate(actor=person("dave"), number=1, score=5))
        clock.now = now - timedelta(hours=6)
        await server.requester_does(c.OpenTicket(actor=ALICE, text="cannot reach the VPN"))
        await server.requester_does(c.Note(actor=CAROL, number=2, text="maybe the new certificate"))
        clock.now = now - timedelta(minutes=5)
        await server.requester_does(c.OpenTicket(actor=person("erin"), text="new mouse please"))
        clock.now = now
        yield server


def _to_alice(server: ConsoleServer) -> list[str]:
    return [
        render_text(e)
        for e in server.requesters.delivered
        if isinstance(e.target, PersonTarget) and e.target.user_id == "alice"
    ]


async def test_work_the_breached_ticket_and_read_the_report(morning: ConsoleServer) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page: Any
    async with chromium_page() as page:
        await page.goto(f"{morning.url}/")
        await page.get_by_label("Name").fill("lena")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("heading", name="Queue").wait_for()

        await page.get_by_label("SLA").select_option("breached")
        await page.get_by_role("button", name="Show").click()
        rows = page.locator("tbody tr")
        assert await rows.count() == 1
        assert "cannot reach the VPN" in await rows.first.inner_text()
        await page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)

        await page.get_by_role("link", name="#2").click()
        note = page.get_by_role("article", name="Internal note from carol")
        assert "maybe the new certificate" in await note.inner_text()
        assert "never sent to the requester" in await note.inner_text()
        assert "breached" in await page.locator("#sla-h + ul").inner_text()

        await page.get_by_role("button", name="Claim").click()
        assert "claimed" in (await page.get_by_role("status").inner_text()).lower()
        await page.get_by_label("Reply to the requester").fill("Please update GlobalConnect.")
        await page.get_by_role("button", name="Send reply").click()
        await page.get_by_role("status").wait_for()
        await eventually(lambda: any("update GlobalConnect" in t for t in _to_alice(morning)))
        await morning.core.dispatcher.run_until_idle()
        assert not any("certificate" in text for text in _to_alice(morning))
        await morning.requester_does(c.SendText(actor=ALICE, text="works again, thank you"))
        await page.reload()
        conversation = " ".join(await page.locator("article.msg").all_inner_texts())
        assert "works again, thank you" in conversation
        assert "Please update GlobalConnect." in conversation
        await page.screenshot(path=str(SCREENSHOTS / "ticket.png"), full_page=True)

        await page.get_by_role("link", name="Reports").click()
        await page.get_by_role("heading", name="Reports").wait_for()
        figures = page.locator("figure")
        assert await figures.count() >= 4
        trend = page.get_by_role("img", name="Tickets opened and resolved")
        assert await trend.is_visible()
        problems = await page.evaluate(CHART_TEXT_PROBLEMS)
        assert problems == []
        labels = await trend.locator("text").all_text_contents()
        yesterday = datetime.now(UTC) - timedelta(days=1)
        assert f"{yesterday.day} {yesterday:%b}" in labels
        assert {"opened", "resolved", "1", "2"} <= set(labels)  # legend and counts written
        await page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)

    for name in ("queue", "ticket", "report"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000


async def test_the_queue_reads_on_a_phone(morning: ConsoleServer) -> None:
    page: Any
    async with chromium_page(width=390, height=844) as page:
        await page.goto(f"{morning.url}/login")
        await page.get_by_label("Name").fill("bob")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.keyboard.press("Enter")  # the keyboard alone signs in
        await page.get_by_role("heading", name="Queue").wait_for()
        # The page itself never scrolls sideways.
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        # Each ticket is a card whose SLA state is on screen, not off to the right.
        sla = page.locator("tbody tr").first.locator("td[data-label='SLA']")
        box = await sla.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        assert await sla.inner_text() in ("breached", "on time", "at risk")
        await page.screenshot(path=str(SCREENSHOTS / "queue-phone.png"), full_page=True)
