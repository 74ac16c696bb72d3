"""Business time: the hours a calendar counts, and arithmetic on them.

A calendar is a time zone, opening hours per weekday and holidays. Business time
is the real time that passes while the calendar is open: every interval is read in
the calendar's zone (zoneinfo, so daylight saving changes count as the clocks say)
and measured in UTC. Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead a search for open hours looks before it gives up (a calendar whose
# every day is a holiday is refused by the configuration long before this).
_HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class Hours:
    """One opening interval of a day, in minutes after local midnight (end may be 1440)."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> Hours:
        """`09:00-17:00` (and `00:00-24:00` for a whole day); ValueError otherwise."""
        try:
            first, last = (part.strip() for part in str(text).split("-"))
            start, end = _minutes(first), _minutes(last)
        except ValueError:
            raise ValueError(f"not opening hours like 09:00-17:00: {text!r}") from None
        if not 0 <= start < end <= 24 * 60:
            raise ValueError(f"opening hours must start before they end: {text!r}")
        return cls(start, end)


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(clock)
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > 24 * 60:
        raise ValueError(clock)
    return value


def _local(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Local wall-clock `minutes` after midnight of `day`, as a UTC instant."""
    if minutes == 24 * 60:
        day, minutes = day + timedelta(days=1), 0
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return wall.astimezone(UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours per weekday (0 = Monday) in one zone, minus holidays."""

    timezone: str = "UTC"
    hours: Mapping[int, tuple[Hours, ...]] = field(
        default_factory=lambda: {day: (Hours(0, 24 * 60),) for day in range(7)}
    )
    holidays: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def always_open(self) -> bool:
        return not self.holidays and all(
            self.hours.get(day) == (Hours(0, 24 * 60),) for day in range(7)
        )

    def _intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) that end after `since`, in order, from its local day on."""
        zone = self.zone
        day = since.astimezone(zone).date() - timedelta(days=1)  # an interval may span midnight
        for _ in range(_HORIZON_DAYS):
            if day not in self.holidays:
                for hours in self.hours.get(day.weekday(), ()):
                    start, end = _local(day, hours.start, zone), _local(day, hours.end, zone)
                    if end > start and end > since:
                        yield max(start, since), end
            day += timedelta(days=1)
        raise ValueError("the calendar has no open hours in the next three years")

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant when `amount` of business time has passed since `start`.

        Ticket opened Friday 16:50 in a 09:00-17:00 calendar, plus 30 minutes:
        Monday 09:20. Zero is `start` itself.
        """
        start = _utc(start)
        if amount <= timedelta():
            return start
        left = amount
        for begin, end in self._intervals(start):
            if end - begin >= left:
                return begin + left
            left -= end - begin
        raise AssertionError("unreachable: _intervals raises at its horizon")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time from `start` to `end` (zero when `end` is not later)."""
        start, end = _utc(start), _utc(end)
        total = timedelta()
        if end <= start:
            return total
        if self.always_open:
            return end - start
        for begin, finish in self._intervals(start):
            if begin >= end:
                break
            total += min(finish, end) - begin
        return total

    def is_open(self, moment: datetime) -> bool:
        moment = _utc(moment)
        for begin, end in self._intervals(moment):
            return begin <= moment < end
        return False


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to a business calendar")
    return moment.astimezone(UTC)


def weekday_index(name: str) -> int:
    """`mon` -> 0 ... `sun` -> 6; ValueError for anything else."""
    return WEEKDAYS.index(name.strip().lower()[:3])
