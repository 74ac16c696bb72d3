"""The service file's validated shape, and what the desk asks of it.

`ServiceConfig` is the file as written (pydantic checks every key); `ServiceDesk` is what
the desk uses: calendars ready for arithmetic, the team of a category, the priority of
an impact and an urgency, the SLA policy of a ticket (first match wins).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from core.domain import CATEGORIES, DEFAULT_PRIORITY, Level, Priority, TicketKind
from core.service.calendar import WEEKDAYS, BusinessCalendar, Hours, weekday_index
from core.service.durations import parse_duration

ALWAYS = "always"  # the built-in calendar: every hour of every day, UTC
DEFAULT_TEAM = "general"
WARN_PERCENT = 75
TARGETS: tuple[str, ...] = ("first_response", "resolution")
# The messengers whose agents' places serve each other's requesters (the console and the
# web console are surfaces of their own: a console ticket stays on the console).
MESSENGERS: tuple[str, ...] = ("slack", "telegram")

AgentsPlace = tuple[str, str | None]
"""(platform, place): a team's channel or group there; None: the platform's default one."""


def _duration(value: object) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return parse_duration(str(value))


Duration = Annotated[timedelta | None, BeforeValidator(_duration)]


def _listed(value: object) -> object:
    """`kind: incident` and `kind: [incident, request]` both mean a list."""
    return [value] if isinstance(value, str | int) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CalendarSpec(_Strict):
    timezone: str = "UTC"
    hours: dict[str, list[str]] = Field(default_factory=dict)
    holidays: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Warsaw)") from None
        return value

    @field_validator("hours")
    @classmethod
    def _weekdays(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, spans in value.items():
            if day.strip().lower() not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}: use {', '.join(WEEKDAYS)}")
            parsed = sorted((Hours.parse(span) for span in spans), key=lambda h: h.start)
            for earlier, later in itertools.pairwise(parsed):
                if later.start < earlier.end:
                    raise ValueError(f"opening hours of {day} overlap")
        if value and not any(value.values()):
            raise ValueError("the calendar is never open")
        return value

    def build(self) -> BusinessCalendar:
        if not self.hours:
            return BusinessCalendar(self.timezone, holidays=frozenset(self.holidays))
        hours = {
            weekday_index(day): tuple(
                sorted((Hours.parse(s) for s in spans), key=lambda h: h.start)
            )
            for day, spans in self.hours.items()
        }
        return BusinessCalendar(self.timezone, hours, frozenset(self.holidays))


class LeadSpec(_Strict):
    """Who hears of a breach, per platform: a Slack user id, a Telegram user id."""

    slack: str | None = None
    telegram: int | None = None


class TeamSpec(_Strict):
    categories: Annotated[list[str], BeforeValidator(_listed)] = Field(default_factory=list)
    slack_channel: str | None = None
    telegram_chat: int | None = None
    lead: LeadSpec | None = None
    default: bool = False

    @field_validator("categories")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [str(item).strip().lower() for item in value if str(item).strip()]


class MatchSpec(_Strict):
    kind: Annotated[list[TicketKind], BeforeValidator(_listed)] | None = None
    priority: Annotated[list[Priority], BeforeValidator(_listed)] | None = None
    team: Annotated[list[str], BeforeValidator(_listed)] | None = None


class SlaSpec(_Strict):
    name: str
    match: MatchSpec | None = None
    first_response: Duration = None
    resolution: Duration = None
    # How long a requester may wait for an agent's answer on a claimed ticket before the
    # thread is reminded (again each such period); default: the first response target.
    reply: Duration = None
    calendar: str = ALWAYS
    remind: bool = True  # reminders in the ticket's thread at WARN_PERCENT and at breach
    escalate: bool = True  # at breach, a direct message to the team's lead
    warn_percent: int = Field(WARN_PERCENT, ge=1, le=99)

    @model_validator(mode="after")
    def _some_target(self) -> SlaSpec:
        if self.first_response is None and self.resolution is None:
            raise ValueError("give first_response, resolution or both")
        return self


STANDARD_MATRIX: dict[Level, dict[Level, Priority]] = {
    Level.HIGH: {Level.HIGH: Priority.P1, Level.MEDIUM: Priority.P2, Level.LOW: Priority.P3},
    Level.MEDIUM: {Level.HIGH: Priority.P2, Level.MEDIUM: Priority.P3, Level.LOW: Priority.P4},
    Level.LOW: {Level.HIGH: Priority.P3, Level.MEDIUM: Priority.P4, Level.LOW: Priority.P4},
}


class ServiceConfig(_Strict):
    calendars: dict[str, CalendarSpec] = Field(default_factory=dict)
    teams: dict[str, TeamSpec] = Field(default_factory=dict)
    priority_matrix: dict[Level, dict[Level, Priority]] = Field(
        default_factory=lambda: {k: dict(v) for k, v in STANDARD_MATRIX.items()}
    )
    slas: list[SlaSpec] = Field(default_factory=list)

    @field_validator("teams")
    @classmethod
    def _team_names(cls, value: dict[str, TeamSpec]) -> dict[str, TeamSpec]:
        for name in value:
            if not name or name != name.strip().lower() or " " in name:
                raise ValueError(f"team names are one lower-case word: {name!r}")
        if sum(team.default for team in value.values()) > 1:
            raise ValueError("at most one team is the default")
        return value

    @field_validator("priority_matrix")
    @classmethod
    def _whole_matrix(
        cls, value: dict[Level, dict[Level, Priority]]
    ) -> dict[Level, dict[Level, Priority]]:
        for impact in Level:
            for urgency in Level:
                if urgency not in value.get(impact, {}):
                    raise ValueError(f"no priority for impact {impact}, urgency {urgency}")
        return value

    @model_validator(mode="after")
    def _references(self) -> ServiceConfig:
        known = set(self.calendars) | {ALWAYS}
        for index, sla in enumerate(self.slas):
            if sla.calendar not in known:
                raise ValueError(f"slas[{index}] ({sla.name}): no calendar named {sla.calendar!r}")
            for team in (sla.match.team or []) if sla.match else []:
                if self.teams and team not in self.teams:
                    raise ValueError(f"slas[{index}] ({sla.name}): no team named {team!r}")
        if self.slas and self.slas[-1].match is not None:
            raise ValueError("the last SLA policy must have no `match`: it catches every ticket")
        names = [sla.name for sla in self.slas]
        if len(set(names)) != len(names):
            raise ValueError("two SLA policies have the same name")
        return self


@dataclass(frozen=True)
class Team:
    name: str
    categories: tuple[str, ...]
    places: Mapping[str, str]  # platform -> the agents' place there (channel or chat id)
    leads: Mapping[str, str]  # platform -> the lead's user id there


@dataclass(frozen=True)
class Policy:
    name: str
    calendar: BusinessCalendar
    targets: Mapping[str, timedelta]  # target name -> how much business time it allows
    remind: bool = True
    escalate: bool = True
    warn_percent: int = WARN_PERCENT
    match: MatchSpec | None = None
    reply: timedelta | None = None  # None: HELPDESK_SLA_REPLY_MINUTES (the built-in policy)

    def matches(self, kind: TicketKind | None, priority: Priority, team: str) -> bool:
        if self.match is None:
            return True
        m = self.match
        return (
            (m.kind is None or (kind is not None and kind in m.kind))
            and (m.priority is None or priority in m.priority)
            and (m.team is None or team in m.team)
        )


@dataclass(frozen=True)
class ServiceDesk:
    """The service configuration as the desk uses it."""

    teams: Mapping[str, Team]
    default_team: str
    matrix: Mapping[Level, Mapping[Level, Priority]]
    policies: tuple[Policy, ...]
    calendars: Mapping[str, BusinessCalendar] = field(default_factory=dict)
    # The messengers this deployment runs (their credentials are set); None: every one.
    platforms: frozenset[str] | None = None

    def priority_of(self, impact: Level | None, urgency: Level | None) -> Priority:
        if impact is None and urgency is None:
            return DEFAULT_PRIORITY
        return self.matrix[impact or Level.MEDIUM][urgency or Level.MEDIUM]

    def team_of_category(self, category: str) -> str:
        for team in self.teams.values():
            if category in team.categories:
                return team.name
        return self.default_team

    def team(self, name: str | None) -> Team:
        return self.teams.get(name or self.default_team) or self.teams[self.default_team]

    def policy(self, name: str | None) -> Policy | None:
        return next((p for p in self.policies if p.name == name), None)

    def policy_for(self, kind: TicketKind | None, priority: Priority, team: str | None) -> Policy:
        team_name = team or self.default_team
        for policy in self.policies:
            if policy.matches(kind, priority, team_name):
                return policy
        return self.policies[-1]

    def areas(self) -> tuple[str, ...]:
        """The categories triage offers, in the file's order."""
        seen: list[str] = []
        for team in self.teams.values():
            seen += [c for c in team.categories if c not in seen]
        return tuple(seen)

    def runs(self, platform: str) -> bool:
        return self.platforms is None or platform in self.platforms

    def ticket_places(self, team: str | None, platform: str) -> tuple[AgentsPlace, ...]:
        """Where the agents of `team` work on a ticket opened on `platform`: the team's place
        on every messenger the desk runs, the requester's own platform first. A team with
        no place on any of them falls back to the requester's platform's default place; a
        ticket of another surface (the console) stays there."""
        places = self.team(team).places
        if platform not in MESSENGERS:
            return ((platform, places.get(platform)),)
        ordered = sorted(MESSENGERS, key=lambda messenger: messenger != platform)
        found = tuple((p, places[p]) for p in ordered if places.get(p) and self.runs(p))
        return found or ((platform, None),)


