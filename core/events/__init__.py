"""Typed events out of the desk: what someone must be told, and where.

Events are written to the outbox as JSON in the same transaction as the state
change that caused them; adapters turn them into platform messages. Text is
never pre-rendered here: every adapter renders an event in the recipient's
language through the message catalog, with its own buttons and markup.

The models live by subject in this package's modules; every name is importable from here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from core.events.conversation import (
    Relay,
    RelayEdited,
    RelayRetracted,
    WhichTicket,
)
from core.events.frozen import Frozen
from core.events.people import (
    AgentHome,
    HomeTicket,
    PersonProfile,
    ProfileIdentity,
    ProfileQuestion,
    ProfileTicket,
    RequesterSummary,
)
from core.events.questions import (
    FaqAnswer,
    FaqNoMatch,
    FaqOption,
    FaqSuggestions,
    TriageChoice,
    TriageStep,
)
from core.events.targets import (
    AgentsTarget,
    PersonTarget,
    Target,
    TicketThreadTarget,
    target_key,
)
from core.events.tickets import (
    BreachView,
    CardChange,
    FaqChoice,
    RequesterHistory,
    SlaView,
    TicketCard,
    TicketList,
    TicketOpened,
    TicketResolved,
    TicketView,
)

__all__ = [
    "AgentHome",
    "AgentsTarget",
    "BreachView",
    "CardChange",
    "Event",
    "FaqAnswer",
    "FaqChoice",
    "FaqNoMatch",
    "FaqOption",
    "FaqSuggestions",
    "HomeTicket",
    "Notice",
    "Payload",
    "PersonProfile",
    "PersonTarget",
    "ProfileIdentity",
    "ProfileQuestion",
    "ProfileTicket",
    "Relay",
    "RelayEdited",
    "RelayRetracted",
    "RequesterHistory",
    "RequesterSummary",
    "SlaView",
    "Target",
    "TicketCard",
    "TicketList",
    "TicketOpened",
    "TicketResolved",
    "TicketThreadTarget",
    "TicketView",
    "TriageChoice",
    "TriageStep",
    "WhichTicket",
    "event_from_json",
    "event_to_json",
    "target_key",
    "ticket_number_of",
]


class Notice(Frozen):
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


class Event(Frozen):
    """One message to deliver: to whom, in which language, saying what."""

    target: Target
    lang: str
    payload: Payload


_EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def event_to_json(event: Event) -> str:
    return event.model_dump_json()


def event_from_json(data: str) -> Event:
    return _EVENT_ADAPTER.validate_json(data)
