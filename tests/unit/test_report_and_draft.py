"""What a team lead reads in `helpdesk report`, and the FAQ draft from a ticket."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import yaml

from bots.report_render import RENDERERS
from core import commands as c
from core.faq_draft import draft_entry
from core.queries import ticket_detail
from core.reporting import ReportPolicy, build_report
from tests.support import Harness, person

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ALICE = person("alice")
BOB = person("bob", agent=True)


async def test_report_counts_deflection_tickets_and_satisfaction(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    await h.do(c.SendText(actor=ALICE, text="the coffee machine leaks"))
    await h.do(c.SendText(actor=person("carol"), text="the coffee machine leaks!"))
    await h.do(c.SendText(actor=person("dora"), text="", attachments=("photo:leak",)))
    await h.do(c.OpenTicket(actor=ALICE, text="coffee machine leaks"))
    await h.do(c.Reply(actor=BOB, number=1, text="facilities are on it"))
    await h.do(c.Resolve(actor=BOB, number=1))
    await h.do(c.Rate(actor=ALICE, number=1, score=4))
    now = datetime.now(UTC)
    report = await build_report(
        h.db, now - timedelta(days=1), now + timedelta(minutes=1), policy=ReportPolicy(), now=now
    )
    m = report.metrics
    # the photo sent without words opened a conversation too
    assert (m.questions.asked, m.questions.answered, m.questions.none) == (4, 1, 3)
    # Alice's VPN answer is not a deflection: she opened a ticket within the day.
    assert m.deflection.deflected == 0 and m.deflection.rate == 0.0
    assert (m.tickets.opened, m.tickets.resolved) == (1, 1)
    assert m.csat.mean == 4 and m.csat.satisfied == 1.0
    assert (m.unanswered[0].example, m.unanswered[0].count) == ("the coffee machine leaks", 2)
    text = RENDERERS["text"](report)
    assert "Deflected (no ticket within 24 h)" in text and "0 (0.0 %)" in text
    assert RENDERERS["csv"](report).startswith("scope,period.since")


async def test_the_html_report_is_one_readable_file(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    long_question = "why does the printer on the third floor keep asking for a PIN every morning"
    for who in ("alice", "carol", "dave"):
        await h.do(c.SendText(actor=person(who), text=long_question))
    now = datetime.now(UTC)
    until = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)
    report = await build_report(
        h.db, until - timedelta(days=7), until, policy=ReportPolicy(), now=now
    )
    page = RENDERERS["html"](report)
    first, last = until - timedelta(days=7), until - timedelta(days=1)
    period = f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y} (UTC)"
    assert period in page  # dates people read, not ISO timestamps
    assert "<script" not in page and "http://" not in page.replace(SVG_NAMESPACE, "")
    assert page.count("<svg") >= 3  # the trend charts, inline
    # The long question is shown whole, as wrapped lines of its chart and in the table.
    assert long_question in page
    assert ">why does the printer on the<" in page and ">a PIN every morning<" in page


async def test_a_resolved_ticket_becomes_a_valid_faq_draft(sqlite_harness: Harness) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="Wie drukuje: printer on floor 2: offline"))
    await h.do(c.Reply(actor=BOB, number=1, text="Restart it from the **panel**."))
    await h.do(c.Note(actor=BOB, number=1, text="internal detail"))
    detail = await ticket_detail(h.db, 1)
    assert detail is not None
    entry_id, text = draft_entry(detail)
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["id"] == entry_id == "wie-drukuje-printer-on-floor-2-offline"
    assert meta["questions"] == ["Wie drukuje: printer on floor 2: offline"]
    assert body.strip() == "Restart it from the **panel**."
