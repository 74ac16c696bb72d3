"""A ticket's life: open, claim, assign, resolve, reopen, cancel, rate, priority.

Every state change is one conditional UPDATE whose condition and target come
from the state machine in `core.domain.TRANSITIONS`: of concurrent requests
exactly one wins, and a move the table does not list is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import commands as c
from core import errors
from core.desk import clocks
from core.desk.checks import (
    agent_to_assign,
    bounded,
    known_category,
    own_or_agent,
    planned_state,
    reload,
    require_agent,
    required_text,
    ticket_of,
)
from core.desk.learning import answer_ticket_with_entry, known_entry
from core.desk.scope import CommandScope
from core.domain import (
    DEFAULT_CATEGORY,
    Author,
    Level,
    Priority,
    Ticket,
    TicketAction,
    TicketKind,
    TicketState,
    Visibility,
    allowed_from,
    next_state,
    subject_of,
)
from core.events import CardChange, Notice, TicketOpened, TicketResolved
from core.i18n import t


async def open_ticket(scope: CommandScope, cmd: c.OpenTicket) -> Ticket:
    return await create_ticket(
        scope,
        bounded(cmd.text) if cmd.attachments else required_text(cmd.text),
        category=known_category(cmd.category),
        priority=cmd.priority,
        source_link=cmd.source_link,
        query_id=None,
        attachments=cmd.attachments,
        details=Details(kind=cmd.kind, impact=cmd.impact, urgency=cmd.urgency),
    )


@dataclass(frozen=True)
class Details:
    """What the requester said about the ticket beyond its text (triage, a form)."""

    kind: TicketKind | None = None
    impact: Level | None = None
    urgency: Level | None = None


async def _guess_category(scope: CommandScope, text: str) -> str:
    """Route by the closest FAQ entry's category when the matcher has an opinion."""
    result = await scope.faq.search_async(text, None)
    if result.decision == "none" or not result.results:
        return DEFAULT_CATEGORY
    entry = scope.faq.entry(result.results[0].entry_id, result.lang)
    return entry.category if entry and entry.category else DEFAULT_CATEGORY


async def create_ticket(
    scope: CommandScope,
    text: str,
    *,
    category: str | None,
    priority: Priority | None,
    source_link: str | None,
    query_id: int | None,
    attachments: tuple[str, ...] = (),
    details: Details | None = None,
) -> Ticket:
    """A new ticket from the actor: told to them, shown on a new card in its team's place.

    Its team follows its category, its priority the matrix (unless given), its SLA
    policy the first that matches; the policy stays with the ticket. Files the person
    sent with it follow the card into the ticket's thread. A ticket of files alone is
    described by a line saying so, in the requester's language.
    """
    if not text:
        text = t(scope.actor.lang, "ticket.files_only", count=len(attachments))
    details = details or Details()
    category = (category or "").strip().lower() or await _guess_category(scope, text)
    service = scope.service
    priority = priority or service.priority_of(details.impact, details.urgency)
    team = service.team_of_category(category)
    ticket = await scope.repo.insert_ticket(
        platform=scope.actor.platform,
        requester=scope.actor,
        subject=subject_of(text),
        text=text,
        category=category,
        priority=priority,
        source_link=source_link,
        from_query_id=query_id,
        now=scope.now,
        kind=details.kind,
        impact=details.impact,
        urgency=details.urgency,
        team=team,
        sla_policy=service.policy_for(details.kind, priority, team).name,
    )
    message_id = await scope.repo.add_message(
        ticket_number=ticket.number,
        author=scope.actor,
        role=Author.REQUESTER,
        visibility=Visibility.PUBLIC,
        text=text,
        attachments=attachments,
        platform_message_id=None,
        now=scope.now,
    )
    await scope.repo.audit(
        "opened",
        scope.now,
        ticket_number=ticket.number,
        actor_id=scope.actor.id,
        category=ticket.category,
        priority=ticket.priority.value,
        kind=ticket.kind.value if ticket.kind else None,
        impact=ticket.impact.value if ticket.impact else None,
        urgency=ticket.urgency.value if ticket.urgency else None,
        team=ticket.team,
        sla_policy=ticket.clock.policy if ticket.clock else None,
    )
    scope.to_actor(TicketOpened(ticket=scope.view(ticket)))
    await scope.card(ticket, CardChange.OPENED)
    if attachments:
        scope.to_thread(ticket, scope.relay(ticket, message_id, "requester", "", attachments))
    return ticket


