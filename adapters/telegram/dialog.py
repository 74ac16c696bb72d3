"""The adapter's own dialog steps: answered by the adapter, no state change in the desk."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.common.refusal import Refusal
from core import commands as c
from core.domain import Actor


@dataclass(frozen=True)
class Greet:
    pass


@dataclass(frozen=True)
class ChooseLanguage:
    pass


@dataclass(frozen=True)
class TriagePick:
    """A choice pressed in a triage step's menu (an index, or adapters.common.triage's
    SKIP / PERSON); the adapter turns it into the desk's next `Triage` command."""

    step: str
    index: int
    actor: Actor
    context: str | None
    ticket: int | None = None  # a question about this ticket, opened already


@dataclass(frozen=True)
class TriageCancel:
    pass


@dataclass(frozen=True)
class ClassifyMenu:
    """The card's "Classify" button: the menu of kinds, levels, priorities and teams."""

    number: int
    actor: Actor


UiAction = Refusal | Greet | ChooseLanguage | TriagePick | TriageCancel | ClassifyMenu
Action = c.Command | UiAction
