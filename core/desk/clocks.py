"""A ticket's SLA clocks as the desk shows and moves them: its policy, the view on
cards and in `/status`, and the values that pause and resume the clocks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.domain import SlaClock, Ticket
from core.events import BreachView, SlaView
from core.service.clocks import SlaStatus, paused_so_far, sla_status
from core.service.config import Policy, ServiceDesk


def policy_of(service: ServiceDesk, ticket: Ticket) -> Policy:
    """The policy the ticket was given (kept while it exists), else the one matching now."""
    stored = ticket.clock.policy if ticket.clock else None
    return service.policy(stored) or service.policy_for(ticket.kind, ticket.priority, ticket.team)


def status_of(service: ServiceDesk, ticket: Ticket, now: datetime) -> SlaStatus:
    return sla_status(ticket, policy_of(service, ticket), now)


def sla_view(service: ServiceDesk, ticket: Ticket, now: datetime) -> SlaView:
    status = status_of(service, ticket, now)
    upcoming = status.next_due
    return SlaView(
        policy=status.policy,
        as_of=now,
        timezone=policy_of(service, ticket).calendar.timezone,
        paused=status.paused,
        stopped=status.stopped,
        next_target=upcoming.name if upcoming else None,
        next_due=upcoming.due if upcoming else None,
        remaining_seconds=int(upcoming.remaining.total_seconds()) if upcoming else None,
        breached=tuple(
            BreachView(target=t.name, at=t.breached_at)
            for t in status.breached
            if t.breached_at is not None
        ),
    )


def pause(now: datetime) -> dict[str, Any]:
    """The clocks stand still from now (waiting, resolved, cancelled)."""
    return {"sla_paused_since": now}


def stop(ticket: Ticket, now: datetime) -> dict[str, Any]:
    """Resolved or cancelled: the clocks stop (a wait already stopped them)."""
    clock = ticket.clock or SlaClock()
    return {} if clock.paused_since is not None else pause(now)


def paused_until(service: ServiceDesk, ticket: Ticket, now: datetime) -> timedelta:
    """The business time the ticket's clocks have stood still by `now`."""
    clock = ticket.clock or SlaClock()
    return paused_so_far(clock, policy_of(service, ticket), now)


def resume(service: ServiceDesk, ticket: Ticket, now: datetime) -> dict[str, Any]:
    """The clocks run again; the business time they stood still is added to the pause."""
    clock = ticket.clock or SlaClock()
    if clock.paused_since is None:
        return {}
    calendar = policy_of(service, ticket).calendar
    paused = clock.paused + calendar.between(clock.paused_since, now)
    return {"sla_paused_since": None, "sla_paused_seconds": int(paused // timedelta(seconds=1))}
