"""Inline button data (callback data, at most 64 bytes): one typed codec per button kind.

Each kind is an aiogram `CallbackData`, built with `.pack()` where the button is
rendered and read back here, so the format lives in one place. The formats are
those of buttons already sent to users: `fh:12`, `fp:12:vpn-access`, `tg:c:it` ...
"""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData

from adapters.telegram.dialog import Action, TriageCancel, TriageCategory, TriagePriority
from adapters.telegram.places import Place
from core import commands as c
from core.domain import Actor, Priority


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


class RateTicket(ButtonData, prefix="rt"):
    number: int
    score: int

    def action(self, actor: Actor, ctx: str) -> Action:
        return c.Rate(actor=actor, reply_context=ctx, number=self.number, score=self.score)


# The triage menu's three kinds share the `tg` prefix; the step after it tells them apart.


class TriageCategoryChoice(ButtonData, prefix="tg"):
    step: Literal["c"] = "c"
    category: str

    def action(self, actor: Actor, ctx: str) -> Action:
        return TriageCategory(self.category)


class TriagePriorityChoice(ButtonData, prefix="tg"):
    step: Literal["p"] = "p"
    priority: Priority

    def action(self, actor: Actor, ctx: str) -> Action:
        return TriagePriority(self.priority)


class TriageCancelChoice(ButtonData, prefix="tg"):
    step: Literal["x"] = "x"

    def action(self, actor: Actor, ctx: str) -> Action:
        return TriageCancel()


KINDS: tuple[type[ButtonData], ...] = (
    FaqHelped,
    FaqHuman,
    FaqPick,
    Language,
    ClaimTicket,
    ResolveTicket,
    ResolveWithEntry,
    ReopenTicket,
    RateTicket,
    TriageCategoryChoice,
    TriagePriorityChoice,
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
