"""What the report asks of the service's policies: SLA targets, business time, teams.

These three functions are the only places the report reads targets, durations and teams.
With a service file they are the service desk's: a ticket's SLA policy (the one its clock
recorded, else the first that matches it), business time in that policy's calendar less
the time the clock stood still, and the ticket's team. Without one, the built-in targets
apply: claimed within HELPDESK_SLA_UNCLAIMED_MINUTES and answered within
HELPDESK_SLA_REPLY_MINUTES, in wall time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.domain import DEFAULT_PRIORITY, Priority, TicketKind
from core.reporting.history import TicketFacts
from core.service.calendar import BusinessCalendar
from core.service.config import Policy, ServiceDesk, default_service


@dataclass(frozen=True)
class SlaTarget:
    """One promise made for a ticket: `name` is due at `due_at`, kept at `met_at` (or not)."""

    name: str  # claim | first_response | resolution
    due_at: datetime | None  # None: the clock stopped before it fell due and stands still
    met_at: datetime | None


@dataclass(frozen=True)
class ReportPolicy:
    """The targets, business time and teams the report counts by.

    `service` is the service desk (its teams always; its SLA policies and calendars when
    `service_targets`, as with a service file). Without them the built-in targets apply:
    the minutes below, in wall time.
    """

    claim_minutes: int = 30
    first_response_minutes: int = 240
    service: ServiceDesk = field(default_factory=default_service)
    service_targets: bool = False

    def sla_targets(self, ticket: TicketFacts) -> list[SlaTarget]:
        """The SLA targets of a ticket, each with when it fell due and when it was kept.

        Resolving a ticket answers its requester too, so a resolution keeps a first
        response nobody gave before it.
        """
        answered = _earliest(ticket.first_response_at, ticket.first_resolved_at)
        policy = self.policy_of(ticket)
        if policy is None:
            claimed = _earliest(ticket.first_claimed_at, answered)
            return [
                SlaTarget("claim", ticket.created_at + _minutes(self.claim_minutes), claimed),
                SlaTarget(
                    "first_response",
                    ticket.created_at + _minutes(self.first_response_minutes),
                    answered,
                ),
            ]
        kept = {"first_response": answered, "resolution": ticket.resolved_for_good_at}
        return [
            SlaTarget(name, _due(policy.calendar, ticket, allowed, kept.get(name)), kept.get(name))
            for name, allowed in policy.targets.items()
        ]

    def duration(self, ticket: TicketFacts, start: datetime, end: datetime) -> timedelta:
        """The business time between two instants for this ticket: its policy's calendar
        open hours, less the time its clock stood still (waiting for the requester,
        resolved before a reopen); wall time without a service file."""
        policy = self.policy_of(ticket)
        if policy is None:
            return max(timedelta(0), end - start)
        calendar = policy.calendar
        open_time = calendar.between(start, end)
        return max(timedelta(0), open_time - _paused(calendar, ticket.pauses(), start, end))

    def team_of(self, ticket: TicketFacts) -> str:
        """The ticket's team (tickets from before teams: the default team)."""
        return ticket.team or self.service.default_team

    def teams(self) -> tuple[str, ...]:
        """The service's teams, in the service file's order."""
        return tuple(self.service.teams)

    def policy_of(self, ticket: TicketFacts) -> Policy | None:
        """The SLA policy of a ticket: the one its clock recorded, else the first that
        matches it now (None: the built-in targets)."""
        if not self.service_targets:
            return None
        recorded = self.service.policy(ticket.sla_policy)
        if recorded is not None:
            return recorded
        return self.service.policy_for(
            _kind(ticket.kind), _priority(ticket.priority), self.team_of(ticket)
        )


def _minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


def _due(
    calendar: BusinessCalendar, ticket: TicketFacts, allowed: timedelta, kept_at: datetime | None
) -> datetime | None:
    """When `allowed` business time has been used since opening, pauses not counted (only
    those before the target was kept: a resolution's own stop moves nothing). None while
    a pause that began before then still lasts."""
    pauses = ticket.pauses()
    if kept_at is not None:  # what came after the target was kept moves nothing
        pauses = [(b, min(f or kept_at, kept_at)) for b, f in pauses if b < kept_at]
    due = calendar.add(ticket.created_at, allowed)
    # Each step takes in the pauses that began before the previous due time; it settles
    # once no further pause begins before it.
    for _ in range(2 * len(pauses) + 2):
        if any(finish is None and begin < due for begin, finish in pauses):
            return None
        later = calendar.add(
            ticket.created_at, allowed + _paused(calendar, pauses, ticket.created_at, due)
        )
        if later == due:
            break
        due = later
    return due


def _paused(
    calendar: BusinessCalendar,
    pauses: list[tuple[datetime, datetime | None]],
    start: datetime,
    end: datetime,
) -> timedelta:
    """Business time within [start, end) the ticket's clock stood still."""
    total = timedelta()
    for begin, finish in pauses:
        low, high = max(begin, start), min(finish or end, end)
        if high > low:
            total += calendar.between(low, high)
    return total


def _kind(value: str | None) -> TicketKind | None:
    try:
        return TicketKind(value) if value else None
    except ValueError:
        return None


def _priority(value: str) -> Priority:
    try:
        return Priority(value)  # old words (`high`) read as their P1-P4
    except ValueError:
        return DEFAULT_PRIORITY


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None
