"""The SLA loop's rounds on a real database with a simulated clock: a requester waiting
for an answer is reminded by the ticket's own policy, in its business time, and a
backlog longer than one page of tickets is reminded in full."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core import commands as c
from core.desk import SlaPolicy
from core.events import Notice
from core.service.config import ServiceDesk, build_service
from core.service.loader import parse_service_text
from tests.support import FakeClock, Harness, person
from tests.unit.test_service_desk import desk_at, warsaw

ALICE = person("alice")
BOB = person("bob", agent=True)
# Without the file's `reply`, the built-in setting would remind after four wall-clock hours.
LOOP = SlaPolicy(unclaimed=timedelta(minutes=30), reply=timedelta(hours=4))

OFFICE = """\
calendars:
  office:
    timezone: Europe/Warsaw
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
slas:
  - {name: default, first_response: 8h, resolution: 5d, reply: 2h, calendar: office, remind: false, escalate: false}
"""


def office(reply: str = "reply: 2h, ") -> ServiceDesk:
    text = OFFICE.replace("reply: 2h, ", reply)
    return build_service(parse_service_text(text), first_response=timedelta(minutes=30))


def waiting_reminders(h: Harness) -> list[str]:
    return [
        str(e.payload.params["number"])
        for e in h.take()
        if isinstance(e.payload, Notice) and e.payload.key == "reminder.waiting"
    ]


async def claimed_and_asked_again(h: Harness, number: int) -> None:
    """Ticket `number` opened, answered by Bob, and the requester wrote again."""
    await h.do(c.OpenTicket(actor=ALICE, text=f"problem {number}"))
    await h.do(c.Reply(actor=BOB, number=number, text="looking"))
    await h.do(c.SendText(actor=ALICE, text="any news?", ticket_number=number))


async def test_a_waiting_requester_is_reminded_in_the_policys_business_time(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(4, 16, 30))  # Friday, half an hour before closing
    async with desk_at(tmp_path, small_kb, clock, office()) as h:
        await claimed_and_asked_again(h, 1)
        h.take()
        # Four wall-clock hours (the built-in setting) and the whole weekend: not yet.
        for day, hour, minute in ((4, 20, 31), (5, 12, 0), (6, 23, 0), (7, 10, 29)):
            clock.now = warsaw(day, hour, minute)
            await h.desk.remind_overdue(LOOP)
            assert waiting_reminders(h) == []
        # Half an hour on Friday and an hour and a half on Monday: two business hours.
        clock.now = warsaw(7, 10, 31)
        assert await h.desk.remind_overdue(LOOP) == 1
        await h.dispatcher.run_until_idle()
        assert waiting_reminders(h) == ["1"]
        # Once per period: again only after two more business hours.
        clock.now = warsaw(7, 12, 30)
        assert await h.desk.remind_overdue(LOOP) == 0
        clock.now = warsaw(7, 12, 32)
        assert await h.desk.remind_overdue(LOOP) == 1


async def test_without_reply_the_policys_first_response_target_is_the_period(
    tmp_path: Path, small_kb: Path
) -> None:
    clock = FakeClock(warsaw(7, 9, 0))  # Monday morning
    async with desk_at(tmp_path, small_kb, clock, office(reply="")) as h:
        await claimed_and_asked_again(h, 1)
        clock.now = warsaw(7, 16, 59)  # eight hours of the clock, not eight business hours
        await h.desk.remind_overdue(LOOP)
        await h.dispatcher.run_until_idle()
        assert waiting_reminders(h) == []
        clock.now = warsaw(8, 9, 1)  # Tuesday: the eighth business hour has passed
        assert await h.desk.remind_overdue(LOOP) == 1


async def test_a_backlog_longer_than_a_page_is_reminded_in_full(
    tmp_path: Path, small_kb: Path
) -> None:
    """Five tickets near their first response target, read two at a time; three claimed
    ones whose requesters wait, likewise: every one is reminded, once."""
    clock = FakeClock(warsaw(7, 9, 0))
    desk_service = build_service(parse_service_text(""), first_response=timedelta(minutes=30))
    async with desk_at(tmp_path, small_kb, clock, desk_service) as h:
        for number in range(1, 6):
            await h.do(c.OpenTicket(actor=ALICE, text=f"unclaimed {number}"))
        for number in range(6, 9):
            await claimed_and_asked_again(h, number)
        h.take()
        clock.advance(24 * 60)  # 24 of 30 minutes: past 75 % for the five
        assert await h.desk.remind_overdue(LOOP, page=2) == 10  # a reminder and a card each
        assert await h.desk.remind_overdue(LOOP, page=2) == 0
        await h.dispatcher.run_until_idle()
        warned = [
            e.payload.params["number"]
            for e in h.take()
            if isinstance(e.payload, Notice) and e.payload.key == "sla.warned.first_response"
        ]
        assert sorted(warned) == [1, 2, 3, 4, 5]
        clock.advance(4 * 3600)
        await h.desk.remind_overdue(LOOP, page=2)
        await h.dispatcher.run_until_idle()
        assert sorted(waiting_reminders(h)) == ["6", "7", "8"]
