"""The help desk's vocabulary: people, tickets, messages and their states."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "pl", "ru")

# The longest text (question, ticket, message, note, reply) the desk accepts.
MAX_TEXT = 20_000
# Ticket numbers and FAQ query ids are 32-bit integer columns: a number typed
# beyond them names nothing, and must not reach the database as one.
MAX_ID = 2**31 - 1
# Files sent without words this soon after a question sent with files, not yet answered
# by a button, join it: an album of screenshots arrives as one message per file.
FILES_JOIN_SECONDS = 60

# Where escalations go: the triage menus offer these, a ticket without one is "general".
CATEGORIES: tuple[str, ...] = ("general", "it", "hr", "facilities", "finance")
DEFAULT_CATEGORY = "general"

# Linking a person's identities across platforms: a code lives this long, and a person
# who typed this many wrong codes within the window is refused until it has passed.
LINK_CODE_TTL = timedelta(minutes=10)
LINK_MAX_FAILURES = 5
LINK_FAILURE_WINDOW = timedelta(minutes=10)


class TicketState(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    WAITING = "waiting"  # for the requester: the SLA clocks are paused
    RESOLVED = "resolved"
    CANCELLED = "cancelled"

    @property
    def is_active(self) -> bool:
        return self in ACTIVE_STATES


ACTIVE_STATES: tuple[TicketState, ...] = (
    TicketState.OPEN,
    TicketState.CLAIMED,
    TicketState.WAITING,
)


class TicketAction(enum.StrEnum):
    """What a command does to a ticket, as far as its state is concerned."""

    CLAIM = "claim"
    ASSIGN = "assign"
    REPLY = "reply"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CANCEL = "cancel"
    RATE = "rate"
    PRIORITY = "priority"  # also kind, impact, urgency and team: the ticket's classification
    WAIT = "wait"  # an agent waits for the requester
    RESUME = "resume"  # the requester answered


_A, _S = TicketAction, TicketState

# The ticket state machine: (action, state it starts from) -> the state it leads to.
# A pair missing here is refused. Rating and priority change no state; they are
# listed to say in which states they may be done.
TRANSITIONS: Mapping[tuple[TicketAction, TicketState], TicketState] = MappingProxyType(
    {
        (_A.CLAIM, _S.OPEN): _S.CLAIMED,
        (_A.ASSIGN, _S.OPEN): _S.CLAIMED,
        (_A.ASSIGN, _S.CLAIMED): _S.CLAIMED,
        (_A.REPLY, _S.OPEN): _S.CLAIMED,  # answering an unclaimed ticket is claiming it
        (_A.REPLY, _S.CLAIMED): _S.CLAIMED,
        (_A.REPLY, _S.WAITING): _S.WAITING,  # asking again keeps waiting
        (_A.RESOLVE, _S.OPEN): _S.RESOLVED,
        (_A.RESOLVE, _S.CLAIMED): _S.RESOLVED,
        (_A.RESOLVE, _S.WAITING): _S.RESOLVED,
        (_A.REOPEN, _S.RESOLVED): _S.OPEN,
        (_A.REOPEN, _S.CANCELLED): _S.OPEN,
        (_A.CANCEL, _S.OPEN): _S.CANCELLED,
        (_A.CANCEL, _S.CLAIMED): _S.CANCELLED,
        (_A.CANCEL, _S.WAITING): _S.CANCELLED,
        (_A.RATE, _S.RESOLVED): _S.RESOLVED,
        (_A.PRIORITY, _S.OPEN): _S.OPEN,
        (_A.PRIORITY, _S.CLAIMED): _S.CLAIMED,
        (_A.PRIORITY, _S.WAITING): _S.WAITING,
        (_A.WAIT, _S.OPEN): _S.WAITING,  # the waiting agent takes the ticket
        (_A.WAIT, _S.CLAIMED): _S.WAITING,
        (_A.RESUME, _S.WAITING): _S.OPEN,  # back to its agent: lands on CLAIMED
    }
)


def next_state(action: TicketAction, state: TicketState, *, assigned: bool) -> TicketState | None:
    """Where `action` takes a ticket in `state`; None when the table forbids it.

    A ticket someone holds is never open: a move to OPEN of an assigned ticket
    lands on CLAIMED (the agent who had it keeps it).
    """
    to = TRANSITIONS.get((action, state))
    if to is TicketState.OPEN and assigned:
        return TicketState.CLAIMED
    return to


def allowed_from(action: TicketAction) -> tuple[TicketState, ...]:
    """Every state `action` may start from: the condition of its conditional update."""
    return tuple(state for (done, state) in TRANSITIONS if done is action)


class Priority(enum.StrEnum):
    """P1 (most urgent) to P4, set by the priority matrix from impact and urgency."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    # The words used before P1-P4 name the same priorities (aliases, not members).
    URGENT = "P1"
    HIGH = "P2"
    NORMAL = "P3"
    LOW = "P4"

    @classmethod
    def _missing_(cls, value: object) -> Priority | None:
        """`p2`, and the words tickets, outbox rows and inbox rows stored before P1-P4."""
        if not isinstance(value, str):
            return None
        word = value.strip().lower()
        return _OLD_PRIORITIES.get(word) or next((p for p in cls if p.value.lower() == word), None)


_OLD_PRIORITIES: Mapping[str, Priority] = MappingProxyType(
    {"urgent": Priority.P1, "high": Priority.P2, "normal": Priority.P3, "low": Priority.P4}
)
DEFAULT_PRIORITY = Priority.P3


class TicketKind(enum.StrEnum):
    """ITIL's split: something is broken, someone needs something, someone asks."""

    INCIDENT = "incident"
    REQUEST = "request"
    QUESTION = "question"


class Level(enum.StrEnum):
    """Impact (how many people it stops) and urgency (how soon it matters)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


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
    teams: tuple[str, ...] | None = None
    """The teams whose agents' place the person is a member of; None: every team (a
    surface with one agents' place, the console's `/agent NAME`)."""

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.platform, self.user_id)


@dataclass(frozen=True)
class Person:
    """One identity of a person on one platform (a row of `people`).

    `person_id` is the identity that stands for the whole person when this one was
    linked to others (None: it stands for itself); `canonical_id` is the same for every
    identity of one person.
    """

    id: int
    platform: str
    user_id: str
    display_name: str
    lang: str
    is_agent: bool
    person_id: int | None = None

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.platform, self.user_id)

    @property
    def canonical_id(self) -> int:
        return self.person_id or self.id


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
    kind: TicketKind | None = None  # None: nobody said (tickets from before kinds)
    impact: Level | None = None
    urgency: Level | None = None
    team: str | None = None  # None: the default team
    clock: SlaClock | None = None


@dataclass(frozen=True)
class SlaClock:
    """What the SLA clocks of a ticket have recorded (core.service.clocks reads them).

    `paused_since` is set while the clocks stand still (waiting for the requester,
    resolved, cancelled); `paused` is the business time they stood still before.
    """

    policy: str | None = None
    first_response_at: datetime | None = None
    paused_since: datetime | None = None
    paused: timedelta = timedelta()
    # `paused` when the first response was given (None before it, and in records older
    # than this field): pauses after it do not move the first response's target.
    paused_at_first_response: timedelta | None = None
    warned: tuple[str, ...] = ()  # targets whose 75 % reminder went out
    breached: tuple[tuple[str, datetime], ...] = ()  # (target, when) of each breach


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
    deleted: bool = False  # removed by its author: kept in the record, its text gone


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
