"""A ticket's SLA clocks read at a moment: what is due when, paused, met or breached.

Pure: the ticket's record (`core.domain.SlaClock`), its policy and a moment in, the
status out. Business time used is the time the policy's calendar was open since the
ticket was opened, less what it stood still (waiting for the requester, closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain import SlaClock, Ticket, TicketState
from core.service.config import TARGETS, Policy

_STOPPED = (TicketState.RESOLVED, TicketState.CANCELLED)


@dataclass(frozen=True)
class TargetStatus:
    name: str  # first_response | resolution
    allowed: timedelta
    used: timedelta  # business time counted against it so far
    due: datetime  # when it is (or was) due, with the pauses so far
    met_at: datetime | None  # answered, resolved: the clock of this target stopped
    breached_at: datetime | None

    @property
    def pending(self) -> bool:
        return self.met_at is None

    @property
    def remaining(self) -> timedelta:
        return self.allowed - self.used

    @property
    def share_used(self) -> float:
        return self.used / self.allowed


@dataclass(frozen=True)
class SlaStatus:
    policy: str
    paused: bool  # waiting for the requester
    stopped: bool  # resolved or cancelled
    targets: tuple[TargetStatus, ...]

    def target(self, name: str) -> TargetStatus | None:
        return next((t for t in self.targets if t.name == name), None)

    @property
    def breached(self) -> tuple[TargetStatus, ...]:
        return tuple(t for t in self.targets if t.breached_at is not None)

    @property
    def next_due(self) -> TargetStatus | None:
        """The pending target due soonest (None when none is pending)."""
        pending = [t for t in self.targets if t.pending and not self.stopped]
        return min(pending, key=lambda t: t.remaining) if pending else None


def paused_so_far(clock: SlaClock, policy: Policy, now: datetime) -> timedelta:
    """The business time the clocks stood still, the current pause included."""
    current = (
        policy.calendar.between(clock.paused_since, now) if clock.paused_since else timedelta()
    )
    return clock.paused + current


def sla_status(ticket: Ticket, policy: Policy, now: datetime) -> SlaStatus:
    clock = ticket.clock or SlaClock(policy=policy.name)
    calendar = policy.calendar
    stopped = ticket.state in _STOPPED
    # A closed ticket's clocks read as they were when it was closed.
    until = clock.paused_since if stopped and clock.paused_since is not None else now
    paused = clock.paused if stopped else paused_so_far(clock, policy, now)
    stored = dict(clock.breached)
    statuses: list[TargetStatus] = []
    for name in TARGETS:
        allowed = policy.targets.get(name)
        if allowed is None:
            continue
        met_at = clock.first_response_at if name == "first_response" else None
        if name == "resolution" and ticket.state is TicketState.RESOLVED:
            met_at = until
        end = met_at or until
        # A target met stays as it was met: later pauses neither add to nor move it.
        held = paused
        if name == "first_response" and clock.paused_at_first_response is not None:
            held = clock.paused_at_first_response
        used = max(calendar.between(ticket.created_at, end) - held, timedelta())
        due = calendar.add(ticket.created_at, allowed + held)
        breached_at = stored.get(name)
        if breached_at is None and used > allowed and not _cancelled_in_time(ticket, name):
            breached_at = due
        statuses.append(TargetStatus(name, allowed, used, due, met_at, breached_at))
    return SlaStatus(
        policy=policy.name,
        paused=ticket.state is TicketState.WAITING,
        stopped=stopped,
        targets=tuple(statuses),
    )


def _cancelled_in_time(ticket: Ticket, name: str) -> bool:
    """A cancelled ticket breaches no resolution target: nobody needs it resolved."""
    return ticket.state is TicketState.CANCELLED and name == "resolution"
