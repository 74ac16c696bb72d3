"""The adapter's own dialog steps: answered by the adapter, no state change in the desk."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.common.refusal import Refusal
from core import commands as c
from core.domain import Priority


@dataclass(frozen=True)
class Greet:
    pass


@dataclass(frozen=True)
class ChooseLanguage:
    pass


@dataclass(frozen=True)
class TriageStart:
    pass


@dataclass(frozen=True)
class TriageCategory:
    category: str


@dataclass(frozen=True)
class TriagePriority:
    priority: Priority


@dataclass(frozen=True)
class TriageCancel:
    pass


@dataclass(frozen=True)
class Triage:
    """A `/ticket` without text in progress: what was chosen so far."""

    category: str | None = None
    priority: Priority | None = None

    def encode(self) -> str:
        return f"{self.category or ''}|{self.priority.value if self.priority else ''}"

    @classmethod
    def decode(cls, value: str) -> Triage:
        category, _, priority = value.partition("|")
        try:
            level = Priority(priority) if priority else None
        except ValueError:
            level = None
        return cls(category or None, level)


UiAction = (
    Refusal | Greet | ChooseLanguage | TriageStart | TriageCategory | TriagePriority | TriageCancel
)
Action = c.Command | UiAction
