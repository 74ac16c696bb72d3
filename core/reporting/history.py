"""Everything the report counts, read from the database once: questions, tickets with their
audit trail, ratings and people. Metrics are computed from this, for any window."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from core.storage.db import Database
from core.storage.tables import audit_log, faq_queries, people, ticket_ratings, tickets

# Audited actions that stop a ticket's SLA clock, and those that start it again.
_PAUSING = ("waiting", "resolved", "cancelled")
_RESUMING = ("resumed", "reopened")

# A question counts as escalated, or not deflected, when its asker opens a ticket this soon.
FOLLOW_UP = timedelta(hours=24)


@dataclass(frozen=True)
class Question:
    id: int
    person_id: int
    platform: str
    text: str
    decision: str  # answer | suggest | none | chitchat | agent
    suggested: tuple[str, ...]  # entry ids the FAQ offered, best first
    top_entry_id: str | None
    outcome: str | None  # helped | human | ticket | chose
    chosen_entry_id: str | None
    created_at: datetime

    @property
    def answered_entry(self) -> str | None:
        """The entry whose answer the person read: the FAQ's answer or the chosen suggestion."""
        if self.chosen_entry_id:
            return self.chosen_entry_id
        return self.top_entry_id if self.decision == "answer" else None


@dataclass(frozen=True)
class Change:
    """One audited change of a ticket: opened, claimed, assigned, resolved, reopened, ..."""

    action: str
    at: datetime
    actor_id: int | None


@dataclass
class TicketFacts:
    number: int
    platform: str
    requester_id: int
    assignee_id: int | None
    category: str
    priority: str
    state: str
    subject: str
    created_at: datetime
    first_response_at: datetime | None
    changes: list[Change] = field(default_factory=list)
    kind: str | None = None  # incident | request | question
    team: str | None = None  # None: the default team (tickets from before teams)
    sla_policy: str | None = None  # the SLA policy its clock recorded

    def times(self, action: str) -> list[datetime]:
        return [c.at for c in self.changes if c.action == action]

    @property
    def first_claimed_at(self) -> datetime | None:
        found = self.times("claimed") + self.times("assigned")
        return min(found) if found else None

    @property
    def first_resolved_at(self) -> datetime | None:
        found = self.times("resolved")
        return min(found) if found else None

    @property
    def resolved_for_good_at(self) -> datetime | None:
        """When the resolution that stands was made: the last resolution, unless a
        reopen came after it."""
        closing = [c for c in self.changes if c.action in ("resolved", "reopened")]
        return closing[-1].at if closing and closing[-1].action == "resolved" else None

    def pauses(self) -> list[tuple[datetime, datetime | None]]:
        """When the SLA clock stood still, as the audit trail says: waiting for the
        requester until resumed, resolved or cancelled until reopened (None: still)."""
        spans: list[tuple[datetime, datetime | None]] = []
        since: datetime | None = None
        for change in self.changes:
            if change.action in _PAUSING and since is None:
                since = change.at
            elif change.action in _RESUMING and since is not None:
                spans.append((since, change.at))
                since = None
        if since is not None:
            spans.append((since, None))
        return spans

    def open_at(self, moment: datetime) -> bool:
        """Waiting for the desk at `moment`: opened before it, not resolved or cancelled then."""
        if self.created_at >= moment:
            return False
        state = "open"
        for change in self.changes:
            if change.at >= moment:
                break
            if change.action in ("resolved", "cancelled"):
                state = "closed"
            elif change.action in ("reopened", "opened"):
                state = "open"
        return state == "open"

    def cancelled_before(self, moment: datetime) -> bool:
        return any(at <= moment for at in self.times("cancelled"))


@dataclass(frozen=True)
class Rating:
    ticket: int
    score: int
    resolved_at: datetime | None  # which resolution it rates
    rated_at: datetime


@dataclass(frozen=True)
class PersonFacts:
    name: str
    platform: str
    is_agent: bool


