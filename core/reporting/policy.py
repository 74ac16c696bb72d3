"""What the report asks of the service's policies: SLA targets, business time, teams.

These three functions are the only places the report reads targets, durations and teams.
Today they use the SLA settings (HELPDESK_SLA_UNCLAIMED_MINUTES, HELPDESK_SLA_REPLY_MINUTES),
wall-clock time and one team, "default"; service calendars and per-team policies replace
their bodies, and every metric follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.reporting.history import TicketFacts

DEFAULT_TEAM = "default"


@dataclass(frozen=True)
class SlaTarget:
    """One promise made for a ticket: `name` is due at `due_at`, kept at `met_at` (or not)."""

    name: str  # claim | first_response
    due_at: datetime
    met_at: datetime | None


@dataclass(frozen=True)
class ReportPolicy:
    """The SLA minutes the desk reminds agents by, as report targets."""

    claim_minutes: int = 30
    first_response_minutes: int = 240

    def sla_targets(self, ticket: TicketFacts) -> list[SlaTarget]:
        """The SLA targets of a ticket: claimed in time, and a first answer in time.

        Resolving a ticket answers its requester too, so a resolution keeps a target
        nobody kept before it.
        """
        answered = _earliest(ticket.first_response_at, ticket.first_resolved_at)
        claimed = _earliest(ticket.first_claimed_at, answered)
        return [
            SlaTarget("claim", ticket.created_at + timedelta(minutes=self.claim_minutes), claimed),
            SlaTarget(
                "first_response",
                ticket.created_at + timedelta(minutes=self.first_response_minutes),
                answered,
            ),
        ]

    def duration(self, ticket: TicketFacts, start: datetime, end: datetime) -> timedelta:
        """The duration between two instants for this ticket (wall time: no calendar yet)."""
        return max(timedelta(0), end - start)

    def team_of(self, ticket: TicketFacts) -> str:
        """The team a ticket belongs to (one team until teams exist)."""
        return DEFAULT_TEAM


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None
