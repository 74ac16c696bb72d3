"""Typed events out of the desk: what someone must be told, and where.

Events are written to the outbox as JSON in the same transaction as the state
change that caused them; adapters turn them into platform messages. Text is
never pre-rendered here: every adapter renders an event in the recipient's
language through the message catalog, with its own buttons and markup.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from core.domain import Level, Priority, Ticket, TicketKind, TicketState


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PersonTarget(_Frozen):
    """A person's private conversation with the bot (or the place they wrote from)."""

    kind: Literal["person"] = "person"
    platform: str
    user_id: str
    display_name: str = ""
    context: str | None = None


class TicketThreadTarget(_Frozen):
    """The agents' conversation about one ticket: its card and thread or topic."""

    kind: Literal["ticket_thread"] = "ticket_thread"
    platform: str
    ticket_number: int
    place: str | None = None  # the team's agents' place there; None: the platform's default


class AgentsTarget(_Frozen):
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


class RequesterHistory(_Frozen):
    """The card's line about the requester: the how-manieth ticket of theirs this month
    (on any platform they linked), and their ticket before this one."""

    nth_this_month: int
    last_number: int | None = None
    last_subject: str = ""
    last_state: TicketState | None = None


class BreachView(_Frozen):
    target: str  # first_response | resolution
    at: datetime


class SlaView(_Frozen):
    """A ticket's SLA clocks as of `as_of`, for cards and `/status` (core.service.clocks)."""

    policy: str
    as_of: datetime
    timezone: str  # the policy calendar's: due times are shown in it
    paused: bool = False
    stopped: bool = False
    next_target: str | None = None  # the pending target due soonest
    next_due: datetime | None = None
    remaining_seconds: int | None = None  # business time left of it (negative: overdue)
    breached: tuple[BreachView, ...] = ()


class TicketView(_Frozen):
    number: int
    platform: str
    requester_user_id: str
    requester_name: str
    assignee_user_id: str | None
    assignee_name: str | None
    subject: str
    assignee_platform: str | None = None
    text: str
    category: str
    priority: Priority
    state: TicketState
    created_at: datetime
    rating: int | None = None
    source_link: str | None = None
    delivery_problem: str | None = None
    history: RequesterHistory | None = None  # filled in by the desk for cards
    kind: TicketKind | None = None
    impact: Level | None = None
    urgency: Level | None = None
    team: str | None = None
    sla: SlaView | None = None

    @classmethod
    def of(cls, ticket: Ticket, sla: SlaView | None = None) -> TicketView:
        return cls(
            number=ticket.number,
            platform=ticket.platform,
            requester_user_id=ticket.requester.user_id,
            requester_name=ticket.requester.display_name,
            assignee_user_id=ticket.assignee.user_id if ticket.assignee else None,
            assignee_name=ticket.assignee.display_name if ticket.assignee else None,
            assignee_platform=ticket.assignee.platform if ticket.assignee else None,
            subject=ticket.subject,
            text=ticket.text,
            category=ticket.category,
            priority=ticket.priority,
            state=ticket.state,
            created_at=ticket.created_at,
            rating=ticket.rating,
            source_link=ticket.source_link,
            delivery_problem=ticket.delivery_problem,
            kind=ticket.kind,
            impact=ticket.impact,
            urgency=ticket.urgency,
            team=ticket.team,
            sla=sla,
        )


class FaqOption(_Frozen):
    entry_id: str
    title: str


class FaqAnswer(_Frozen):
    kind: Literal["faq_answer"] = "faq_answer"
    query_id: int
    entry_id: str
    title: str
    answer: str  # Markdown; adapters render it for their platform
    score: float
    open_tickets: tuple[int, ...] = ()  # the asker's open tickets: "add this to #N" instead


class FaqSuggestions(_Frozen):
    kind: Literal["faq_suggestions"] = "faq_suggestions"
    query_id: int
    options: tuple[FaqOption, ...]
    open_tickets: tuple[int, ...] = ()


