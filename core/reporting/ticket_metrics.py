"""The numbers about tickets: counts and backlog, response and resolution times, SLA
targets kept and broken, and satisfaction ratings."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime, timedelta

from core.reporting.history import History, Rating, TicketFacts
from core.reporting.policy import ReportPolicy
from core.reporting.shapes import Breach, Csat, Percentiles, SlaCounts, TicketCounts, Window, share

AGE_BANDS: tuple[tuple[str, timedelta], ...] = (
    ("<1h", timedelta(hours=1)),
    ("1-4h", timedelta(hours=4)),
    ("4-24h", timedelta(hours=24)),
    ("1-3d", timedelta(days=3)),
    ("3-7d", timedelta(days=7)),
    (">7d", timedelta.max),
)


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