@dataclass
class History:
    """What happened up to `as_of` (the moment the history was read)."""

    as_of: datetime
    questions: list[Question]
    tickets: list[TicketFacts]
    ratings: list[Rating]
    people: dict[int, PersonFacts]

    def tickets_by_requester(self) -> dict[int, list[datetime]]:
        opened: dict[int, list[datetime]] = {}
        for ticket in self.tickets:
            opened.setdefault(ticket.requester_id, []).append(ticket.created_at)
        return opened


def _suggested(results: str) -> tuple[str, ...]:
    try:
        return tuple(str(r["id"]) for r in json.loads(results))
    except (ValueError, TypeError, KeyError):
        return ()


async def load_history(
    db: Database,
    since: datetime,
    until: datetime,
    as_of: datetime,
    *,
    states: Sequence[str] | None = None,
    number: int | None = None,
) -> History:
    """Questions from `since` on, every ticket opened before `until` plus a day (backlog and
    follow-up tickets), their audit trail and ratings, and the people involved.

    `states` or `number` narrow the tickets (the queue, one ticket's SLA clocks).
    """
    horizon = until + FOLLOW_UP
    wanted = select(tickets.c.id).where(tickets.c.created_at < horizon)
    if states is not None:
        wanted = wanted.where(tickets.c.state.in_(list(states)))
    if number is not None:
        wanted = wanted.where(tickets.c.id == number)
    async with db.transaction() as conn:
        question_rows = (
            await conn.execute(
                select(faq_queries)
                .where(faq_queries.c.created_at >= since, faq_queries.c.created_at < until)
                .order_by(faq_queries.c.id)
            )
        ).mappings()
        questions = [
            Question(
                id=int(r["id"]),
                person_id=int(r["person_id"]),
                platform=str(r["platform"]),
                text=str(r["text"]),
                decision=str(r["decision"]),
                suggested=_suggested(str(r["results"] or "[]")),
                top_entry_id=r["top_entry_id"],
                outcome=r["outcome"],
                chosen_entry_id=r["chosen_entry_id"],
                created_at=r["created_at"],
            )
            for r in question_rows
        ]
        ticket_rows = (
            await conn.execute(
                select(tickets).where(tickets.c.id.in_(wanted)).order_by(tickets.c.id)
            )
        ).mappings()
        facts = {
            int(r["id"]): TicketFacts(
                number=int(r["id"]),
                platform=str(r["platform"]),
                requester_id=int(r["requester_id"]),
                assignee_id=r["assignee_id"],
                category=str(r["category"]),
                priority=str(r["priority"]),
                state=str(r["state"]),
                subject=str(r["subject"]),
                created_at=r["created_at"],
                first_response_at=r["first_response_at"],
                kind=r["kind"],
                team=r["team"],
                sla_policy=r["sla_policy"],
            )
            for r in ticket_rows
        }
        audit_rows = (
            await conn.execute(
                select(
                    audit_log.c.ticket_id, audit_log.c.action, audit_log.c.at, audit_log.c.actor_id
                )
                .where(audit_log.c.ticket_id.in_(wanted), audit_log.c.at < horizon)
                .order_by(audit_log.c.at, audit_log.c.id)
            )
        ).mappings()
        for r in audit_rows:
            ticket = facts.get(int(r["ticket_id"]))
            if ticket is not None:
                ticket.changes.append(Change(str(r["action"]), r["at"], r["actor_id"]))
        rating_rows = (
            await conn.execute(
                # Earlier ratings are never counted, and never replace a later one.
                select(ticket_ratings)
                .where(ticket_ratings.c.rated_at >= since, ticket_ratings.c.rated_at < until)
                .order_by(ticket_ratings.c.rated_at, ticket_ratings.c.id)
            )
        ).mappings()
        ratings = [
            Rating(
                ticket=int(r["ticket_id"]),
                score=int(r["score"]),
                resolved_at=r["resolved_at"],
                rated_at=r["rated_at"],
            )
            for r in rating_rows
        ]
        person_rows = (
            await conn.execute(
                select(people.c.id, people.c.display_name, people.c.platform, people.c.is_agent)
            )
        ).mappings()
        persons = {
            int(r["id"]): PersonFacts(
                str(r["display_name"]), str(r["platform"]), bool(r["is_agent"])
            )
            for r in person_rows
        }
    return History(as_of, questions, list(facts.values()), ratings, persons)
