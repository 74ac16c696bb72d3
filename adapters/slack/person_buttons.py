"""The data on the buttons a person is shown: FAQ replies, ratings, triage questions, and
the choice of ticket for a held message. Each kind is written and read in its own type."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.slack.action_fields import (
    ACTION_FAQ_HELPED,
    ACTION_FAQ_HUMAN,
    ACTION_FAQ_PICK,
    ACTION_FAQ_TO_TICKET,
    ACTION_HELD_PLACE,
    ACTION_RATE,
    ACTION_TRIAGE,
    ActionFields,
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


def faq_block_id(query_id: int) -> str:
    return f"faq:{query_id}"


def rating_block_id(number: int) -> str:
    return f"rate:{number}"


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
