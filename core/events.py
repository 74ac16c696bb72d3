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

from core.domain import Priority, Ticket, TicketState


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


Target = Annotated[PersonTarget | TicketThreadTarget, Field(discriminator="kind")]


def target_key(target: PersonTarget | TicketThreadTarget) -> str:
    """A stable key per conversation: the outbox keeps deliveries in order per key."""
    if isinstance(target, PersonTarget):
        return f"{target.platform}:person:{target.user_id}"
    return f"{target.platform}:ticket:{target.ticket_number}"


class TicketView(_Frozen):
    number: int
    platform: str
    requester_user_id: str
    requester_name: str
    assignee_user_id: str | None
    assignee_name: str | None
    subject: str
    text: str
    category: str
    priority: Priority
    state: TicketState
    created_at: datetime
    rating: int | None = None
    source_link: str | None = None
    delivery_problem: str | None = None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketView:
        return cls(
            number=ticket.number,
            platform=ticket.platform,
            requester_user_id=ticket.requester.user_id,
            requester_name=ticket.requester.display_name,
            assignee_user_id=ticket.assignee.user_id if ticket.assignee else None,
            assignee_name=ticket.assignee.display_name if ticket.assignee else None,
            subject=ticket.subject,
            text=ticket.text,
            category=ticket.category,
            priority=ticket.priority,
            state=ticket.state,
            created_at=ticket.created_at,
            rating=ticket.rating,
            source_link=ticket.source_link,
            delivery_problem=ticket.delivery_problem,
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


class FaqSuggestions(_Frozen):
    kind: Literal["faq_suggestions"] = "faq_suggestions"
    query_id: int
    options: tuple[FaqOption, ...]


class FaqNoMatch(_Frozen):
    kind: Literal["faq_no_match"] = "faq_no_match"
    query_id: int
    question: str


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
    DELIVERY_FAILED = "delivery_failed"


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


class Relay(_Frozen):
    """A message of the conversation carried to the other side."""

    kind: Literal["relay"] = "relay"
    ticket_number: int
    message_id: int
    author_name: str
    author_role: Literal["requester", "agent"]
    text: str
    attachments: tuple[str, ...] = ()


class RelayEdited(_Frozen):
    """The author changed or removed a relayed message: update its copy."""

    kind: Literal["relay_edited"] = "relay_edited"
    ticket_number: int
    message_id: int
    author_name: str
    author_role: Literal["requester", "agent"]
    text: str
    deleted: bool = False


class TicketResolved(_Frozen):
    """Told to the requester, with a request for a rating."""

    kind: Literal["ticket_resolved"] = "ticket_resolved"
    ticket_number: int
    agent_name: str | None


class TicketList(_Frozen):
    kind: Literal["ticket_list"] = "ticket_list"
    title_key: str
    tickets: tuple[TicketView, ...]


class Notice(_Frozen):
    """A short message from the catalog. `error` marks a refused request."""

    kind: Literal["notice"] = "notice"
    key: str
    params: dict[str, str | int] = Field(default_factory=dict)
    error: bool = False


Payload = Annotated[
    FaqAnswer
    | FaqSuggestions
    | FaqNoMatch
    | TicketOpened
    | TicketCard
    | Relay
    | RelayEdited
    | TicketResolved
    | TicketList
    | Notice,
    Field(discriminator="kind"),
]


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
