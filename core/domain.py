"""The help desk's vocabulary: people, tickets, messages and their states."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "pl", "ru")


class TicketState(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"

    @property
    def is_active(self) -> bool:
        return self in (TicketState.OPEN, TicketState.CLAIMED)


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


class Author(enum.StrEnum):
    """Which side of the conversation wrote a message."""

    REQUESTER = "requester"
    AGENT = "agent"


@dataclass(frozen=True)
class PersonRef:
    """A person as a platform knows them: (platform, platform user id)."""

    platform: str
    user_id: str


@dataclass(frozen=True)
class Actor:
    """Whoever sent an inbound update, as the adapter saw them.

    `is_agent` is a platform fact (member of the agents' channel or group, or
    `/agent` in the console); the desk decides what an agent may do.
    `locale` is the platform's language hint, used until the person picks one.
    """

    platform: str
    user_id: str
    display_name: str
    is_agent: bool = False
    locale: str | None = None

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.platform, self.user_id)


@dataclass(frozen=True)
class Person:
    id: int
    platform: str
    user_id: str
    display_name: str
    lang: str
    is_agent: bool

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.platform, self.user_id)


@dataclass(frozen=True)
class Ticket:
    number: int
    platform: str
    requester: Person
    assignee: Person | None
    subject: str
    text: str
    category: str
    priority: Priority
    state: TicketState
    created_at: datetime
    updated_at: datetime
    rating: int | None = None
    source_link: str | None = None
    delivery_problem: str | None = None  # why messages cannot reach the requester


@dataclass(frozen=True)
class TicketMessage:
    id: int
    ticket_number: int
    author: Person
    author_role: Author
    visibility: Visibility
    text: str
    created_at: datetime
    attachments: tuple[str, ...] = ()


def normalize_lang(value: str | None) -> str | None:
    """Map a platform locale such as `pl-PL` or `ru_RU` to a supported language."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in SUPPORTED_LANGUAGES else None


def subject_of(text: str, limit: int = 60) -> str:
    """A one-line subject for a ticket: the first line, cut at a word boundary."""
    first = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0] or first[:limit]
    return cut + "…"
