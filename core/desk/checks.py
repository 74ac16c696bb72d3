"""Checks every rule shares: texts within the limit, agents only, tickets one may see,
known categories, assignees who are agents."""

from __future__ import annotations

from core import errors
from core.desk.scope import CommandScope
from core.domain import (
    CATEGORIES,
    MAX_ID,
    MAX_TEXT,
    Actor,
    Person,
    Ticket,
    TicketAction,
    TicketState,
    next_state,
)


def bounded(text: str) -> str:
    """`text` stripped; refused when longer than the desk accepts (it may be empty)."""
    cleaned = text.strip()
    if len(cleaned) > MAX_TEXT:
        raise errors.BadInput(detail=f"text longer than {MAX_TEXT} characters")
    return cleaned


def required_text(text: str) -> str:
    """`text` stripped; refused when empty or too long."""
    cleaned = bounded(text)
    if not cleaned:
        raise errors.EmptyText()
    return cleaned


def known_category(value: str | None) -> str | None:
    """A category a person chose (a button, a menu): one of ours, or None for "not chosen".

    Button data can be crafted by hand, so anything else is refused here, for
    every surface at once.
    """
    category = (value or "").strip().lower()
    if not category:
        return None
    if category not in CATEGORIES:
        raise errors.UnknownCategory(value=category[:40], known=", ".join(CATEGORIES))
    return category


async def agent_to_assign(scope: CommandScope, who: Actor, number: int) -> Person:
    """The agent a ticket is assigned to, decided the way claims are.

    `who.is_agent` is the adapter's platform fact at command time (membership
    of the agents' channel or group), recorded like the actor's own. An adapter
    that cannot check says False, and then the desk's record decides: the
    person must be one the desk has seen acting as an agent.
    """
    if who.is_agent:
        person: Person | None = await scope.repo.upsert_person(who, scope.now)
    else:
        person = await scope.repo.person_by_ref(who.ref)
    if person is None or not person.is_agent:
        name = person.display_name if person is not None else who.display_name
        raise errors.NotAnAgent(number=number, name=name)
    return person


def require_agent(scope: CommandScope) -> None:
    if not scope.actor.is_agent:
        raise errors.NotAllowed()


async def ticket_of(scope: CommandScope, number: int) -> Ticket:
    found = await scope.repo.get_ticket(number) if 0 < number <= MAX_ID else None
    if found is None:
        raise errors.UnknownTicket(number=number)
    return found


async def own_or_agent(scope: CommandScope, number: int) -> Ticket:
    """A ticket the actor may act on: their own, or any ticket for an agent.

    A requester asking about someone else's ticket hears "unknown ticket",
    so ticket numbers leak nothing about other people. A person's own tickets are
    those of every identity they linked.
    """
    found = await ticket_of(scope, number)
    if scope.actor.is_agent or found.requester.canonical_id == scope.actor.canonical_id:
        return found
    raise errors.UnknownTicket(number=number)


async def own_ticket(scope: CommandScope, number: int) -> Ticket:
    """One of the actor's own tickets that is still open; anyone else's is unknown."""
    ticket = await ticket_of(scope, number)
    if ticket.requester.id != scope.actor.id:
        raise errors.UnknownTicket(number=number)
    if not ticket.state.is_active:
        raise errors.NotActive(number=number, state=ticket.state.value)
    return ticket


async def reload(scope: CommandScope, number: int) -> Ticket:
    """The ticket as this transaction sees it now (after a change)."""
    found = await scope.repo.get_ticket(number)
    assert found is not None
    return found


def planned_state(ticket: Ticket, action: TicketAction) -> TicketState:
    """Where `action` takes `ticket` (core.domain.TRANSITIONS); refused when it may not."""
    to = next_state(action, ticket.state, assigned=ticket.assignee is not None)
    if to is None:
        raise errors.InvalidTransition(number=ticket.number, state=ticket.state.value)
    return to
