"""The triage a surface is walking a person through: the step the desk asked last.

The desk keeps no dialog state: each `TriageStep` it sends carries the answers so far.
A surface keeps the last step per person (a console session, the platform's refs) and
turns a pick - a choice's number, "skip", "I want a person", the description - into
the next `Triage` command, or, for a question about a ticket opened already, into a
`TriageAnswer`. Anything else the person sends ends the questions: the surface forgets
the step.
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
    ticket: int | None = None  # a question about this ticket, opened already

    @classmethod
    def of(cls, step: TriageStep) -> PendingTriage:
        values = tuple(choice.value for choice in step.choices)
        return cls(step.step, values, dict(step.answers), step.ticket_number)

    def encode(self) -> str:
        data: dict[str, object] = {"s": self.step, "v": list(self.values), "a": self.answers}
        if self.ticket is not None:
            data["t"] = self.ticket
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, stored: str | None) -> PendingTriage | None:
        """The stored step; None when there is none (or it is not one of ours)."""
        try:
            data = json.loads(stored or "")
            answers = {str(k): v for k, v in dict(data["a"]).items() if isinstance(v, str | bool)}
            ticket = data.get("t")
            return cls(
                str(data["s"]),
                tuple(str(v) for v in data["v"]),
                answers,
                ticket if isinstance(ticket, int) and not isinstance(ticket, bool) else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def pick(
        self, actor: Actor, context: str | None, index: int
    ) -> c.Triage | c.TriageAnswer | None:
        """The command after choosing `index` (0-based, or SKIP / PERSON); None if no choice."""
        answers = dict(self.answers)
        if self.ticket is not None:
            return self._answer(actor, context, index, self.ticket)
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

    def _answer(
        self, actor: Actor, context: str | None, index: int, ticket: int
    ) -> c.TriageAnswer | None:
        """A question about the open ticket: a choice, or SKIP, which ends the questions."""
        if index == SKIP:
            value = c.SKIPPED
        elif 0 <= index < len(self.values):
            value = self.values[index]
        else:
            return None
        return c.TriageAnswer(
            actor=actor, reply_context=context, number=ticket, step=self.step, value=value
        )

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
