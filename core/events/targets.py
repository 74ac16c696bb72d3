"""Where an event goes: a person, a ticket's agents' thread, or a team's agents' place."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from core.events.frozen import Frozen


class PersonTarget(Frozen):
    """A person's private conversation with the bot (or the place they wrote from)."""

    kind: Literal["person"] = "person"
    platform: str
    user_id: str
    display_name: str = ""
    context: str | None = None


class TicketThreadTarget(Frozen):
    """The agents' conversation about one ticket: its card and thread or topic."""

    kind: Literal["ticket_thread"] = "ticket_thread"
    platform: str
    ticket_number: int
    place: str | None = None  # the team's agents' place there; None: the platform's default


class AgentsTarget(Frozen):
    """A team's agents' place itself (the channel or group, not a ticket's thread)."""

    kind: Literal["agents"] = "agents"
    platform: str
    team: str = "default"
    place: str | None = None  # the team's channel or group there; None: the platform's default


Target = Annotated[PersonTarget | TicketThreadTarget | AgentsTarget, Field(discriminator="kind")]


def target_key(target: PersonTarget | TicketThreadTarget | AgentsTarget) -> str:
    """A stable key per conversation: the outbox keeps deliveries in order per key."""
    if isinstance(target, PersonTarget):
        return f"{target.platform}:person:{target.user_id}"
    if isinstance(target, AgentsTarget):
        return f"{target.platform}:agents:{target.team}"
    return f"{target.platform}:ticket:{target.ticket_number}"
