"""The data on the controls agents are shown: a ticket card's buttons and selects, and the
"Person" button of an App Home. Each kind is written and read in its own type."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from adapters.slack.action_fields import (
    ACTION_ASSIGN,
    ACTION_HOME_PERSON,
    ACTION_IMPACT,
    ACTION_KIND,
    ACTION_PRIORITY,
    ACTION_RESOLVE_FAQ,
    ACTION_TEAM,
    ACTION_URGENCY,
    ActionFields,
)
from core.domain import Level, Priority, TicketKind


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
