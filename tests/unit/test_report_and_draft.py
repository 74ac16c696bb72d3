"""What a team lead reads in `helpdesk report`, and the FAQ draft from a ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import yaml

from bots.report_render import RENDERERS
from core import commands as c
from core.faq_draft import draft_entry
from core.queries import ticket_detail
from core.report import build_report
from tests.support import Harness, person

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
    report = await build_report(h.db, now - timedelta(days=1), now + timedelta(minutes=1))
    assert report.questions == 4  # the photo sent without words opened a conversation too
    assert report.answered == 1 and report.unanswered == 3
    assert report.deflection_rate == round(1 / 4, 4)
    assert report.tickets_opened == 1 and report.tickets_resolved == 1
    assert report.sla_compliance == 1.0
    assert report.csat_average == 4 and report.csat_satisfied_share == 1.0
    assert report.top_unanswered == [{"question": "the coffee machine leaks", "count": 2}]
    text = RENDERERS["text"](report)
    assert "FAQ deflection rate" in text and "25.0 %" in text
    assert RENDERERS["csv"](report).startswith("metric,value")
    assert "<svg" in RENDERERS["html"](report)


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
