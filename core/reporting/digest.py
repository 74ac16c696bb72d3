"""The weekly digest: the last seven days' headline numbers against the seven before, posted
once to each team's agents' place at the configured weekday and time (UTC)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from core.events import AgentsTarget, Event, Notice
from core.reporting.history import load_history
from core.reporting.metrics import Metrics, Window, compute
from core.reporting.policy import ReportPolicy
from core.service.config import DEFAULT_TEAM, ServiceDesk
from core.storage.db import Database

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEK = timedelta(days=7)
LATE_AFTER = timedelta(hours=24)  # a digest missed for longer (the bot was down) is skipped
_SCHEDULE = re.compile(r"^\s*([a-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int  # Monday 0
    at: time  # UTC

    def latest(self, now: datetime) -> datetime:
        """The last scheduled moment at or before `now`."""
        day = now.date() - timedelta(days=(now.weekday() - self.weekday) % 7)
        moment = datetime.combine(day, self.at, tzinfo=now.tzinfo)
        return moment if moment <= now else moment - WEEK


def parse_schedule(value: str) -> DigestSchedule | None:
    """`off` (None), or a weekday and a UTC time: `mon 09:00`, `friday 16:30`."""
    if value.strip().lower() in ("", "off", "no", "false", "0"):
        return None
    found = _SCHEDULE.match(value.lower())
    if found is None or found.group(1) not in WEEKDAYS:
        raise ValueError("use off, or a weekday and a UTC time such as 'mon 09:00'")
    hour, minute = int(found.group(2)), int(found.group(3))
    if hour > 23 or minute > 59:
        raise ValueError("the time must be between 00:00 and 23:59")
    return DigestSchedule(WEEKDAYS.index(found.group(1)), time(hour, minute))


def _value(number: float | int | None, *, percent: bool = False) -> str:
    if number is None:
        return "–"
    if percent:
        return f"{number * 100:.0f}%"
    return f"{number:g}"


def _minutes(seconds: int | None) -> str:
    return "–" if seconds is None else str(round(seconds / 60))


def digest_params(week: Metrics, before: Metrics) -> dict[str, str | int]:
    params: dict[str, str | int] = {
        "since": week.since.date().isoformat(),
        "until": (week.until - timedelta(seconds=1)).date().isoformat(),
        "backlog": week.tickets.backlog,
    }
    for name, this, last in [
        ("asked", week.questions.asked, before.questions.asked),
        ("deflected", week.deflection.deflected, before.deflection.deflected),
        ("opened", week.tickets.opened, before.tickets.opened),
        ("resolved", week.tickets.resolved, before.tickets.resolved),
        ("csat", week.csat.mean, before.csat.mean),
    ]:
        params[name], params[f"{name}_before"] = _value(this), _value(last)
    params["sla"] = _value(week.sla.compliance, percent=True)
    params["sla_before"] = _value(before.sla.compliance, percent=True)
    params["response"] = _minutes(week.first_response.p50_seconds)
    params["response_before"] = _minutes(before.first_response.p50_seconds)
    return params


def report_link(public_url: str, week: Metrics) -> str:
    last_day = (week.until - timedelta(seconds=1)).date().isoformat()
    return (
        f"{public_url.rstrip('/')}/console/reports?since={week.since.date().isoformat()}"
        f"&until={last_day}&by=day"
    )


def team_places(service: ServiceDesk) -> dict[str, dict[str, str]]:
    """Each team's agents' places: team -> platform -> channel or group id."""
    return {name: dict(team.places) for name, team in service.teams.items()}


def digest_events(
    week: Metrics,
    before: Metrics,
    platforms: list[str],
    lang: str,
    public_url: str | None,
    places: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Event]:
    """The digest for each team's agents' place on every platform (`places`: team ->
    platform -> channel or group); without teams, the platforms' default places."""
    teams = places or {DEFAULT_TEAM: {}}
    events = []
    posted: set[tuple[str, str | None]] = set()  # teams sharing a place get it once
    for team, team_places in teams.items():
        for platform in platforms:
            if platform not in team_places and team != DEFAULT_TEAM:
                continue  # this team has no place there (the default team has the platform's)
            if (platform, team_places.get(platform)) in posted:
                continue
            posted.add((platform, team_places.get(platform)))
            target = AgentsTarget(platform=platform, team=team, place=team_places.get(platform))
            notice = Notice(key="digest.weekly", params=digest_params(week, before))
            events.append(Event(target=target, lang=lang, payload=notice))
            if public_url:
                url = report_link(public_url, week)
                events.append(
                    Event(
                        target=target,
                        lang=lang,
                        payload=Notice(key="digest.report_link", params={"url": url}),
                    )
                )
    return events


async def weekly_digest(
    db: Database,
    policy: ReportPolicy,
    schedule: DigestSchedule,
    now: datetime,
) -> tuple[str, Metrics, Metrics] | None:
    """The digest due now (its once-only key, this week's and last week's numbers), or None
    when the last scheduled moment is too long past to be worth posting."""
    moment = schedule.latest(now)
    if now - moment > LATE_AFTER:
        return None
    # The seven whole UTC days before the digest's day (what the web report shows too).
    end = datetime.combine(moment.date(), time(), tzinfo=moment.tzinfo)
    history = await load_history(db, end - 2 * WEEK, end, as_of=now)
    week = compute(history, policy, Window(end - WEEK, end))
    before = compute(history, policy, Window(end - 2 * WEEK, end - WEEK))
    return f"digest:{moment.isoformat()}", week, before
