"""People as agents see them: a requester's profile and an agent's overview."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from core.domain import TicketState
from core.events.frozen import Frozen
from core.events.tickets import TicketView


class ProfileIdentity(Frozen):
    platform: str
    user_id: str
    name: str


class ProfileTicket(Frozen):
    number: int
    platform: str
    subject: str
    state: TicketState
    created_at: datetime
    rating: int | None = None
    assignee_name: str | None = None


class ProfileQuestion(Frozen):
    """A question the person asked the FAQ, and what happened to it."""

    text: str
    lang: str
    decision: str  # answer | suggest | none
    entry_id: str | None
    outcome: str | None  # helped | human | ticket | chose; None: nothing followed
    ticket_number: int | None
    asked_at: datetime


class PersonProfile(Frozen):
    """Who a requester is: every platform they linked, their tickets, questions, ratings."""

    kind: Literal["person_profile"] = "person_profile"
    person_id: int
    name: str
    lang: str
    is_agent: bool
    identities: tuple[ProfileIdentity, ...]
    open_tickets: tuple[ProfileTicket, ...]
    past_tickets: tuple[ProfileTicket, ...]
    tickets_total: int
    questions: tuple[ProfileQuestion, ...]
    ratings: tuple[int, ...]
    ticket_number: int | None = None  # the card it was asked from

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(identity.platform for identity in self.identities))

    @property
    def rating_average(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None


class RequesterSummary(Frozen):
    """A requester in one line, for an agent's overview: platforms, tickets, ratings."""

    person_id: int
    name: str
    platforms: tuple[str, ...]
    tickets_total: int
    open_count: int
    ratings: int
    rating_average: float | None = None


class HomeTicket(Frozen):
    ticket: TicketView
    requester: RequesterSummary


class AgentHome(Frozen):
    """An agent's overview: the unclaimed tickets of their teams (longest waiting first,
    `more_unclaimed` beyond those listed), the ones they have, and their own as a requester."""

    kind: Literal["agent_home"] = "agent_home"
    unclaimed: tuple[HomeTicket, ...]
    more_unclaimed: int = 0
    mine: tuple[HomeTicket, ...]
    own: tuple[TicketView, ...]
    as_of: datetime
