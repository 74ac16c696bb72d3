"""The report's numbers as typed values: the window they cover, counts, percentiles,
breakdown rows and the whole `Metrics`, with the JSON shape `helpdesk report` prints."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.since <= moment < self.until


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percentile(values: list[float], q: float) -> int | None:
    """Nearest-rank percentile in whole seconds: the smallest value with at least q of all
    values at or below it (p50 of 10 and 20 is 10)."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)])


@dataclass(frozen=True)
class Percentiles:
    p50_seconds: int | None
    p90_seconds: int | None
    count: int

    @classmethod
    def of(cls, durations: list[timedelta]) -> Percentiles:
        seconds = [d.total_seconds() for d in durations]
        return cls(percentile(seconds, 0.5), percentile(seconds, 0.9), len(seconds))


@dataclass(frozen=True)
class QuestionCounts:
    asked: int
    answered: int
    suggested: int
    none: int
    chitchat: int


@dataclass(frozen=True)
class Deflection:
    deflected: int
    confirmed: int
    rate: float | None
    confirmed_rate: float | None


@dataclass(frozen=True)
class TicketCounts:
    opened: int
    resolved: int
    reopened: int
    reopen_rate: float | None
    cancelled: int
    backlog: int
    backlog_by_age: dict[str, int]


@dataclass(frozen=True)
class SlaCounts:
    due: int
    met: int
    breached: int
    compliance: float | None

    @classmethod
    def of(cls, met: int, breached: int) -> SlaCounts:
        return cls(met + breached, met, breached, share(met, met + breached))


@dataclass(frozen=True)
class Breach:
    ticket: int
    subject: str
    target: str
    due_at: datetime
    met_at: datetime | None  # None: still not kept when the report was made


@dataclass(frozen=True)
class Csat:
    ratings: int
    mean: float | None
    satisfied: float | None  # share of 4 and 5


@dataclass(frozen=True)
class EntryUse:
    id: str
    shown: int
    suggested: int
    helped: int
    escalated: int


@dataclass(frozen=True)
class Unanswered:
    example: str
    count: int


@dataclass(frozen=True)
class AgentRow:
    name: str
    claimed: int
    resolved: int
    first_response_p50_seconds: int | None
    csat: Csat


@dataclass(frozen=True)
class Slice:
    """The ticket numbers of one team, platform, priority or category."""

    name: str
    questions: int
    opened: int
    resolved: int
    backlog: int
    first_response_p50_seconds: int | None
    sla: SlaCounts
    csat: Csat


@dataclass(frozen=True)
class Metrics:
    since: datetime
    until: datetime
    questions: QuestionCounts
    deflection: Deflection
    tickets: TicketCounts
    first_response: Percentiles
    resolution: Percentiles
    sla: SlaCounts
    sla_by_target: dict[str, SlaCounts]
    csat: Csat
    breaches: list[Breach] = field(default_factory=list)
    faq_entries: list[EntryUse] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)
    teams: list[Slice] = field(default_factory=list)
    agents: list[AgentRow] = field(default_factory=list)
    platforms: list[Slice] = field(default_factory=list)
    priorities: list[Slice] = field(default_factory=list)
    kinds: list[Slice] = field(default_factory=list)
    categories: list[Slice] = field(default_factory=list)

    def headline(self) -> dict[str, Any]:
        """The period's scalar sections (what a trend point carries)."""
        return {
            "period": {"since": self.since.isoformat(), "until": self.until.isoformat()},
            "questions": vars(self.questions),
            "deflection": vars(self.deflection),
            "tickets": vars(self.tickets),
            "first_response": vars(self.first_response),
            "resolution": vars(self.resolution),
            "sla": vars(self.sla),
            "csat": vars(self.csat),
        }

    def to_json(self) -> dict[str, Any]:
        def slices(rows: list[Slice]) -> list[dict[str, Any]]:
            return [{**vars(r), "sla": vars(r.sla), "csat": vars(r.csat)} for r in rows]

        return {
            **self.headline(),
            "sla_by_target": {name: vars(counts) for name, counts in self.sla_by_target.items()},
            "breaches": [
                {
                    "ticket": b.ticket,
                    "subject": b.subject,
                    "target": b.target,
                    "due_at": b.due_at.isoformat(),
                    "met_at": b.met_at.isoformat() if b.met_at else None,
                }
                for b in self.breaches
            ],
            "faq_entries": [vars(e) for e in self.faq_entries],
            "unanswered": [vars(u) for u in self.unanswered],
            "teams": slices(self.teams),
            "agents": [{**vars(a), "csat": vars(a.csat)} for a in self.agents],
            "platforms": slices(self.platforms),
            "priorities": slices(self.priorities),
            "kinds": slices(self.kinds),
            "categories": slices(self.categories),
        }
