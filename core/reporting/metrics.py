"""Every number of the report, computed in one place from a `History` for one window.

The definitions are written out in `core.reporting.definitions` (printed by
`helpdesk report --explain`) and in the README; this module is their only implementation.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.reporting.history import FOLLOW_UP, History, Question, Rating, TicketFacts
from core.reporting.policy import ReportPolicy
from core.reporting.similar import group_similar

UNCLASSIFIED = "unclassified"  # a ticket whose kind nobody set
QUESTION_DECISIONS = ("answer", "suggest", "none")
ESCALATIONS = ("human", "ticket")
AGE_BANDS: tuple[tuple[str, timedelta], ...] = (
    ("<1h", timedelta(hours=1)),
    ("1-4h", timedelta(hours=4)),
    ("4-24h", timedelta(hours=24)),
    ("1-3d", timedelta(days=3)),
    ("3-7d", timedelta(days=7)),
    (">7d", timedelta.max),
)


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


# --- questions -------------------------------------------------------------------------


def _asked(history: History, window: Window) -> list[Question]:
    return [
        q
        for q in history.questions
        if q.decision in QUESTION_DECISIONS and window.holds(q.created_at)
    ]


class _FollowUps:
    """Whether a person opened a ticket within a day after a moment."""

    def __init__(self, history: History) -> None:
        self.opened = history.tickets_by_requester()

    def after(self, question: Question) -> bool:
        end = question.created_at + FOLLOW_UP
        return any(
            question.created_at <= at <= end for at in self.opened.get(question.person_id, ())
        )


def question_counts(history: History, window: Window) -> QuestionCounts:
    asked = _asked(history, window)
    chitchat = sum(
        1 for q in history.questions if q.decision == "chitchat" and window.holds(q.created_at)
    )
    return QuestionCounts(
        asked=len(asked),
        answered=sum(1 for q in asked if q.decision == "answer"),
        suggested=sum(1 for q in asked if q.decision == "suggest"),
        none=sum(1 for q in asked if q.decision == "none"),
        chitchat=chitchat,
    )


def deflection(history: History, window: Window, follow_ups: _FollowUps) -> Deflection:
    asked = _asked(history, window)
    deflected = [
        q
        for q in asked
        if q.answered_entry is not None and q.outcome not in ESCALATIONS and not follow_ups.after(q)
    ]
    confirmed = sum(1 for q in deflected if q.outcome == "helped")
    return Deflection(
        deflected=len(deflected),
        confirmed=confirmed,
        rate=share(len(deflected), len(asked)),
        confirmed_rate=share(confirmed, len(asked)),
    )


def faq_entries(history: History, window: Window, follow_ups: _FollowUps) -> list[EntryUse]:
    counts: dict[str, list[int]] = {}
    for q in _asked(history, window):
        if q.decision == "suggest":
            for offered in q.suggested:
                counts.setdefault(offered, [0, 0, 0, 0])[1] += 1
        read = q.answered_entry
        if read is None:
            continue
        row = counts.setdefault(read, [0, 0, 0, 0])
        row[0] += 1
        if q.outcome == "helped":
            row[2] += 1
        if q.outcome in ESCALATIONS or follow_ups.after(q):
            row[3] += 1
    uses = [EntryUse(entry_id, *row) for entry_id, row in counts.items()]
    return sorted(uses, key=lambda u: (-u.shown, -u.suggested, u.id))


def unanswered(history: History, window: Window) -> list[Unanswered]:
    missed = [
        q.text
        for q in _asked(history, window)
        if (
            q.decision == "none"
            or (q.decision == "suggest" and q.chosen_entry_id is None and q.outcome in ESCALATIONS)
        )
        and q.text.strip()  # files sent without words are no question to list
    ]
    return [Unanswered(g.example, g.count) for g in group_similar(missed)]


# --- tickets ---------------------------------------------------------------------------


def _in(ticket: TicketFacts, action: str, window: Window) -> list[datetime]:
    return [at for at in ticket.times(action) if window.holds(at)]


def _report_end(history: History, window: Window) -> datetime:
    return min(window.until, history.as_of)


def ticket_counts(history: History, window: Window, tickets: list[TicketFacts]) -> TicketCounts:
    end = _report_end(history, window)
    resolved = sum(1 for t in tickets if _in(t, "resolved", window))
    reopened = sum(1 for t in tickets if _in(t, "reopened", window))
    waiting = [t for t in tickets if t.open_at(end)]
    bands = dict.fromkeys((name for name, _ in AGE_BANDS), 0)
    for ticket in waiting:
        age = end - ticket.created_at
        bands[next(name for name, limit in AGE_BANDS if age < limit)] += 1
    return TicketCounts(
        opened=sum(1 for t in tickets if window.holds(t.created_at)),
        resolved=resolved,
        reopened=reopened,
        reopen_rate=share(reopened, resolved),
        cancelled=sum(1 for t in tickets if _in(t, "cancelled", window)),
        backlog=len(waiting),
        backlog_by_age=bands,
    )


def first_responses(
    policy: ReportPolicy, window: Window, tickets: Iterable[TicketFacts]
) -> Percentiles:
    return Percentiles.of(
        [
            policy.duration(t, t.created_at, t.first_response_at)
            for t in tickets
            if t.first_response_at is not None and window.holds(t.first_response_at)
        ]
    )


def resolutions(policy: ReportPolicy, window: Window, tickets: list[TicketFacts]) -> Percentiles:
    durations = []
    for ticket in tickets:
        resolved = _in(ticket, "resolved", window)
        if resolved:
            durations.append(policy.duration(ticket, ticket.created_at, max(resolved)))
    return Percentiles.of(durations)


def sla(
    history: History, policy: ReportPolicy, window: Window, tickets: list[TicketFacts]
) -> tuple[SlaCounts, dict[str, SlaCounts], list[Breach]]:
    """Every target due in the window (and by the time of the report), kept or not."""
    tally: dict[str, list[int]] = {}
    breaches: list[Breach] = []
    for ticket in tickets:
        for target in policy.sla_targets(ticket):
            if target.due_at is None:
                continue  # the clock stands still: not due
            if not window.holds(target.due_at) or target.due_at > history.as_of:
                continue
            if target.met_at is None and ticket.cancelled_before(target.due_at):
                continue  # withdrawn before anyone owed an answer
            kept = target.met_at is not None and target.met_at <= target.due_at
            tally.setdefault(target.name, [0, 0])[0 if kept else 1] += 1
            if not kept:
                breaches.append(
                    Breach(ticket.number, ticket.subject, target.name, target.due_at, target.met_at)
                )
    by_target = {name: SlaCounts.of(met, late) for name, (met, late) in sorted(tally.items())}
    met = sum(c.met for c in by_target.values())
    late = sum(c.breached for c in by_target.values())
    breaches.sort(key=lambda b: (b.due_at, b.ticket, b.target))
    return SlaCounts.of(met, late), by_target, breaches


def latest_ratings(history: History, window: Window) -> list[Rating]:
    """The latest rating of each resolution, when it was given in the window."""
    latest: dict[tuple[int, datetime | None], Rating] = {}
    for rating in history.ratings:  # oldest first: later ones replace earlier ones
        if rating.rated_at < window.until:
            latest[(rating.ticket, rating.resolved_at)] = rating
    return [r for r in latest.values() if window.holds(r.rated_at)]


def csat(ratings: list[Rating]) -> Csat:
    scores = [r.score for r in ratings]
    return Csat(
        ratings=len(scores),
        mean=round(statistics.mean(scores), 2) if scores else None,
        satisfied=share(sum(1 for s in scores if s >= 4), len(scores)),
    )


# --- breakdowns ------------------------------------------------------------------------


def _slices(
    history: History,
    policy: ReportPolicy,
    window: Window,
    ratings: list[Rating],
    key: Callable[[TicketFacts], str],
    question_key: Callable[[Question], str] | None = None,
) -> list[Slice]:
    groups: dict[str, list[TicketFacts]] = {}
    for ticket in history.tickets:
        groups.setdefault(key(ticket), []).append(ticket)
    asked: dict[str, int] = {}
    if question_key is not None:
        for q in _asked(history, window):
            asked[question_key(q)] = asked.get(question_key(q), 0) + 1
    rows = []
    for name in sorted(set(groups) | set(asked)):
        members = groups.get(name, [])
        numbers = {t.number for t in members}
        counts = ticket_counts(history, window, members)
        if not (counts.opened or counts.resolved or counts.backlog or asked.get(name)):
            continue
        rows.append(
            Slice(
                name=name,
                questions=asked.get(name, 0),
                opened=counts.opened,
                resolved=counts.resolved,
                backlog=counts.backlog,
                first_response_p50_seconds=first_responses(policy, window, members).p50_seconds,
                sla=sla(history, policy, window, members)[0],
                csat=csat([r for r in ratings if r.ticket in numbers]),
            )
        )
    return rows


def agents(
    history: History, policy: ReportPolicy, window: Window, ratings: list[Rating]
) -> list[AgentRow]:
    claimed: dict[int, int] = {}
    resolved: dict[int, int] = {}
    for ticket in history.tickets:
        resolvers: set[int] = set()  # a ticket resolved twice by one agent counts once
        for change in ticket.changes:
            if not window.holds(change.at):
                continue
            if change.action == "claimed" and change.actor_id is not None:
                claimed[change.actor_id] = claimed.get(change.actor_id, 0) + 1
            elif change.action == "assigned" and ticket.assignee_id is not None:
                claimed[ticket.assignee_id] = claimed.get(ticket.assignee_id, 0) + 1
            elif change.action == "resolved" and change.actor_id is not None:
                resolvers.add(change.actor_id)
        for person_id in resolvers:
            resolved[person_id] = resolved.get(person_id, 0) + 1
    assigned: dict[int, list[TicketFacts]] = {}
    for ticket in history.tickets:
        if ticket.assignee_id is not None:
            assigned.setdefault(ticket.assignee_id, []).append(ticket)
    rows = []
    for person_id in sorted(set(claimed) | set(resolved) | set(assigned)):
        person = history.people.get(person_id)
        mine = assigned.get(person_id, [])
        numbers = {t.number for t in mine}
        response = first_responses(policy, window, mine)
        row = AgentRow(
            name=person.name if person else f"#{person_id}",
            claimed=claimed.get(person_id, 0),
            resolved=resolved.get(person_id, 0),
            first_response_p50_seconds=response.p50_seconds,
            csat=csat([r for r in ratings if r.ticket in numbers]),
        )
        if row.claimed or row.resolved or response.count or row.csat.ratings:
            rows.append(row)
    return sorted(rows, key=lambda a: (-a.resolved, -a.claimed, a.name))


def compute(history: History, policy: ReportPolicy, window: Window) -> Metrics:
    """The report of one window (a whole period, or one day or week of its trend)."""
    follow_ups = _FollowUps(history)
    tickets = history.tickets
    ratings = latest_ratings(history, window)
    overall, by_target, breaches = sla(history, policy, window, tickets)
    return Metrics(
        since=window.since,
        until=window.until,
        questions=question_counts(history, window),
        deflection=deflection(history, window, follow_ups),
        tickets=ticket_counts(history, window, tickets),
        first_response=first_responses(policy, window, tickets),
        resolution=resolutions(policy, window, tickets),
        sla=overall,
        sla_by_target=by_target,
        csat=csat(ratings),
        breaches=breaches,
        faq_entries=faq_entries(history, window, follow_ups),
        unanswered=unanswered(history, window),
        teams=_slices(history, policy, window, ratings, policy.team_of),
        agents=agents(history, policy, window, ratings),
        platforms=_slices(
            history, policy, window, ratings, lambda t: t.platform, lambda q: q.platform
        ),
        priorities=_slices(history, policy, window, ratings, lambda t: t.priority),
        kinds=_slices(history, policy, window, ratings, lambda t: t.kind or UNCLASSIFIED),
        categories=_slices(history, policy, window, ratings, lambda t: t.category),
    )
