"""A ticket opened with its text opens at once; the requester is then asked, one optional
question at a time, what is still unknown, and each answer updates the ticket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core import commands as c
from core.domain import Level, Priority
from core.events import Event, Notice, PersonTarget, TicketOpened, TriageStep
from core.presenter import render_text
from tests.support import FakeClock, Harness, person
from tests.unit.test_service_desk import desk_at, service, show_json, warsaw

ALICE = person("alice")
CAROL = person("carol")
BOB = person("bob", agent=True)


def steps(events: list[Event]) -> list[tuple[str, int | None]]:
    return [
        (e.payload.step, e.payload.ticket_number)
        for e in events
        if isinstance(e.payload, TriageStep)
    ]


def notices(events: list[Event]) -> list[str]:
    return [e.payload.key for e in events if isinstance(e.payload, Notice)]


async def answer(h: Harness, step: str, value: str, who: Any = ALICE) -> list[Event]:
    outcome = await h.do(c.TriageAnswer(actor=who, number=1, step=step, value=value))
    assert outcome.error is None, outcome.error
    return h.take()


async def test_the_ticket_opens_first_then_each_answer_updates_it(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(7, 10))  # Monday morning
    desk_service = service()
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="VPN does not work from home", triage=True))
        opened = [e for e in h.take() if isinstance(e.target, PersonTarget)]
        assert isinstance(opened[0].payload, TicketOpened)  # the first answer, as always
        # The FAQ's entry named the area (it): what it is comes first, then impact, urgency.
        assert steps(opened) == [("kind", 1)]
        shown = await show_json(h, 1, desk_service, clock.now)
        assert (shown["category"], shown["kind"], shown["priority"]) == ("it", None, "P3")

        events = await answer(h, "kind", "incident")
        assert steps(events) == [("impact", 1)]
        assert any("Details from the requester" in line for line in h.texts_to_thread(events))
        events = await answer(h, "impact", "high")
        assert steps(events) == [("urgency", 1)]
        events = await answer(h, "urgency", "high")
        assert steps(events) == [] and notices(events) == ["ticket.details_done"]

        shown = await show_json(h, 1, desk_service, clock.now)
        assert (shown["kind"], shown["impact"], shown["urgency"]) == ("incident", "high", "high")
        # The matrix gave P1, and an incident at P1 has its own SLA policy: 30 minutes.
        assert (shown["priority"], shown["sla"]["policy"]) == ("P1", "p1-incident")
        assert shown["sla"]["first_response_due"] == warsaw(7, 10, 30).isoformat()
        triaged = [entry for entry in shown["audit"] if entry["action"] == "triaged"]
        assert [entry["actor"] for entry in triaged] == ["Alice"] * 3
        assert triaged[0]["detail"]["kind"] == "incident"


async def test_a_skip_ends_the_questions(tmp_path: Path, small_kb: Path) -> None:
    clock = FakeClock(warsaw(7, 10))
    desk_service = service()
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="VPN does not work from home", triage=True))
        h.take()
        await answer(h, "kind", "request")
        events = await answer(h, "impact", c.SKIPPED)
        assert steps(events) == [] and notices(events) == ["ticket.details_done"]
        assert h.texts_to("alice", events) == ["Thank you. An agent will reply to ticket #1 here."]
        shown = await show_json(h, 1, desk_service, clock.now)
        assert (shown["kind"], shown["impact"], shown["urgency"]) == ("request", None, None)


async def test_what_an_agent_set_meanwhile_stands(tmp_path: Path, small_kb: Path) -> None:
    clock = FakeClock(warsaw(7, 10))
    desk_service = service()
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="VPN does not work from home", triage=True))
        await answer(h, "kind", "incident")  # asked: impact
        await h.do(c.Classify(actor=BOB, number=1, impact=Level.LOW))
        await h.do(c.SetPriority(actor=BOB, number=1, priority=Priority.P2))
        h.take()
        events = await answer(h, "impact", "high")
        assert steps(events) == [("urgency", 1)]  # the questions go on
        assert not any("Details from the requester" in x for x in h.texts_to_thread(events))
        await answer(h, "urgency", "high")
        shown = await show_json(h, 1, desk_service, clock.now)
        # The agent's impact and priority stand; the urgency nobody had set is the requester's.
        assert (shown["impact"], shown["urgency"], shown["priority"]) == ("low", "high", "P2")


async def test_an_unknown_area_is_asked_and_its_answer_moves_the_ticket(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(7, 10))
    desk_service = service()
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="the door is stuck", triage=True))
        h.take()
        shown = await show_json(h, 1, desk_service, clock.now)
        assert (shown["category"], shown["team"]) == ("general", "it")  # the FAQ had no area
        events = await answer(h, "kind", c.SKIPPED)
        assert notices(events) == ["ticket.details_done"]  # a skip ends even the first one

        await h.do(c.OpenTicket(actor=CAROL, text="the window is stuck", triage=True))
        h.take()
        outcome = await h.do(c.TriageAnswer(actor=CAROL, number=2, step="kind", value="incident"))
        assert outcome.error is None
        [step] = [e.payload for e in h.take() if isinstance(e.payload, TriageStep)]
        assert step.step == "category"
        assert [choice.value for choice in step.choices] == ["it", "general", "facilities"]
        outcome = await h.do(
            c.TriageAnswer(actor=CAROL, number=2, step="category", value="facilities")
        )
        assert outcome.error is None
        moved = h.take()
        assert any("Moved to team facilities by Carol" in x for x in h.texts_to_thread(moved))
        assert steps(moved) == [("impact", 2)]
        shown = await show_json(h, 2, desk_service, clock.now)
        assert (shown["category"], shown["team"]) == ("facilities", "facilities")


async def test_only_the_requester_answers_and_only_what_was_offered(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(7, 10))
    async with desk_at(tmp_path, small_kb, clock, service()) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="VPN does not work from home", triage=True))
        h.take()
        refused = await h.do(c.TriageAnswer(actor=CAROL, number=1, step="kind", value="request"))
        assert refused.error is not None and refused.error.key == "error.unknown_ticket"
        refused = await h.do(c.TriageAnswer(actor=ALICE, number=1, step="kind", value="P1"))
        assert refused.error is not None and refused.error.key == "error.bad_input"
        refused = await h.do(c.TriageAnswer(actor=ALICE, number=1, step="team", value="it"))
        assert refused.error is not None


async def test_a_ticket_opened_without_triage_asks_nothing(tmp_path: Path, small_kb: Path) -> None:
    """A ticket made of someone's message (a reaction, a shortcut) is not followed by
    questions to the person who made it."""
    clock = FakeClock(warsaw(7, 10))
    async with desk_at(tmp_path, small_kb, clock, service()) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="VPN does not work from home"))
        events = h.take()
        assert steps(events) == []
        assert render_text(events[0]).startswith("Ticket #1 opened")