def build_service(
    config: ServiceConfig,
    *,
    first_response: timedelta,
    env_places: Mapping[str, str] | None = None,
    platforms: frozenset[str] | None = None,
) -> ServiceDesk:
    """The desk's view of `config`; `first_response` is the built-in policy's target,
    `env_places` the agents' places of the environment (the default team's) and
    `platforms` the messengers the deployment runs (None: every one the file names)."""
    calendars = {ALWAYS: BusinessCalendar()}
    calendars |= {name: spec.build() for name, spec in config.calendars.items()}
    specs: dict[str, TeamSpec] = dict(config.teams) or {
        DEFAULT_TEAM: TeamSpec(categories=list(CATEGORIES), default=True)
    }
    default = next((n for n, t in specs.items() if t.default), next(iter(specs)))
    teams = {
        name: _team(name, spec, (env_places or {}) if name == default else {})
        for name, spec in specs.items()
    }
    policies = tuple(_policy(spec, calendars) for spec in config.slas) or (
        Policy(
            name="default", calendar=calendars[ALWAYS], targets={"first_response": first_response}
        ),
    )
    matrix = {impact: dict(row) for impact, row in config.priority_matrix.items()}
    return ServiceDesk(teams, default, matrix, policies, calendars, platforms)


def _team(name: str, spec: TeamSpec, fallback_places: Mapping[str, str]) -> Team:
    places = dict(fallback_places)
    if spec.slack_channel:
        places["slack"] = spec.slack_channel
    if spec.telegram_chat is not None:
        places["telegram"] = str(spec.telegram_chat)
    places["console"] = name
    leads: dict[str, str] = {}
    if spec.lead is not None and spec.lead.slack:
        leads["slack"] = spec.lead.slack
    if spec.lead is not None and spec.lead.telegram is not None:
        leads["telegram"] = str(spec.lead.telegram)
    return Team(name, tuple(spec.categories), places, leads)


def _policy(spec: SlaSpec, calendars: Mapping[str, BusinessCalendar]) -> Policy:
    targets = {
        name: value
        for name, value in (
            ("first_response", spec.first_response),
            ("resolution", spec.resolution),
        )
        if value is not None
    }
    return Policy(
        name=spec.name,
        calendar=calendars[spec.calendar],
        targets=targets,
        remind=spec.remind,
        escalate=spec.escalate,
        warn_percent=spec.warn_percent,
        match=spec.match,
        reply=spec.reply or spec.first_response,
    )


def default_service(first_response: timedelta = timedelta(minutes=30)) -> ServiceDesk:
    """The built-in service: one team for every category, one policy, always open."""
    return build_service(ServiceConfig(), first_response=first_response)
