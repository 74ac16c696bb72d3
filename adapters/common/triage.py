"""The triage a surface is walking a person through: the step the desk asked last.

The desk keeps no dialog state: each `TriageStep` it sends carries the answers so far.
A surface keeps the last step per person (a console session, the platform's refs) and
turns a pick - a choice's number, "skip", "I want a person", the description - into
the next `Triage` command.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from core import commands as c
from core.domain import Actor
from core.events import TriageStep

SKIP = -1  # the pick that skips a step
PERSON = -2  # the pick, at the FAQ step, of "none of these, I want a person"


@dataclass(frozen=True)
class PendingTriage:
    step: str
    values: tuple[str, ...] = ()
    answers: dict[str, str | bool] = field(default_factory=dict)

    @classmethod
    def of(cls, step: TriageStep) -> PendingTriage:
        return cls(step.step, tuple(choice.value for choice in step.choices), dict(step.answers))

    def encode(self) -> str:
        return json.dumps(
            {"s": self.step, "v": list(self.values), "a": self.answers}, separators=(",", ":")
        )

    @classmethod
    def decode(cls, stored: str | None) -> PendingTriage | None:
        """The stored step; None when there is none (or it is not one of ours)."""
        try:
            data = json.loads(stored or "")
            answers = {str(k): v for k, v in dict(data["a"]).items() if isinstance(v, str | bool)}
            return cls(str(data["s"]), tuple(str(v) for v in data["v"]), answers)
        except (ValueError, KeyError, TypeError):
            return None

    def pick(self, actor: Actor, context: str | None, index: int) -> c.Triage | None:
        """The command after choosing `index` (0-based, or SKIP / PERSON); None if no choice."""
        answers = dict(self.answers)
        if self.step == "text":
            return None
        if self.step == "faq":
            if 0 <= index < len(self.values):  # an entry: its answer, and no ticket
                return _triage(actor, context, answers, entry_id=self.values[index])
            answers["faq_seen"] = True
            return _triage(actor, context, answers)
        if index == SKIP:
            answers[self.step] = c.SKIPPED
        elif 0 <= index < len(self.values):
            answers[self.step] = self.values[index]
        else:
            return None
        return _triage(actor, context, answers)

    def describe(
        self, actor: Actor, context: str | None, text: str, attachments: tuple[str, ...] = ()
    ) -> c.Triage:
        """The command after the person described the problem (the last step), in words,
        files or both."""
        command = _triage(actor, context, {**self.answers, "text": text})
        return dataclasses.replace(command, attachments=attachments)


def _triage(
    actor: Actor, context: str | None, answers: dict[str, str | bool], entry_id: str | None = None
) -> c.Triage:
    def text_of(key: str) -> str | None:
        value = answers.get(key)
        return str(value) if value is not None else None

    return c.Triage(
        actor=actor,
        reply_context=context,
        text=str(answers.get("text", "")),
        kind=text_of("kind"),
        category=text_of("category"),
        faq_seen=bool(answers.get("faq_seen", False)),
        impact=text_of("impact"),
        urgency=text_of("urgency"),
        entry_id=entry_id,
    )