async def claim(scope: CommandScope, cmd: c.Claim) -> None:
    """Exactly one agent wins a race; the others hear who has it."""
    require_agent(scope)
    ticket = await ticket_of(scope, cmd.number)
    require_team(scope, ticket)
    to = next_state(TicketAction.CLAIM, ticket.state, assigned=ticket.assignee is not None)
    won = to is not None and await scope.repo.transition(
        ticket.number,
        allowed_from=allowed_from(TicketAction.CLAIM),
        to=to,
        now=scope.now,
        assignee_must_be_unset=True,
        assignee_id=scope.actor.id,
        claimed_at=scope.now,
    )
    if not won:
        current = await reload(scope, ticket.number)
        owner = current.assignee if current.state is TicketState.CLAIMED else None
        if owner is not None and owner.id == scope.actor.id:
            scope.to_actor(Notice(key="ticket.already_yours", params={"number": current.number}))
            return
        if owner is not None:
            raise errors.AlreadyClaimed(number=current.number, owner=owner.display_name)
        raise errors.InvalidTransition(number=current.number, state=current.state.value)
    await after_claim(scope, ticket.number, CardChange.CLAIMED)


def require_team(scope: CommandScope, ticket: Ticket, *, change: bool = False) -> None:
    """Only the agents of the ticket's team (members of its place) may take it, or (with
    `change`) change its kind, impact, urgency or priority."""
    teams = scope.cmd.actor.teams
    team = ticket.team or scope.service.default_team
    if teams is not None and team not in teams:
        refusal = errors.OtherTeamChange if change else errors.OtherTeam
        raise refusal(number=ticket.number, team=team)


async def after_claim(scope: CommandScope, number: int, change: CardChange) -> None:
    """Audit the new assignee, update the card, tell the requester who helps."""
    ticket = await reload(scope, number)
    assert ticket.assignee is not None
    await scope.repo.audit(
        change.value,
        scope.now,
        ticket_number=number,
        actor_id=scope.actor.id,
        assignee=ticket.assignee.display_name,
    )
    await scope.card(ticket, change)
    scope.to_person(
        ticket.requester,
        Notice(
            key="ticket.agent_assigned",
            params={"number": number, "agent": ticket.assignee.display_name},
        ),
    )


async def assign(scope: CommandScope, cmd: c.Assign) -> None:
    require_agent(scope)
    ticket = await ticket_of(scope, cmd.number)
    worked_on = {p for p, _ in scope.service.ticket_places(ticket.team, ticket.platform)}
    if cmd.assignee.platform not in worked_on | {ticket.platform}:
        raise errors.BadInput(detail="assignee on a platform where this ticket is not worked")
    assignee = await agent_to_assign(scope, cmd.assignee, ticket.number)
    if ticket.assignee is not None and ticket.assignee.id == assignee.id and ticket.state.is_active:
        # Nothing changes: nobody is told again.
        scope.to_actor(
            Notice(
                key="ticket.already_assigned",
                params={"number": ticket.number, "agent": assignee.display_name},
            )
        )
        return
    moved = await scope.repo.transition(
        ticket.number,
        allowed_from=allowed_from(TicketAction.ASSIGN),
        to=planned_state(ticket, TicketAction.ASSIGN),
        now=scope.now,
        assignee_id=assignee.id,
        claimed_at=scope.now,
    )
    if not moved:
        raise errors.InvalidTransition(number=ticket.number, state=ticket.state.value)
    await after_claim(scope, ticket.number, CardChange.ASSIGNED)