class FaqNoMatch(_Frozen):
    """No answer: a ticket is offered. `files` counts what was sent without words (the
    FAQ cannot read files); the ticket will carry them."""

    kind: Literal["faq_no_match"] = "faq_no_match"
    query_id: int
    question: str
    files: int = 0
    open_tickets: tuple[int, ...] = ()


class TicketOpened(_Frozen):
    """Told to the requester: their ticket exists and has a number."""

    kind: Literal["ticket_opened"] = "ticket_opened"
    ticket: TicketView


class CardChange(enum.StrEnum):
    """What just happened to a ticket, said on its card (core.presenter picks the words)."""

    OPENED = "opened"
    CLAIMED = "claimed"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CANCELLED = "cancelled"
    RATED = "rated"
    PRIORITY = "priority"
    CLASSIFIED = "classified"  # kind, impact, urgency or team changed
    WAITING = "waiting"  # waiting for the requester
    RESUMED = "resumed"  # the requester answered
    SLA = "sla"  # a target is near or breached
    MOVED = "moved"  # the ticket went to another team (said on the old card)
    TRIAGED = "triaged"  # the requester answered a question about it after it opened
    DELIVERY_FAILED = "delivery_failed"
    REPOSTED = "reposted"  # an adapter posted the card again where the old one was lost


# Cards written to the outbox before CardChange existed stored its catalog key.
_STORED_CATALOG_PREFIX = "card.change."


class FaqChoice(_Frozen):
    """An FAQ entry an agent may resolve a ticket with (`/resolve N faq:<entry_id>`)."""

    entry_id: str
    title: str


class TicketCard(_Frozen):
    """The agents' card for a ticket: posted once, then updated in place."""

    kind: Literal["ticket_card"] = "ticket_card"
    ticket: TicketView
    change: CardChange
    actor_name: str | None = None
    # While the ticket is active: the entries that best match its question, best first.
    faq_choices: tuple[FaqChoice, ...] = ()

    @field_validator("change", mode="before")
    @classmethod
    def _from_catalog_key(cls, value: object) -> object:
        if isinstance(value, str):
            return value.removeprefix(_STORED_CATALOG_PREFIX)
        return value


class TriageChoice(_Frozen):
    value: str  # what the answer carries: a kind, a category, a level, an FAQ entry id
    label_key: str | None = None  # a catalog key; None: `label` is the text itself
    label: str = ""


class TriageStep(_Frozen):
    """Told to the requester: one question of the triage before a ticket, with its choices.

    `answers` is the `Triage` command so far (as its fields); a surface answers by sending
    it again with this step's field set to a choice's value (or `-` to skip it).

    With `ticket_number`, the question is about the requester's ticket opened already,
    optional: a surface answers with `TriageAnswer` (a skip ends the questions).
    """

    kind: Literal["triage_step"] = "triage_step"
    step: Literal["kind", "category", "faq", "impact", "urgency", "text"]
    choices: tuple[TriageChoice, ...] = ()
    answers: dict[str, str | bool] = Field(default_factory=dict)
    ticket_number: int | None = None


class Relay(_Frozen):
    """A message of the conversation carried to the other side."""

    kind: Literal["relay"] = "relay"
    ticket_number: int
    message_id: int
    author_name: str
    author_role: Literal["requester", "agent"]
    text: str
    attachments: tuple[str, ...] = ()
    # The platform the attachments were shared on; another platform's sender reads them
    # from there (core.files). None in rows written before files crossed platforms: they
    # came from the platform the relay is delivered on.
    source_platform: str | None = None
    # Set on the copy an agents' place of another platform gets of an agent's message:
    # the platform it was written on (adapters keep these copies apart from the requester's).
    mirrored_from: str | None = None
    internal: bool = False  # a note: only ever shown to agents


class RelayEdited(_Frozen):
    """The author changed or removed a relayed message: update its copy."""

    kind: Literal["relay_edited"] = "relay_edited"
    ticket_number: int
    message_id: int
    author_name: str
    author_role: Literal["requester", "agent"]
    text: str
    deleted: bool = False
    mirrored_from: str | None = None  # as on Relay: the copy in another platform's place
    internal: bool = False


