"""The service desk end to end on a real database with a simulated clock: business-time
SLA clocks across a weekend and a holiday, waiting for the requester, reminders and
escalation once each, teams that only their own agents may take from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bots.wiring import build_core
from core import commands as c
from core.desk import SlaPolicy
from core.domain import Actor, Level, Priority, TicketKind
from core.events import Notice, PersonTarget
from core.faq.service import FaqService
from core.queries import list_tickets
from core.service.config import ServiceDesk, build_service
from core.service.loader import parse_service_text
from core.storage.db import Database
from tests.support import PLAIN_TUNING, FakeClock, Harness, RecordingSender, person, settings_for

WARSAW = ZoneInfo("Europe/Warsaw")
SERVICE = """\
calendars:
  office:
    timezone: Europe/Warsaw
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
    holidays: [HOLIDAYS]
teams:
  it: {categories: [it, general], lead: {test: LEAD}}
  facilities: {categories: [facilities]}
slas:
  - {name: p1-incident, match: {kind: incident, priority: P1}, first_response: 30m, resolution: 4h, calendar: office}
  - {name: default, first_response: 4h, resolution: 3d, calendar: office}
"""
ALICE = person("alice")
BOB = person("bob", agent=True)


def service(holidays: str = "") -> ServiceDesk:
    text = SERVICE.replace("HOLIDAYS", holidays).replace("lead: {test: LEAD}", "")
    desk = build_service(parse_service_text(text), first_response=timedelta(minutes=30))
    # Leads are per platform; the test platform's lead is "lena".
    it = desk.teams["it"]
    teams = dict(desk.teams)
    teams["it"] = type(it)(it.name, it.categories, it.places, {"test": "lena"})
    return ServiceDesk(teams, desk.default_team, desk.matrix, desk.policies, desk.calendars)


def warsaw(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=WARSAW).astimezone(UTC)


@asynccontextmanager
async def desk_at(
    tmp_path: Path, kb: Path, clock: FakeClock, desk_service: ServiceDesk
) -> AsyncIterator[Harness]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}")
    await db.upgrade()
    sender = RecordingSender()
    try:
        async with build_core(
            settings_for(kb),
            db=db,
            faq=FaqService(kb, "en"),
            clock=clock,
            senders={"test": sender},
            tuning=PLAIN_TUNING,
            service=desk_service,
        ) as core:
            yield Harness(db=db, desk=core.desk, dispatcher=core.dispatcher, sender=sender)
    finally:
        await db.dispose()


async def show_json(h: Harness, number: int, desk_service: ServiceDesk, now: datetime) -> Any:
    from core.queries import ticket_detail

    detail = await ticket_detail(h.db, number, desk_service, now)
    assert detail is not None
    return detail.to_json()


P1_INCIDENT = c.OpenTicket(
    actor=ALICE,
    text="the whole office is offline",
    category="it",
    kind=TicketKind.INCIDENT,
    impact=Level.HIGH,
    urgency=Level.HIGH,
)


async def test_a_p1_incident_on_friday_evening_is_due_on_monday_morning(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(4, 16, 50))  # Friday
    desk_service = service()
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(P1_INCIDENT)
        shown = await show_json(h, 1, desk_service, clock.now)
        assert (shown["kind"], shown["impact"], shown["urgency"]) == ("incident", "high", "high")
        assert (shown["priority"], shown["team"]) == ("P1", "it")
        sla = shown["sla"]
        assert sla["policy"] == "p1-incident"
        assert sla["first_response_due"] == warsaw(7, 9, 20).isoformat()  # Monday 09:20
        assert sla["resolution_due"] == warsaw(7, 12, 50).isoformat()
        assert (sla["paused"], sla["breached"], sla["first_response_at"]) == (False, [], None)
        assert sla["remaining_seconds"] == 30 * 60

        # Monday 09:05 the agent answers and waits for the requester until 10:05.
        clock.now = warsaw(7, 9, 5)
        await h.do(c.Reply(actor=BOB, number=1, text="which floor?"))
        await h.do(c.WaitForRequester(actor=BOB, number=1))
        clock.now = warsaw(7, 10, 5)
        paused = (await show_json(h, 1, desk_service, clock.now))["sla"]
        assert paused["paused"] is True
        await h.do(c.SendText(actor=ALICE, text="second floor"))
        sla = (await show_json(h, 1, desk_service, clock.now))["sla"]
        assert sla["paused"] is False
        assert sla["first_response_at"] == warsaw(7, 9, 5).isoformat()
        assert sla["resolution_due"] == warsaw(7, 13, 50).isoformat()  # the hour did not count
        # the first response was given before the wait: its target stays where it was
        assert sla["first_response_due"] == warsaw(7, 9, 20).isoformat()
        events = h.take()
        assert any(
            isinstance(e.payload, Notice) and e.payload.key == "ticket.waiting" for e in events
        )
        assert any("The requester answered" in line for line in h.texts_to_thread(events))


async def test_a_holiday_on_monday_moves_the_first_response_to_tuesday(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(4, 16, 50))
    desk_service = service('"2026-12-07"')
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(P1_INCIDENT)
        sla = (await show_json(h, 1, desk_service, clock.now))["sla"]
        assert sla["first_response_due"] == warsaw(8, 9, 20).isoformat()  # Tuesday 09:20


async def test_the_sla_loop_reminds_and_escalates_once_across_a_weekend_and_a_holiday(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(4, 16, 50))
    desk_service = service('"2026-12-07"')
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(P1_INCIDENT)
        h.take()
        # The loop's reminder of a requester waiting for an answer is not the subject here.
        loop = SlaPolicy(unclaimed=timedelta(minutes=30), reply=timedelta(days=30))
        for day, hour in ((5, 12), (6, 12), (7, 16)):  # Saturday, Sunday, the holiday
            clock.now = warsaw(day, hour)
            assert await h.desk.remind_overdue(loop) == 0
        clock.now = warsaw(8, 9, 13)  # 23 of 30 business minutes: past 75 %
        assert await h.desk.remind_overdue(loop) == 2
        assert await h.desk.remind_overdue(loop) == 0
        await h.dispatcher.run_until_idle()
        warned = h.take()
        assert [e.payload.key for e in warned if isinstance(e.payload, Notice)] == [
            "sla.warned.first_response"
        ]
        clock.now = warsaw(8, 9, 21)
        assert await h.desk.remind_overdue(loop) > 0
        assert await h.desk.remind_overdue(loop) == 0
        await h.dispatcher.run_until_idle()
        breached = h.take()
        to_lead = [e for e in breached if isinstance(e.target, PersonTarget)]
        assert [(e.target.user_id, e.payload.key) for e in to_lead] == [  # type: ignore[union-attr]
            ("lena", "sla.escalated.first_response")
        ]
        assert any("first response breached" in line for line in h.texts_to_thread(breached))
        shown = (await show_json(h, 1, desk_service, clock.now))["sla"]
        assert shown["breached"] == [
            {"target": "first_response", "at": warsaw(8, 9, 20).isoformat()}
        ]
        near = await list_tickets(h.db, service=desk_service, now=clock.now, breaching=True)
        assert [row.number for row in near] == [1]


async def test_only_the_team_of_a_ticket_may_claim_it_and_a_move_says_so(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(2, 10))
    desk_service = service()
    it_agent = Actor(
        platform="test", user_id="ian", display_name="Ian", is_agent=True, teams=("it",)
    )
    fac_agent = Actor(
        platform="test", user_id="fay", display_name="Fay", is_agent=True, teams=("facilities",)
    )
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="the door is stuck", category="facilities"))
        assert (await show_json(h, 1, desk_service, clock.now))["team"] == "facilities"
        refused = await h.do(c.Claim(actor=it_agent, number=1))
        assert refused.error is not None and refused.error.key == "error.other_team"
        await h.do(c.Classify(actor=it_agent, number=1, team="it"))
        moved = h.take()
        assert any("Moved to team it by Ian" in line for line in h.texts_to_thread(moved))
        refused = await h.do(c.Claim(actor=fac_agent, number=1))
        assert refused.error is not None and refused.error.key == "error.other_team"
        for change in (
            c.Classify(actor=fac_agent, number=1, kind=TicketKind.INCIDENT),
            c.SetPriority(actor=fac_agent, number=1, priority=Priority.P1),
        ):
            refused = await h.do(change)
            assert refused.error is not None and refused.error.key == "error.other_team_change"
        assert (await h.do(c.Claim(actor=it_agent, number=1))).error is None
        await h.do(c.Classify(actor=it_agent, number=1, kind=TicketKind.REQUEST, impact=Level.LOW))
        shown = await show_json(h, 1, desk_service, clock.now)
        assert (shown["kind"], shown["impact"], shown["urgency"], shown["priority"]) == (
            "request",
            "low",
            None,  # not given: it stays unknown, and counts as medium in the matrix
            "P4",
        )
        actions = [entry["action"] for entry in shown["audit"]]
        assert actions.count("classified") == 2


async def test_a_new_priority_matches_the_policy_again_on_the_same_clock(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(7, 9, 0))  # Monday
    desk_service = service()
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(c.OpenTicket(actor=ALICE, text="the printer smokes", kind=TicketKind.INCIDENT))
        sla = (await show_json(h, 1, desk_service, clock.now))["sla"]
        assert sla["policy"] == "default"
        assert sla["first_response_due"] == warsaw(7, 13, 0).isoformat()  # 4h
        clock.now = warsaw(7, 9, 10)
        await h.do(c.Classify(actor=BOB, number=1, impact=Level.HIGH, urgency=Level.HIGH))
        shown = await show_json(h, 1, desk_service, clock.now)
        assert (shown["priority"], shown["sla"]["policy"]) == ("P1", "p1-incident")
        assert shown["sla"]["first_response_due"] == warsaw(7, 9, 30).isoformat()
        assert shown["sla"]["remaining_seconds"] == 20 * 60


async def test_resolving_stops_the_resolution_clock_and_a_reopen_continues_it(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(7, 9, 0))  # Monday
    desk_service = service()
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(P1_INCIDENT)  # resolution due at 13:00: 4 business hours
        clock.now = warsaw(7, 9, 5)
        await h.do(c.Reply(actor=BOB, number=1, text="restarting the switch"))
        clock.now = warsaw(7, 10, 0)  # one hour used
        await h.do(c.Resolve(actor=BOB, number=1))
        clock.now = warsaw(7, 16, 0)  # long past 13:00, but resolved: nothing is due
        closed = (await show_json(h, 1, desk_service, clock.now))["sla"]
        assert (closed["remaining_seconds"], closed["breached"]) == (None, [])

        clock.now = warsaw(8, 9, 0)  # Tuesday: the time it was resolved does not count
        await h.do(c.Reopen(actor=ALICE, number=1))
        shown = await show_json(h, 1, desk_service, clock.now)
        assert shown["sla"]["resolution_due"] == warsaw(8, 12, 0).isoformat()
        assert shown["sla"]["remaining_seconds"] == 3 * 60 * 60
        assert shown["sla"]["breached"] == []
        assert [e["action"] for e in shown["audit"]][-2:] == ["resolved", "reopened"]


async def test_a_late_first_answer_stays_breached_after_a_later_wait(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(7, 9, 0))  # Monday 09:00: first response due 09:30
    desk_service = service()
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        await h.do(P1_INCIDENT)
        clock.now = warsaw(7, 10, 0)  # answered half an hour late
        await h.do(c.Reply(actor=BOB, number=1, text="which floor?"))
        await h.do(c.WaitForRequester(actor=BOB, number=1))
        clock.now = warsaw(7, 11, 0)
        await h.do(c.SendText(actor=ALICE, text="second floor"))
        sla = (await show_json(h, 1, desk_service, clock.now))["sla"]
        assert sla["first_response_due"] == warsaw(7, 9, 30).isoformat()
        assert [b["target"] for b in sla["breached"]] == ["first_response"]
        # the wait still moves the resolution's target by its hour
        assert sla["resolution_due"] == warsaw(7, 14, 0).isoformat()
