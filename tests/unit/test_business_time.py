"""Business-time arithmetic: due times skip nights, weekends and holidays, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from core.service.calendar import BusinessCalendar, Hours
from core.service.durations import parse_duration

WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE_HOURS = {day: (Hours.parse("09:00-17:00"),) for day in range(5)}
OFFICE = BusinessCalendar("Europe/Warsaw", OFFICE_HOURS)


def warsaw(*parts: int) -> datetime:
    year, month, day, hour, minute = parts
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def test_friday_afternoon_plus_thirty_minutes_is_monday_morning() -> None:
    opened = warsaw(2026, 12, 4, 16, 50)  # a Friday
    assert OFFICE.add(opened, timedelta(minutes=30)) == warsaw(2026, 12, 7, 9, 20)


def test_a_holiday_on_monday_moves_the_due_time_to_tuesday() -> None:
    calendar = BusinessCalendar("Europe/Warsaw", OFFICE_HOURS, frozenset({date(2026, 12, 7)}))
    opened = warsaw(2026, 12, 4, 16, 50)
    assert calendar.add(opened, timedelta(minutes=30)) == warsaw(2026, 12, 8, 9, 20)


def test_business_hours_follow_the_wall_clock_across_daylight_saving() -> None:
    # Poland moved to summer time on Sunday 2026-03-29: Monday opens at 07:00 UTC, not 08:00.
    friday = warsaw(2026, 3, 27, 16, 0)
    assert OFFICE.add(friday, timedelta(hours=2)).astimezone(UTC) == datetime(
        2026, 3, 30, 8, 0, tzinfo=UTC
    )
    # A night calendar spanning the change counts the real, shorter night.
    nights = BusinessCalendar("Europe/Warsaw", {6: (Hours.parse("00:00-04:00"),)})
    assert nights.between(warsaw(2026, 3, 29, 0, 0), warsaw(2026, 3, 29, 5, 0)) == timedelta(
        hours=3
    )


def test_time_outside_opening_hours_does_not_count() -> None:
    saturday = warsaw(2026, 12, 5, 10, 0)
    assert OFFICE.between(saturday, warsaw(2026, 12, 6, 18, 0)) == timedelta()
    assert OFFICE.between(warsaw(2026, 12, 4, 16, 0), warsaw(2026, 12, 7, 10, 0)) == timedelta(
        hours=2
    )


def test_durations_are_written_as_people_write_them() -> None:
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("2d") == timedelta(hours=16)  # two working days of eight hours
    for bad in ("", "30", "0m", "3 weeks", "h"):
        try:
            parse_duration(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
amounts = st.integers(min_value=0, max_value=60 * 24 * 30).map(lambda m: timedelta(minutes=m))
calendars = st.sampled_from(
    [
        OFFICE,
        BusinessCalendar("Europe/Warsaw", OFFICE_HOURS, frozenset({date(2026, 12, 24)})),
        BusinessCalendar(
            "America/New_York",
            {d: (Hours.parse("00:00-03:30"), Hours.parse("22:00-24:00")) for d in range(7)},
        ),
        BusinessCalendar(),
    ]
)


@settings(max_examples=150, deadline=None)
@given(calendars, moments, amounts)
def test_adding_business_time_then_measuring_it_gives_it_back(
    calendar: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    due = calendar.add(start, amount)
    assert due >= start
    assert calendar.between(start, due) == amount


@settings(max_examples=150, deadline=None)
@given(calendars, moments, amounts, amounts)
def test_business_time_adds_up(
    calendar: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    middle = calendar.add(start, first)
    assert calendar.add(middle, second) == calendar.add(start, first + second)
    end = middle + second  # wall-clock time after the middle
    assert calendar.between(start, end) == calendar.between(start, middle) + calendar.between(
        middle, end
    )


@settings(max_examples=100, deadline=None)
@given(calendars, moments, amounts.filter(lambda a: a > timedelta()))
def test_a_due_time_falls_while_the_calendar_is_open_or_at_its_closing(
    calendar: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    due = calendar.add(start, amount)
    just_before = due - timedelta(microseconds=1)
    assert calendar.is_open(just_before)