class RelayRetracted(_Frozen):
    """A relayed message became internal: its copy is withdrawn (deleted, or where the
    platform cannot delete it, replaced by a neutral placeholder); its text is never shown."""

    kind: Literal["relay_retracted"] = "relay_retracted"
    ticket_number: int
    message_id: int
    author_name: str
    author_role: Literal["requester", "agent"]


class TicketResolved(_Frozen):
    """Told to the requester, with a request for a rating."""

    kind: Literal["ticket_resolved"] = "ticket_resolved"
    ticket_number: int
    agent_name: str | None


class TicketList(_Frozen):
    kind: Literal["ticket_list"] = "ticket_list"
    title_key: str
    tickets: tuple[TicketView, ...]
    as_of: datetime | None = None  # when the list was made: the tickets' ages count to it


class WhichTicket(_Frozen):
    """A message held until its author says which of their open tickets it is for."""

    kind: Literal["which_ticket"] = "which_ticket"
    held_id: int
    text: str
    tickets: tuple[TicketView, ...]


class Notice(_Frozen):
    """A short message from the catalog. `error` marks a refused request."""

    kind: Literal["notice"] = "notice"
    key: str
    params: dict[str, str | int] = Field(default_factory=dict)
    error: bool = False


class ProfileIdentity(_Frozen):
    platform: str
    user_id: str
    name: str


class ProfileTicket(_Frozen):
    number: int
    platform: str
    subject: str
    state: TicketState
    created_at: datetime
    rating: int | None = None
    assignee_name: str | None = None


class ProfileQuestion(_Frozen):
    """A question the person asked the FAQ, and what happened to it."""

    text: str
    lang: str
    decision: str  # answer | suggest | none
    entry_id: str | None
    outcome: str | None  # helped | human | ticket | chose; None: nothing followed
    ticket_number: int | None
    asked_at: datetime


class PersonProfile(_Frozen):
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


class RequesterSummary(_Frozen):
    """A requester in one line, for an agent's overview: platforms, tickets, ratings."""

    person_id: int
    name: str
    platforms: tuple[str, ...]
    tickets_total: int
    open_count: int
    ratings: int
    rating_average: float | None = None


class HomeTicket(_Frozen):
    ticket: TicketView
    requester: RequesterSummary


class AgentHome(_Frozen):
    """An agent's overview: the unclaimed tickets of their teams (longest waiting first,
    `more_unclaimed` beyond those listed), the ones they have, and their own as a requester."""

    kind: Literal["agent_home"] = "agent_home"
    unclaimed: tuple[HomeTicket, ...]
    more_unclaimed: int = 0
    mine: tuple[HomeTicket, ...]
    own: tuple[TicketView, ...]
    as_of: datetime


Payload = Annotated[
    FaqAnswer
    | FaqSuggestions
    | FaqNoMatch
    | TicketOpened
    | TicketCard
    | Relay
    | RelayEdited
    | RelayRetracted
    | TicketResolved
    | TicketList
    | PersonProfile
    | AgentHome
    | TriageStep
    | WhichTicket
    | Notice,
    Field(discriminator="kind"),
]


def ticket_number_of(payload: Payload) -> int | None:
    """The ticket a message to a person is about (adapters keep it as a reply place)."""
    if isinstance(payload, TicketOpened):
        return payload.ticket.number
    if isinstance(payload, Relay | RelayEdited | TicketResolved):
        return payload.ticket_number
    if isinstance(payload, TriageStep):
        return payload.ticket_number
    if isinstance(payload, Notice) and payload.key.startswith("ticket."):
        number = payload.params.get("number")
        return number if isinstance(number, int) else None
    return None


class Event(_Frozen):
    """One message to deliver: to whom, in which language, saying what."""

    target: Target
    lang: str
    payload: Payload


_EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def event_to_json(event: Event) -> str:
    return event.model_dump_json()


def event_from_json(data: str) -> Event:
    return _EVENT_ADAPTER.validate_json(data)
