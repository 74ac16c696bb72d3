"""The same ticket numbers per group (team, platform, priority, kind, category) and per
agent."""

from __future__ import annotations

from collections.abc import Callable

from core.reporting.history import History, Question, Rating, TicketFacts
from core.reporting.policy import ReportPolicy
from core.reporting.question_metrics import asked_questions
from core.reporting.shapes import AgentRow, Slice, Window
from core.reporting.ticket_metrics import csat, first_responses, sla, ticket_counts


def slices(
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
        for q in asked_questions(history, window):
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
