"""SLA reminders and escalation: the agents' thread hears when a target is near or
breached, the team's lead when one is breached; each once per ticket and target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.desk.clocks import policy_of, sla_view
from core.desk.scope import thread_events
from core.domain import Ticket
from core.events import CardChange, Event, Notice, PersonTarget, TicketCard, TicketView
from core.service.clocks import TargetStatus, sla_status
from core.service.config import ServiceDesk
from core.storage.reminder_records import PAGE, Waiting
from core.storage.repository import Repository


@dataclass(frozen=True)
class SlaPolicy:
    """The built-in policy's targets, used when there is no service file.

    `unclaimed` is its first-response target (HELPDESK_SLA_UNCLAIMED_MINUTES); `reply` how
    long a requester may wait for an agent's answer (HELPDESK_SLA_REPLY_MINUTES), also for
    a policy of the file that names neither `reply` nor `first_response`.
    """

    unclaimed: timedelta = timedelta(minutes=30)
    reply: timedelta = timedelta(hours=4)


async def overdue_reminders(
    repo: Repository,
    policy: SlaPolicy,
    now: datetime,
    agents_lang: str,
    service: ServiceDesk,
    page: int = PAGE,
) -> list[Event]:
    """One reminder per claimed ticket whose requester has waited its SLA policy's `reply`
    in the policy's business time, at most once per such period each."""
    events: list[Event] = []
    # Business time never runs faster than the clock: no ticket waiting less than the
    # shortest period in wall time can be due.
    shortest = min(p.reply or policy.reply for p in service.policies)
    after = 0
    while found := await repo.waiting_for_agent(now - shortest, after=after, limit=page):
        after = found[-1].ticket.number
        for waiting in found:
            events += await _remind_waiting(repo, service, waiting, policy.reply, now, agents_lang)
        if len(found) < page:
            break
    return events


async def _remind_waiting(
    repo: Repository,
    service: ServiceDesk,
    waiting: Waiting,
    fallback: timedelta,
    now: datetime,
    agents_lang: str,
) -> list[Event]:
    ticket = waiting.ticket
    rule = policy_of(service, ticket)
    period = rule.reply or fallback
    since = [waiting.since] + ([waiting.reminded_at] if waiting.reminded_at else [])
    if any(rule.calendar.add(moment, period) > now for moment in since):
        return []
    # Conditional, so several workers checking at once remind the agents once.
    if not await repo.take_reminder(ticket.number, waiting.reminded_at, now):
        return []
    minutes = int((now - waiting.since).total_seconds() // 60)
    agent = ticket.assignee.display_name if ticket.assignee else ""
    await repo.audit("reminded", now, ticket_number=ticket.number, reminder="reminder.waiting")
    params: dict[str, str | int] = {"number": ticket.number, "minutes": minutes, "agent": agent}
    notice = Notice(key="reminder.waiting", params=params)
    return thread_events(ticket, agents_lang, notice, service)


async def sla_alerts(
    repo: Repository, service: ServiceDesk, now: datetime, agents_lang: str, page: int = PAGE
) -> list[Event]:
    """Every running clock past its policy's warning share or its target, told once: the
    open tickets page by page, so a long backlog keeps nobody's reminder waiting."""
    events: list[Event] = []
    after = 0
    while found := await repo.running_clocks(after=after, limit=page):
        after = found[-1].number
        for ticket in found:
            events += await _alert(repo, service, ticket, now, agents_lang)
        if len(found) < page:
            break
    return events


async def _alert(
    repo: Repository, service: ServiceDesk, ticket: Ticket, now: datetime, agents_lang: str
) -> list[Event]:
    """The marks `ticket`'s clocks reached since the last round, each told once."""
    policy = policy_of(service, ticket)
    if not policy.remind and not policy.escalate:
        return []
    events: list[Event] = []
    told = False
    for target in sla_status(ticket, policy, now).targets:
        if not target.pending:
            continue
        mark = _mark(target, policy.warn_percent)
        at = target.due if mark == "breached" else now  # a breach happened when it was due
        if mark is None or not await repo.take_sla_mark(ticket.number, target.name, mark, at):
            continue
        await repo.audit(f"sla.{mark}", now, ticket_number=ticket.number, target=target.name)
        events += _tell(service, ticket, target, mark, agents_lang, policy.remind, policy.escalate)
        told = True
    if told:  # the card shows the clocks as they are now
        current = await repo.get_ticket(ticket.number) or ticket
        view = TicketView.of(current, sla_view(service, current, now))
        card = TicketCard(ticket=view, change=CardChange.SLA)
        events += thread_events(current, agents_lang, card, service)
    return events


def _mark(target: TargetStatus, warn_percent: int) -> str | None:
    if target.used > target.allowed:
        return "breached"
    if target.share_used >= warn_percent / 100:
        return "warned"
    return None


def _tell(
    service: ServiceDesk,
    ticket: Ticket,
    target: TargetStatus,
    mark: str,
    lang: str,
    remind: bool,
    escalate: bool,
) -> list[Event]:
    minutes = max(int(target.remaining.total_seconds() // 60), 0)
    params: dict[str, str | int] = {
        "number": ticket.number,
        "target": target.name,
        "minutes": minutes,
        "subject": ticket.subject,
    }
    events: list[Event] = []
    if remind:
        key = f"sla.{mark}.{target.name}"
        events += thread_events(ticket, lang, Notice(key=key, params=params), service)
    lead = _lead(service, ticket)
    if mark == "breached" and escalate and lead:
        target_person = PersonTarget(platform=lead[0], user_id=lead[1])
        notice = Notice(key=f"sla.escalated.{target.name}", params=params)
        events.append(Event(target=target_person, lang=lang, payload=notice))
    return events


def _lead(service: ServiceDesk, ticket: Ticket) -> tuple[str, str] | None:
    """(platform, user id) of the team's lead: on a platform where the ticket is worked
    (the requester's first), else on the requester's platform; told once."""
    leads = service.team(ticket.team).leads
    places = [platform for platform, _ in service.ticket_places(ticket.team, ticket.platform)]
    for platform in (*places, ticket.platform):
        if platform in leads:
            return platform, leads[platform]
    return None
