"""Every number of the report, computed in one place from a `History` for one window.

The definitions are written out in `core.reporting.definitions` (printed by
`helpdesk report --explain`) and in the README; the modules this one draws on are their
only implementation: `question_metrics` (questions and the FAQ), `ticket_metrics`
(tickets, times, SLA, ratings) and `breakdowns` (per group and per agent), each giving
the typed values of `shapes`.
"""

from __future__ import annotations

from core.reporting.breakdowns import agents, slices
from core.reporting.history import History
from core.reporting.policy import ReportPolicy
from core.reporting.question_metrics import (
    FollowUps,
    deflection,
    faq_entries,
    question_counts,
    unanswered,
)
from core.reporting.shapes import (
    AgentRow,
    Breach,
    Csat,
    Deflection,
    EntryUse,
    Metrics,
    Percentiles,
    QuestionCounts,
    SlaCounts,
    Slice,
    TicketCounts,
    Unanswered,
    Window,
    percentile,
    share,
)
from core.reporting.ticket_metrics import (
    csat,
    first_responses,
    latest_ratings,
    resolutions,
    sla,
    ticket_counts,
)

UNCLASSIFIED = "unclassified"  # a ticket whose kind nobody set

__all__ = [
    "AgentRow",
    "Breach",
    "Csat",
    "Deflection",
    "EntryUse",
    "Metrics",
    "Percentiles",
    "QuestionCounts",
    "SlaCounts",
    "Slice",
    "TicketCounts",
    "Unanswered",
    "Window",
    "compute",
    "percentile",
    "share",
]


def compute(history: History, policy: ReportPolicy, window: Window) -> Metrics:
    """The report of one window (a whole period, or one day or week of its trend)."""
    follow_ups = FollowUps(history)
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
        teams=slices(history, policy, window, ratings, policy.team_of),
        agents=agents(history, policy, window, ratings),
        platforms=slices(
            history, policy, window, ratings, lambda t: t.platform, lambda q: q.platform
        ),
        priorities=slices(history, policy, window, ratings, lambda t: t.priority),
        kinds=slices(history, policy, window, ratings, lambda t: t.kind or UNCLASSIFIED),
        categories=slices(history, policy, window, ratings, lambda t: t.category),
    )
