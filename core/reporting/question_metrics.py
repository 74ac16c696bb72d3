"""The numbers about questions to the FAQ: how many, how many it deflected, how each entry
was used and what it could not answer."""

from __future__ import annotations

from core.reporting.history import FOLLOW_UP, History, Question
from core.reporting.shapes import Deflection, EntryUse, QuestionCounts, Unanswered, Window, share
from core.reporting.similar import group_similar

QUESTION_DECISIONS = ("answer", "suggest", "none")
ESCALATIONS = ("human", "ticket")


def asked_questions(history: History, window: Window) -> list[Question]:
    return [
        q
        for q in history.questions
        if q.decision in QUESTION_DECISIONS and window.holds(q.created_at)
    ]


class FollowUps:
    """Whether a person opened a ticket within a day after a moment."""

    def __init__(self, history: History) -> None:
        self.opened = history.tickets_by_requester()

    def after(self, question: Question) -> bool:
        end = question.created_at + FOLLOW_UP
        return any(
            question.created_at <= at <= end for at in self.opened.get(question.person_id, ())
        )


def question_counts(history: History, window: Window) -> QuestionCounts:
    asked = asked_questions(history, window)
    chitchat = sum(
        1 for q in history.questions if q.decision == "chitchat" and window.holds(q.created_at)
    )
    return QuestionCounts(
        asked=len(asked),
        answered=sum(1 for q in asked if q.decision == "answer"),
        suggested=sum(1 for q in asked if q.decision == "suggest"),
        none=sum(1 for q in asked if q.decision == "none"),
        chitchat=chitchat,
    )


def deflection(history: History, window: Window, follow_ups: FollowUps) -> Deflection:
    asked = asked_questions(history, window)
    deflected = [
        q
        for q in asked
        if q.answered_entry is not None and q.outcome not in ESCALATIONS and not follow_ups.after(q)
    ]
    confirmed = sum(1 for q in deflected if q.outcome == "helped")
    return Deflection(
        deflected=len(deflected),
        confirmed=confirmed,
        rate=share(len(deflected), len(asked)),
        confirmed_rate=share(confirmed, len(asked)),
    )


def faq_entries(history: History, window: Window, follow_ups: FollowUps) -> list[EntryUse]:
    counts: dict[str, list[int]] = {}
    for q in asked_questions(history, window):
        if q.decision == "suggest":
            for offered in q.suggested:
                counts.setdefault(offered, [0, 0, 0, 0])[1] += 1
        read = q.answered_entry
        if read is None:
            continue
        row = counts.setdefault(read, [0, 0, 0, 0])
        row[0] += 1
        if q.outcome == "helped":
            row[2] += 1
        if q.outcome in ESCALATIONS or follow_ups.after(q):
            row[3] += 1
    uses = [EntryUse(entry_id, *row) for entry_id, row in counts.items()]
    return sorted(uses, key=lambda u: (-u.shown, -u.suggested, u.id))


def unanswered(history: History, window: Window) -> list[Unanswered]:
    missed = [
        q.text
        for q in asked_questions(history, window)
        if (
            q.decision == "none"
            or (q.decision == "suggest" and q.chosen_entry_id is None and q.outcome in ESCALATIONS)
        )
        and q.text.strip()  # files sent without words are no question to list
    ]
    return [Unanswered(g.example, g.count) for g in group_similar(missed)]
