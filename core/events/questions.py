"""What a person asking is shown: FAQ answers and the triage questions before a ticket."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.events.frozen import Frozen


class FaqOption(Frozen):
    entry_id: str
    title: str


class FaqAnswer(Frozen):
    kind: Literal["faq_answer"] = "faq_answer"
    query_id: int
    entry_id: str
    title: str
    answer: str  # Markdown; adapters render it for their platform
    score: float
    open_tickets: tuple[int, ...] = ()  # the asker's open tickets: "add this to #N" instead


class FaqSuggestions(Frozen):
    kind: Literal["faq_suggestions"] = "faq_suggestions"
    query_id: int
    options: tuple[FaqOption, ...]
    open_tickets: tuple[int, ...] = ()


class FaqNoMatch(Frozen):
    """No answer: a ticket is offered. `files` counts what was sent without words (the
    FAQ cannot read files); the ticket will carry them."""

    kind: Literal["faq_no_match"] = "faq_no_match"
    query_id: int
    question: str
    files: int = 0
    open_tickets: tuple[int, ...] = ()


class TriageChoice(Frozen):
    value: str  # what the answer carries: a kind, a category, a level, an FAQ entry id
    label_key: str | None = None  # a catalog key; None: `label` is the text itself
    label: str = ""


class TriageStep(Frozen):
    """Told to the requester: one question of the triage before a ticket, with its choices.

    `answers` is the `Triage` command so far (as its fields); a surface answers by sending
    it again with this step's field set to a choice's value (or `-` to skip it).

    With `ticket_number`, the question is about the requester's ticket opened already,
    optional: a surface answers with `TriageAnswer` (a skip ends the questions).
    """

    kind: Literal["triage_step"] = "triage_step"
    step: Literal["kind", "category", "faq", "impact", "urgency", "text"]
    choices: tuple[TriageChoice, ...] = ()
    answers: dict[str, str | bool] = Field(default_factory=dict)
    ticket_number: int | None = None
