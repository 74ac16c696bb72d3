"""SLA reminders: the agents' thread hears of a ticket nobody claimed or answered in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.desk.scope import thread_event
from core.domain import Ticket
from core.events import Event, Notice
from core.storage.repository import Repository


@dataclass(frozen=True)
class SlaPolicy:
    """When the agents are reminded: a ticket nobody claimed, a requester left waiting."""

    unclaimed: timedelta = timedelta(minutes=30)
    reply: timedelta = timedelta(hours=4)


async def overdue_reminders(
    repo: Repository, policy: SlaPolicy, now: datetime, agents_lang: str
) -> list[Event]:
    """One reminder per ticket past its SLA, at most once per SLA period each."""
    overdue: list[tuple[Ticket, str, datetime, timedelta]] = [
        (ticket, "reminder.unclaimed", ticket.created_at, policy.unclaimed)
        for ticket in await repo.overdue_unclaimed(now - policy.unclaimed)
    ]
    overdue += [
        (ticket, "reminder.waiting", since, policy.reply)
        for ticket, since in await repo.waiting_for_agent(now - policy.reply)
    ]
    events: list[Event] = []
    for ticket, key, since, period in overdue:
        # Conditional, so several workers checking at once remind the agents once.
        if not await repo.take_reminder(ticket.number, now - period, now):
            continue
        minutes = int((now - since).total_seconds() // 60)
        agent = ticket.assignee.display_name if ticket.assignee else ""
        await repo.audit("reminded", now, ticket_number=ticket.number, reminder=key)
        params: dict[str, str | int] = {"number": ticket.number, "minutes": minutes, "agent": agent}
        events.append(thread_event(ticket, agents_lang, Notice(key=key, params=params)))
    return events
