"""What Slack hands back to us later: reply places, message refs and the data on our buttons.

Each format is written and read in this module only. Buttons already posted carry
their action_id and value for as long as the message lives, so a format here may
gain a field but never change what an existing one means.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.domain import Level, Priority, TicketKind

PLATFORM = "slack"

# callback ids and reactions the app and the manifest agree on
SHORTCUT_CREATE_TICKET = "create_ticket"
MODAL_CALLBACK = "ticket_modal"
REACTION_TICKET = "ticket"
REACTION_CLAIM = "eyes"
REACTION_RESOLVE = "white_check_mark"

# the triage modal's inputs: block ids, each holding one element with this action id
MODAL_TEXT = "text"
MODAL_CATEGORY = "category"
MODAL_URGENCY = "urgency"
MODAL_KIND = "kind"
MODAL_IMPACT = "impact"
MODAL_INPUT = "value"


# where a reply to the actor goes


@dataclass(frozen=True)
class ReplyPlace:
    """Where a direct answer to the acting user belongs.

    Empty: their DM with the bot. `channel` (+ `thread_ts`): a public reply there
    (an @mention is answered in its thread). `ephemeral`: only they see it (agents
    acting in the agents' channel). `home`: lists go to their App Home tab. `view`: the
    modal (its view id) a profile asked for from the App Home is shown in.
    """

    channel: str | None = None
    thread_ts: str | None = None
    ephemeral: bool = False
    home: bool = False
    view: str | None = None

    def encode(self) -> str | None:
        data: dict[str, Any] = {}
        if self.channel:
            data["c"] = self.channel
        if self.thread_ts:
            data["t"] = self.thread_ts
        if self.ephemeral:
            data["e"] = 1
        if self.home:
            data["h"] = 1
        if self.view:
            data["v"] = self.view
        return json.dumps(data, separators=(",", ":")) if data else None


def decode_place(context: str | None) -> ReplyPlace:
    if not context:
        return ReplyPlace()
    try:
        data = json.loads(context)
    except ValueError:
        return ReplyPlace()
    if not isinstance(data, dict):
        return ReplyPlace()
    return ReplyPlace(
        channel=data.get("c"),
        thread_ts=data.get("t"),
        ephemeral=bool(data.get("e")),
        home=bool(data.get("h")),
        view=data.get("v"),
    )


# message refs


def message_ref(channel: str, ts: str) -> str:
    """A Slack message's identity, as given to the desk and kept in RefStore."""
    return f"{channel}:{ts}"


def split_ref(ref: str) -> tuple[str, str]:
    channel, _, ts = ref.partition(":")
    return channel, ts


# file refs: a Slack file in a message's attachments, by id (its name for people to read)

FILE_REF_PREFIX = "slack-file:"


def file_ref(file_id: str, name: str) -> str:
    """`slack-file:F0123/report.pdf`: what the desk stores for a file shared in Slack."""
    return f"{FILE_REF_PREFIX}{file_id}/{name}"


def parse_file_ref(ref: str) -> tuple[str, str] | None:
    """(file id, name) of a file ref; None for anything else (a link, another platform's)."""
    if not ref.startswith(FILE_REF_PREFIX):
        return None
    file_id, _, name = ref.removeprefix(FILE_REF_PREFIX).partition("/")
    return (file_id, name or file_id) if file_id.isalnum() else None


# button data: one type per kind of button, each building and parsing its own format

ACTION_FAQ_HELPED = "faq_helped"
ACTION_FAQ_HUMAN = "faq_human"
ACTION_FAQ_PICK = "faq_pick"
ACTION_RATE = "rate"
ACTION_ASSIGN = "card_assign"
ACTION_PRIORITY = "card_priority"
ACTION_KIND = "card_kind"
ACTION_IMPACT = "card_impact"
ACTION_URGENCY = "card_urgency"
ACTION_TEAM = "card_team"
ACTION_TRIAGE = "triage"
ACTION_FAQ_TO_TICKET = "faq_to_ticket"
ACTION_HELD_PLACE = "held_place"
ACTION_RESOLVE_FAQ = "card_resolve_faq"
ACTION_HOME_PERSON = "home_person"  # a listener of its own: it opens a modal first
ACTION_PATTERN = re.compile(
    r"^(faq_helped|faq_human|faq_pick|faq_to_ticket|held_place|rate|card_\w+|triage)(:\d+)?$"
)


@dataclass(frozen=True)
class ActionFields:
    """The parts of a block action our formats use, each as the text Slack sent."""

    action_id: str  # without the ":<n>" that keeps action ids in one block unique
    value: str
    block_id: str
    selected_user: str
    selected_value: str

    @classmethod
    def of(cls, action: Mapping[str, Any]) -> ActionFields:
        option = action.get("selected_option")
        selected = option.get("value") if isinstance(option, Mapping) else None
        return cls(
            action_id=str(action.get("action_id", "")).split(":")[0],
            value=str(action.get("value", "")),
            block_id=str(action.get("block_id", "")),
            selected_user=str(action.get("selected_user", "")),
            selected_value=str(selected or ""),
        )


@dataclass(frozen=True)
class FaqFeedbackButton:
    """ "That helped" / "Talk to a human" under an FAQ reply; the value is the query id."""

    query_id: int
    helped: bool

    @property
    def action_id(self) -> str:
        return ACTION_FAQ_HELPED if self.helped else ACTION_FAQ_HUMAN

    @property
    def value(self) -> str:
        return str(self.query_id)

    @classmethod
    def parse(cls, fields: ActionFields) -> FaqFeedbackButton:
        return cls(query_id=int(fields.value), helped=fields.action_id == ACTION_FAQ_HELPED)


@dataclass(frozen=True)
class FaqPickButton:
    """One "did you mean" entry: `faq_pick:<index>`, value `<query id>:<entry id>`."""

    query_id: int
    entry_id: str
    index: int = 0

    @property
    def action_id(self) -> str:
        return f"{ACTION_FAQ_PICK}:{self.index}"

    @property
    def value(self) -> str:
        return f"{self.query_id}:{self.entry_id}"

    @classmethod
    def parse(cls, fields: ActionFields) -> FaqPickButton:
        query_id, _, entry_id = fields.value.partition(":")
        return cls(query_id=int(query_id), entry_id=entry_id)


@dataclass(frozen=True)
class RatingButton:
    """A satisfaction star: `rate:<score>`, value `<ticket number>:<score>`."""

    number: int
    score: int

    @property
    def action_id(self) -> str:
        return f"{ACTION_RATE}:{self.score}"

    @property
    def value(self) -> str:
        return f"{self.number}:{self.score}"

    @classmethod
    def parse(cls, fields: ActionFields) -> RatingButton:
        number, _, score = fields.value.partition(":")
        return cls(number=int(number), score=int(score))


class CardAction(StrEnum):
    CLAIM = "card_claim"
    RESOLVE = "card_resolve"
    REOPEN = "card_reopen"
    PERSON = "card_person"
    WAIT = "card_wait"


@dataclass(frozen=True)
class CardButton:
    """Claim / Resolve / Reopen / Wait / Person on a ticket card; the value is the ticket
    number."""

    action: CardAction
    number: int

    @property
    def action_id(self) -> str:
        return self.action.value

    @property
    def value(self) -> str:
        return str(self.number)

    @classmethod
    def parse(cls, fields: ActionFields) -> CardButton:
        return cls(action=CardAction(fields.action_id), number=int(fields.value))


def card_block_id(number: int) -> str:
    """The card's actions block; selects without a value of their own read the number here."""
    return f"card:{number}"


def faq_block_id(query_id: int) -> str:
    return f"faq:{query_id}"


def rating_block_id(number: int) -> str:
    return f"rate:{number}"


@dataclass(frozen=True)
class HomePersonButton:
    """ "Person" beside a ticket on an agent's App Home: `home_person:<n>`, value `<n>`."""

    number: int

    @property
    def action_id(self) -> str:
        return f"{ACTION_HOME_PERSON}:{self.number}"

    @property
    def value(self) -> str:
        return str(self.number)

    @classmethod
    def parse(cls, fields: ActionFields) -> HomePersonButton:
        return cls(number=int(fields.value))


@dataclass(frozen=True)
class AssignSelect:
    """The card's people picker: the ticket number in the block id, the chosen user."""

    number: int
    user_id: str

    action_id = ACTION_ASSIGN

    @classmethod
    def parse(cls, fields: ActionFields) -> AssignSelect:
        number = int(fields.block_id.rpartition(":")[2])
        if not fields.selected_user:
            raise ValueError("no user selected")
        return cls(number=number, user_id=fields.selected_user)


@dataclass(frozen=True)
class PriorityOption:
    """One option of the card's priority select: value `<ticket number>:<priority>`."""

    number: int
    priority: Priority

    action_id = ACTION_PRIORITY

    @property
    def value(self) -> str:
        return f"{self.number}:{self.priority.value}"

    @classmethod
    def parse(cls, fields: ActionFields) -> PriorityOption:
        number, _, priority = fields.selected_value.partition(":")
        return cls(number=int(number), priority=Priority(priority))


@dataclass(frozen=True)
class TeamOption:
    """One option of the card's team select: value `<ticket number>:<team>`."""

    number: int
    team: str

    action_id = ACTION_TEAM

    @property
    def value(self) -> str:
        return f"{self.number}:{self.team}"

    @classmethod
    def parse(cls, fields: ActionFields) -> TeamOption:
        number, _, team = fields.selected_value.partition(":")
        if not team:
            raise ValueError("no team")
        return cls(number=int(number), team=team)


@dataclass(frozen=True)
class KindOption:
    """One option of the card's kind select: value `<ticket number>:<kind>`."""

    number: int
    kind: TicketKind

    action_id = ACTION_KIND

    @property
    def value(self) -> str:
        return f"{self.number}:{self.kind.value}"

    @classmethod
    def parse(cls, fields: ActionFields) -> KindOption:
        number, _, kind = fields.selected_value.partition(":")
        return cls(number=int(number), kind=TicketKind(kind))


@dataclass(frozen=True)
class TriageButton:
    """A choice of a triage step: value `<step>:<pick>` (a choice's index, or the skip /
    "I want a person" picks of adapters.common.triage), then `:<ticket number>` for a
    question about a ticket opened already; `slot` keeps action ids unique."""

    step: str
    index: int
    slot: int = 0
    ticket: int | None = None

    @property
    def action_id(self) -> str:
        return f"{ACTION_TRIAGE}:{self.slot}"

    @property
    def value(self) -> str:
        about = f":{self.ticket}" if self.ticket is not None else ""
        return f"{self.step}:{self.index}{about}"

    @classmethod
    def parse(cls, fields: ActionFields) -> TriageButton:
        step, _, rest = fields.value.partition(":")
        index, _, ticket = rest.partition(":")
        if not step:
            raise ValueError("no triage step")
        return cls(step=step, index=int(index), ticket=int(ticket) if ticket else None)


@dataclass(frozen=True)
class LevelOption:
    """One option of the card's impact or urgency select: value `<ticket number>:<level>`."""

    number: int
    level: Level
    urgency: bool  # the urgency select; otherwise the impact one

    @property
    def action_id(self) -> str:
        return ACTION_URGENCY if self.urgency else ACTION_IMPACT

    @property
    def value(self) -> str:
        return f"{self.number}:{self.level.value}"

    @classmethod
    def parse(cls, fields: ActionFields) -> LevelOption:
        number, _, level = fields.selected_value.partition(":")
        return cls(int(number), Level(level), urgency=fields.action_id == ACTION_URGENCY)


@dataclass(frozen=True)
class AddToTicketButton:
    """ "Add this to #N" under an FAQ reply: `faq_to_ticket:<n>`, value `<query id>:<n>`."""

    query_id: int
    number: int

    @property
    def action_id(self) -> str:
        return f"{ACTION_FAQ_TO_TICKET}:{self.number}"

    @property
    def value(self) -> str:
        return f"{self.query_id}:{self.number}"

    @classmethod
    def parse(cls, fields: ActionFields) -> AddToTicketButton:
        query_id, _, number = fields.value.partition(":")
        return cls(query_id=int(query_id), number=int(number))


@dataclass(frozen=True)
class HeldPlaceButton:
    """Where a held message goes: `held_place:<n>`, value `<held id>:<n>` (0: a new question)."""

    held_id: int
    number: int

    @property
    def action_id(self) -> str:
        return f"{ACTION_HELD_PLACE}:{self.number}"

    @property
    def value(self) -> str:
        return f"{self.held_id}:{self.number}"

    @classmethod
    def parse(cls, fields: ActionFields) -> HeldPlaceButton:
        held_id, _, number = fields.value.partition(":")
        return cls(held_id=int(held_id), number=int(number))


@dataclass(frozen=True)
class ResolveEntryOption:
    """One option of the card's "resolve with an FAQ entry" select: value
    `<ticket number>:<entry id>`, the entry id empty for "without an entry"."""

    number: int
    entry_id: str | None

    action_id = ACTION_RESOLVE_FAQ

    @property
    def value(self) -> str:
        return f"{self.number}:{self.entry_id or ''}"

    @classmethod
    def parse(cls, fields: ActionFields) -> ResolveEntryOption:
        number, _, entry_id = fields.selected_value.partition(":")
        return cls(number=int(number), entry_id=entry_id or None)


ButtonData = (
    TriageButton
    | LevelOption
    | FaqFeedbackButton
    | FaqPickButton
    | AddToTicketButton
    | HeldPlaceButton
    | RatingButton
    | CardButton
    | AssignSelect
    | PriorityOption
    | KindOption
    | TeamOption
    | ResolveEntryOption
    | HomePersonButton
)

_PARSERS: dict[str, Callable[[ActionFields], ButtonData]] = {
    ACTION_FAQ_HELPED: FaqFeedbackButton.parse,
    ACTION_FAQ_HUMAN: FaqFeedbackButton.parse,
    ACTION_FAQ_PICK: FaqPickButton.parse,
    ACTION_FAQ_TO_TICKET: AddToTicketButton.parse,
    ACTION_HELD_PLACE: HeldPlaceButton.parse,
    ACTION_RATE: RatingButton.parse,
    **{action.value: CardButton.parse for action in CardAction},
    ACTION_ASSIGN: AssignSelect.parse,
    ACTION_PRIORITY: PriorityOption.parse,
    ACTION_KIND: KindOption.parse,
    ACTION_TEAM: TeamOption.parse,
    ACTION_TRIAGE: TriageButton.parse,
    ACTION_IMPACT: LevelOption.parse,
    ACTION_URGENCY: LevelOption.parse,
    ACTION_RESOLVE_FAQ: ResolveEntryOption.parse,
    ACTION_HOME_PERSON: HomePersonButton.parse,
}


def parse_action(action: Mapping[str, Any]) -> ButtonData | None:
    """A block action from one of our messages, or None when it is not one we wrote."""
    fields = ActionFields.of(action)
    parser = _PARSERS.get(fields.action_id)
    if parser is None:
        return None
    try:
        return parser(fields)
    except ValueError:
        return None
