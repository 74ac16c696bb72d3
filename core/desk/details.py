"""Triage after opening: a ticket opened with its text is never held back by questions;
the requester is then asked, one optional question at a time, what is still unknown.

The steps follow the triage's order (what it is, the area, impact, urgency). The area is
asked only when neither the person nor the FAQ named one. Each answer fills what is still
unset, so what an agent set meanwhile stands; a skip, or any other message (the surfaces
forget the question then), ends the questions.
"""

from __future__ import annotations

from typing import Any, Literal

from core import commands as c
from core import errors
from core.desk.checks import own_ticket, reload
from core.desk.scope import CommandScope
from core.desk.service import rematched_policy, show_classified
from core.desk.tickets import open_ticket
from core.domain import DEFAULT_CATEGORY, Level, Ticket, TicketKind
from core.events import CardChange, Notice, TriageChoice, TriageStep

Step = Literal["kind", "category", "impact", "urgency"]
STEPS: tuple[Step, ...] = ("kind", "category", "impact", "urgency")
_LEVELS = tuple(level.value for level in Level)


async def open_and_ask(scope: CommandScope, cmd: c.OpenTicket) -> None:
    """The ticket opens at once; with `cmd.triage` its first unknown question follows."""
    ticket = await open_ticket(scope, cmd)
    if cmd.triage:
        ask_next(scope, ticket)


def ask_next(scope: CommandScope, ticket: Ticket, after: Step | None = None) -> bool:
    """Ask the first step after `after` still unknown on `ticket`; False when none is left."""
    start = STEPS.index(after) + 1 if after is not None else 0
    for step in STEPS[start:]:
        choices = _choices(scope, step)
        if len(choices) > 1 and _unknown(scope, ticket, step):
            scope.to_actor(TriageStep(step=step, choices=choices, ticket_number=ticket.number))
            return True
    return False


async def answer(scope: CommandScope, cmd: c.TriageAnswer) -> None:
    """The requester's answer: set on the ticket if still unknown, then the next question
    (or thanks, when none is left or they skipped)."""
    ticket = await own_ticket(scope, cmd.number)
    if cmd.step not in STEPS:
        raise errors.BadInput(detail=cmd.step[:40])
    step = cmd.step
    if cmd.value != c.SKIPPED:
        value = cmd.value.strip().lower()
        if value not in (choice.value for choice in _choices(scope, step)):
            raise errors.BadInput(detail=value[:40])
        if _unknown(scope, ticket, step):
            ticket = await _set(scope, ticket, step, value)
        if ask_next(scope, ticket, after=step):
            return
    scope.to_actor(Notice(key="ticket.details_done", params={"number": ticket.number}))


def _choices(scope: CommandScope, step: Step) -> tuple[TriageChoice, ...]:
    if step == "kind":
        return tuple(
            TriageChoice(value=k.value, label_key=f"triage.kind.{k.value}") for k in TicketKind
        )
    if step == "category":
        return tuple(
            TriageChoice(value=area, label_key=f"category.{area}") for area in scope.service.areas()
        )
    return tuple(TriageChoice(value=v, label_key=f"triage.{step}.{v}") for v in _LEVELS)


def _unknown(scope: CommandScope, ticket: Ticket, step: Step) -> bool:
    if step == "category":
        # Nobody named an area, and no agent passed the ticket on to another team.
        default_team = scope.service.team_of_category(DEFAULT_CATEGORY)
        team = ticket.team or scope.service.default_team
        return ticket.category == DEFAULT_CATEGORY and team == default_team
    return bool(getattr(ticket, step) is None)


async def _set(scope: CommandScope, ticket: Ticket, step: Step, value: str) -> Ticket:
    """One answer on the ticket, audited as the requester's, the card updated (moved with
    a new team). Conditional on what was read: an agent's change made meanwhile wins."""
    unchanged: dict[str, Any] = {}
    values: dict[str, str] = {}
    team = ticket.team or scope.service.default_team
    if step == "category":
        unchanged = {"category": ticket.category, "team": ticket.team}
        values["category"] = value
        if scope.service.team_of_category(value) != team:
            values["team"] = scope.service.team_of_category(value)
    else:
        unchanged[step] = None
        values[step] = value
    if step in ("impact", "urgency") and not await _priority_by_agent(scope, ticket):
        # The one not known yet counts as medium in the matrix, as when an agent sets one.
        impact = Level(values["impact"]) if "impact" in values else ticket.impact
        urgency = Level(values["urgency"]) if "urgency" in values else ticket.urgency
        unchanged["priority"] = ticket.priority.value
        values["priority"] = scope.service.priority_of(impact, urgency).value
    values["sla_policy"] = rematched_policy(scope, ticket, values)
    if not await scope.repo.update_unchanged(ticket.number, scope.now, unchanged, **values):
        return await reload(scope, ticket.number)
    await scope.repo.audit(
        "triaged", scope.now, ticket_number=ticket.number, actor_id=scope.actor.id, **values
    )
    await show_classified(scope, ticket, CardChange.TRIAGED, moved="team" in values)
    return await reload(scope, ticket.number)


async def _priority_by_agent(scope: CommandScope, ticket: Ticket) -> bool:
    """An agent chose the priority itself (`/priority`): impact and urgency leave it be."""
    return any(entry.action == "priority" for entry in await scope.repo.audit_trail(ticket.number))