async def _move(
    scope: CommandScope, ticket: Ticket, action: TicketAction, *, done: CardChange, **values: Any
) -> Ticket:
    """One conditional state change, audited as `done` and shown on the card."""
    moved = await scope.repo.transition(
        ticket.number,
        allowed_from=allowed_from(action),
        to=planned_state(ticket, action),
        now=scope.now,
        **values,
    )
    current = await reload(scope, ticket.number)
    if not moved:
        raise errors.InvalidTransition(number=current.number, state=current.state.value)
    await scope.repo.audit(
        done.value, scope.now, ticket_number=current.number, actor_id=scope.actor.id
    )
    await scope.card(current, done)
    return current


async def resolve(scope: CommandScope, cmd: c.Resolve) -> None:
    """With an entry, the requester gets its answer before the resolution (see learning)."""
    require_agent(scope)
    ticket = await ticket_of(scope, cmd.number)
    entry = known_entry(scope, cmd.entry_id, ticket.requester.lang) if cmd.entry_id else None
    values: dict[str, Any] = {"resolved_at": scope.now, **clocks.stop(ticket, scope.now)}
    if ticket.assignee is None:
        values["assignee_id"] = scope.actor.id
    ticket = await _move(scope, ticket, TicketAction.RESOLVE, done=CardChange.RESOLVED, **values)
    if entry is not None:
        await answer_ticket_with_entry(scope, ticket, entry)
    scope.to_person(
        ticket.requester,
        TicketResolved(ticket_number=ticket.number, agent_name=scope.actor.display_name),
    )


async def reopen(scope: CommandScope, cmd: c.Reopen) -> None:
    ticket = await own_or_agent(scope, cmd.number)
    # The same ticket's clocks continue where they stopped (the closed time does not count).
    ticket = await _move(
        scope,
        ticket,
        TicketAction.REOPEN,
        done=CardChange.REOPENED,
        resolved_at=None,
        rating=None,
        **clocks.resume(scope.service, ticket, scope.now),
    )
    scope.to_person(
        ticket.requester, Notice(key="ticket.reopened", params={"number": ticket.number})
    )


async def cancel(scope: CommandScope, cmd: c.Cancel) -> None:
    ticket = await own_or_agent(scope, cmd.number)
    ticket = await _move(
        scope,
        ticket,
        TicketAction.CANCEL,
        done=CardChange.CANCELLED,
        **clocks.stop(ticket, scope.now),
    )
    scope.to_person(
        ticket.requester, Notice(key="ticket.cancelled", params={"number": ticket.number})
    )


async def rate(scope: CommandScope, cmd: c.Rate) -> None:
    ticket = await ticket_of(scope, cmd.number)
    if ticket.requester.canonical_id != scope.actor.canonical_id:
        raise errors.UnknownTicket(number=cmd.number)
    if not 1 <= cmd.score <= 5:
        raise errors.BadRating()
    planned_state(ticket, TicketAction.RATE)
    await scope.repo.update_ticket(ticket.number, scope.now, rating=cmd.score)
    # Kept for good: reopening clears the ticket's rating, never its history.
    await scope.repo.record_rating(
        ticket.number,
        person_id=scope.actor.id,
        score=cmd.score,
        now=scope.now,
    )
    await scope.repo.audit(
        "rated", scope.now, ticket_number=ticket.number, actor_id=scope.actor.id, score=cmd.score
    )
    await scope.card(await reload(scope, ticket.number), CardChange.RATED)
    scope.to_actor(
        Notice(key="ticket.thanks_for_rating", params={"number": ticket.number, "score": cmd.score})
    )


async def set_priority(scope: CommandScope, cmd: c.SetPriority) -> None:
    require_agent(scope)
    ticket = await ticket_of(scope, cmd.number)
    planned_state(ticket, TicketAction.PRIORITY)
    require_team(scope, ticket, change=True)
    # The SLA policy follows the new priority; the clocks keep counting from the opening.
    policy = scope.service.policy_for(ticket.kind, cmd.priority, ticket.team).name
    await scope.repo.update_ticket(
        ticket.number, scope.now, priority=cmd.priority.value, sla_policy=policy
    )
    await scope.repo.audit(
        "priority",
        scope.now,
        ticket_number=ticket.number,
        actor_id=scope.actor.id,
        priority=cmd.priority.value,
        sla_policy=policy,
    )
    await scope.card(await reload(scope, ticket.number), CardChange.PRIORITY)
