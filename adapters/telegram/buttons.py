"""Inline button data (callback data, at most 64 bytes): one typed codec per button kind.

Each kind is an aiogram `CallbackData`, built with `.pack()` where the button is
rendered and read back here, so the format lives in one place. The formats are
those of buttons already sent to users: `fh:12`, `fp:12:vpn-access`, `tg:c:it` ...
"""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData

from adapters.common.triage import SKIP
from adapters.telegram.dialog import Action, ClassifyMenu, TriageCancel, TriagePick
from adapters.telegram.places import Place
from core import commands as c
from core.domain import Actor, Level, Priority, TicketKind


class ButtonData(CallbackData, prefix="button"):
    """A button kind: its data, and what pressing it asks for."""

    def action(self, actor: Actor, ctx: str) -> Action:
        raise NotImplementedError


class FaqHelped(ButtonData, prefix="fh"):
    query_id: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.FaqFeedback(actor=actor, reply_context=ctx, query_id=self.query_id, helped=True)


class FaqHuman(ButtonData, prefix="fx"):
    query_id: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.FaqFeedback(actor=actor, reply_context=ctx, query_id=self.query_id, helped=False)


class FaqPick(ButtonData, prefix="fp"):
    query_id: int
    entry_id: str

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.ChooseSuggestion(
            actor=actor, reply_context=ctx, query_id=self.query_id, entry_id=self.entry_id
        )


class HeldPlace(ButtonData, prefix="hp"):
    """Where a held message goes: ticket `number`, or 0 for a new question."""

    held_id: int
    number: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.PlaceHeld(
            actor=actor, reply_context=ctx, held_id=self.held_id, number=self.number or None
        )


class Language(ButtonData, prefix="lg"):
    lang: str

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.SetLanguage(actor=actor, reply_context=ctx, lang=self.lang)


class ClaimTicket(ButtonData, prefix="tc"):
    number: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Claim(actor=actor, reply_context=ctx, number=self.number)


class ResolveTicket(ButtonData, prefix="tr"):
    number: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Resolve(actor=actor, reply_context=ctx, number=self.number)


class WaitTicket(ButtonData, prefix="tw"):
    number: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.WaitForRequester(actor=actor, reply_context=ctx, number=self.number)


class ResolveWithEntry(ButtonData, prefix="tf"):
    """Resolve by an FAQ entry, as `/resolve N faq:<entry_id>` does."""

    number: int
    entry_id: str

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Resolve(actor=actor, reply_context=ctx, number=self.number, entry_id=self.entry_id)


class ReopenTicket(ButtonData, prefix="to"):
    number: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Reopen(actor=actor, reply_context=ctx, number=self.number)


class PersonOfTicket(ButtonData, prefix="tp"):
    """The card's "Person" button: the requester's profile, for the agent who pressed it."""

    number: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.ShowPerson(actor=actor, reply_context=ctx, number=self.number)


class ClassifyTicket(ButtonData, prefix="tk"):
    """The card's "Classify" button: opens the menu below in the ticket's thread."""

    number: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return ClassifyMenu(self.number, actor)


# The classify menu's choices: each the same command as /kind, /impact, /urgency, /team
# and /priority.


class KindChoice(ButtonData, prefix="ck"):
    number: int
    kind: TicketKind

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Classify(actor=actor, reply_context=ctx, number=self.number, kind=self.kind)


class ImpactChoice(ButtonData, prefix="ci"):
    number: int
    level: Level

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Classify(actor=actor, reply_context=ctx, number=self.number, impact=self.level)


class UrgencyChoice(ButtonData, prefix="cu"):
    number: int
    level: Level

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Classify(actor=actor, reply_context=ctx, number=self.number, urgency=self.level)


class TeamChoice(ButtonData, prefix="cm"):
    number: int
    team: str

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Classify(actor=actor, reply_context=ctx, number=self.number, team=self.team)


class PriorityChoice(ButtonData, prefix="cp"):
    number: int
    priority: Priority

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.SetPriority(
            actor=actor, reply_context=ctx, number=self.number, priority=self.priority
        )


class RateTicket(ButtonData, prefix="rt"):
    number: int
    score: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Rate(actor=actor, reply_context=ctx, number=self.number, score=self.score)


# A triage step's choices: the step (to tell a stale menu) and the pick's index.

EXPIRED_STEP = "expired"  # no step the desk asks: a pick of it answers "menu expired"


class TriagePickChoice(ButtonData, prefix="tt"):
    step: str
    index: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return TriagePick(self.step, self.index, actor, ctx)


class TicketTriageChoice(ButtonData, prefix="tq"):
    """A choice of a question asked after ticket `number` opened (SKIP ends them)."""

    number: int
    step: str
    index: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return TriagePick(self.step, self.index, actor, ctx, ticket=self.number)


class OldTriageChoice(ButtonData, prefix="tg"):
    """The category and priority menus sent before the desk's triage: now expired."""

    step: Literal["c", "p"]
    value: str

    def action(self, actor: Actor, ctx: str) -> Action:
        return TriagePick(EXPIRED_STEP, SKIP, actor, ctx)


class TriageCancelChoice(ButtonData, prefix="tg"):
    step: Literal["x"] = "x"

    def action(self, actor: Actor, ctx: str) -> Action:
        return TriageCancel()


KINDS: tuple[type[ButtonData], ...] = (
    FaqHelped,
    FaqHuman,
    FaqPick,
    HeldPlace,
    Language,
    ClaimTicket,
    ResolveTicket,
    WaitTicket,
    ResolveWithEntry,
    ReopenTicket,
    PersonOfTicket,
    ClassifyTicket,
    KindChoice,
    ImpactChoice,
    UrgencyChoice,
    TeamChoice,
    PriorityChoice,
    RateTicket,
    TriagePickChoice,
    TicketTriageChoice,
    OldTriageChoice,
    TriageCancelChoice,
)


def packed(data: ButtonData) -> str | None:
    """The data as sent, or None when it cannot be a button (over 64 bytes, a stray `:`)."""
    try:
        return data.pack()
    except ValueError:
        return None


def parse_callback(data: str, actor: Actor, place: Place) -> Action | None:
    """What a pressed button asks for; None for data no kind reads."""
    prefix = data.partition(":")[0]
    for kind in KINDS:
        if kind.__prefix__ != prefix:
            continue
        try:
            button = kind.unpack(data)
        except (TypeError, ValueError):
            continue
        return button.action(actor, place.encode())
    return None
