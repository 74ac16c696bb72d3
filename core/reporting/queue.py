"""The agents' queue as the web console lists it: ages and SLA clocks from the report's
policy, so the queue and the report agree on what is breached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.reporting.history import History, TicketFacts, load_history
from core.reporting.policy import ReportPolicy, SlaTarget
from core.storage.db import Database

ACTIVE_STATES = ("open", "claimed", "waiting")
AT_RISK = timedelta(hours=1)  # an open target due this soon is at risk


@dataclass(frozen=True)
class SlaClock:
    name: str
    due_at: datetime | None  # None: paused (waiting for the requester) before it fell due
    met_at: datetime | None
    status: str  # met | breached | at_risk | running | paused


@dataclass(frozen=True)
class QueueRow:
    number: int
    subject: str
    state: str
    priority: str
    team: str
    platform: str
    requester: str
    requester_id: int  # the identity that asked (its person's profile shows them all)
    assignee: str | None
    age: timedelta
    clocks: tuple[SlaClock, ...]

    @property
    def sla_status(self) -> str:
        statuses = {clock.status for clock in self.clocks}
        for worst in ("breached", "at_risk"):
            if worst in statuses:
                return worst
        return "ok"


@dataclass(frozen=True)
class QueueFilter:
    state: str = "active"  # active | open | claimed | resolved | cancelled | all
    team: str = ""
    priority: str = ""
    sla: str = ""  # "" | breached | at_risk | ok

    def keeps(self, row: QueueRow) -> bool:
        if self.state == "active" and row.state not in ACTIVE_STATES:
            return False
        if self.state not in ("active", "all") and row.state != self.state:
            return False
        if self.team and row.team != self.team:
            return False
        if self.priority and row.priority != self.priority:
            return False
        return not self.sla or row.sla_status == self.sla


def clock(target: SlaTarget, now: datetime, closed: bool) -> SlaClock:
    if target.due_at is None:
        status = "met" if target.met_at is not None else "paused"
    elif target.met_at is not None:
        status = "met" if target.met_at <= target.due_at else "breached"
    elif target.due_at <= now:
        status = "breached"
    elif closed:
        status = "met"  # resolved or cancelled before it fell due: nothing owed
    else:
        status = "at_risk" if target.due_at - now <= AT_RISK else "running"
    return SlaClock(target.name, target.due_at, target.met_at, status)


def sla_clocks(policy: ReportPolicy, ticket: TicketFacts, now: datetime) -> tuple[SlaClock, ...]:
    closed = ticket.state not in ACTIVE_STATES
    return tuple(clock(t, now, closed) for t in policy.sla_targets(ticket))


def queue_rows(history: History, policy: ReportPolicy, now: datetime) -> list[QueueRow]:
    rows = []
    for ticket in history.tickets:
        requester = history.people.get(ticket.requester_id)
        assignee = history.people.get(ticket.assignee_id) if ticket.assignee_id else None
        rows.append(
            QueueRow(
                number=ticket.number,
                subject=ticket.subject,
                state=ticket.state,
                priority=ticket.priority,
                team=policy.team_of(ticket),
                platform=ticket.platform,
                requester=requester.name if requester else "?",
                requester_id=ticket.requester_id,
                assignee=assignee.name if assignee else None,
                age=now - ticket.created_at,
                clocks=sla_clocks(policy, ticket, now),
            )
        )
    return rows


async def load_queue(
    db: Database, policy: ReportPolicy, now: datetime, wanted: QueueFilter
) -> list[QueueRow]:
    """Matching tickets, oldest first (the ones waiting longest lead)."""
    states: tuple[str, ...] | None = ACTIVE_STATES if wanted.state == "active" else None
    if wanted.state not in ("active", "all"):
        states = (wanted.state,)
    history = await load_history(db, now, now, as_of=now, states=states)
    rows = [row for row in queue_rows(history, policy, now) if wanted.keeps(row)]
    return sorted(rows, key=lambda row: -row.age)


async def ticket_clocks(
    db: Database, policy: ReportPolicy, now: datetime, number: int
) -> tuple[SlaClock, ...]:
    history = await load_history(db, now, now, as_of=now, number=number)
    for ticket in history.tickets:
        if ticket.number == number:
            return sla_clocks(policy, ticket, now)
    return ()
