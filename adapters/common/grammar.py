"""The chat command grammar: every command word, the shape of its arguments, its command.

A surface (console, Slack, Telegram) splits a typed line into a word and the rest and
asks `parse` for the command; how a word is typed there (`/claim 4` or `/ticket claim 4`)
and how a person is named are the surface's own, given as a `Surface`. A new command
word is one row in `WORDS`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from adapters.common.refusal import Refusal, usage
from core import commands as c
from core.domain import MAX_ID, SUPPORTED_LANGUAGES, Actor, Level, Priority, TicketKind

FAQ_PREFIX = "faq:"


class Shape(enum.Enum):
    """What follows a command word; the value is how usage texts spell it."""

    NONE = ""
    TEXT = "TEXT"
    LANG = "|".join(SUPPORTED_LANGUAGES)
    CHOICE = "K"
    NUMBER = "N"
    NUMBER_ENTRY = f"N [{FAQ_PREFIX}ID]"
    NUMBER_TEXT = "N TEXT"
    NUMBER_SCORE = "N 1-5"
    NUMBER_PRIORITY = "N " + "|".join(p.value for p in Priority)
    NUMBER_PERSON = "N {person}"
    CODE = "[CODE]"  # optional: the word alone asks for one
    NUMBER_KIND = "N " + "|".join(k.value for k in TicketKind)
    NUMBER_LEVEL = "N " + "|".join(level.value for level in Level)
    NUMBER_TEAM = "N TEAM"

    @property
    def numbered(self) -> bool:
        return self.value.startswith("N")


@dataclass(frozen=True)
class Values:
    """A word's arguments, parsed; which ones are set depends on its shape."""

    number: int = 0
    text: str = ""
    score: int = 0
    priority: Priority = Priority.NORMAL
    assignee: Actor | None = None
    entry_id: str | None = None
    kind: TicketKind | None = None
    level: Level | None = None


Builder = Callable[[Actor, str | None, Values], c.Command]
PersonLookup = Callable[[str], Actor | None]
"""The assignee named by the text after the ticket number (None: nobody usable)."""


@dataclass(frozen=True)
class Word:
    name: str
    shape: Shape
    build: Builder | None
    """None: the surface answers the word from what it remembers (the last FAQ reply)."""


@dataclass(frozen=True)
class Surface:
    """How the grammar is typed on one surface."""

    prefix: str = "/"
    """What comes before a word: `/` for `/claim 4`, `/ticket ` for `/ticket claim 4`."""
    person: str = "NAME"
    """How usage texts name the assignee."""
    loose: bool = False
    """Text that does not read as a command word is not one (Slack's `/ticket` opens a
    ticket with it); otherwise it is a usage error."""
    words: frozenset[str] | None = None
    """The words this surface offers; None: all of them."""

    def usage(self, word: Word) -> Refusal:
        shape = word.shape.value.format(person=self.person)
        return usage(f"{self.prefix}{word.name} {shape}".rstrip())


def _reply(actor: Actor, ctx: str | None, values: Values) -> c.Command:
    """`reply N note: …` is a note: the prefix means internal however the line began."""
    note = note_text(values.text)
    if note is not None:
        return c.Note(actor=actor, reply_context=ctx, number=values.number, text=note)
    return c.Reply(actor=actor, reply_context=ctx, number=values.number, text=values.text)


def _assign(actor: Actor, ctx: str | None, values: Values) -> c.Command:
    assert values.assignee is not None  # parse sets it for NUMBER_PERSON
    return c.Assign(actor=actor, reply_context=ctx, number=values.number, assignee=values.assignee)


_ROWS = (
    Word("help", Shape.NONE, lambda a, ctx, v: c.ShowHelp(actor=a, reply_context=ctx)),
    Word("status", Shape.NONE, lambda a, ctx, v: c.ShowStatus(actor=a, reply_context=ctx)),
    Word("queue", Shape.NONE, lambda a, ctx, v: c.ShowQueue(actor=a, reply_context=ctx)),
    Word("mine", Shape.NONE, lambda a, ctx, v: c.ShowMine(actor=a, reply_context=ctx)),
    Word(
        "ticket",
        Shape.TEXT,
        # opened at once; what is still unknown is asked after (core.desk.details)
        lambda a, ctx, v: c.OpenTicket(actor=a, reply_context=ctx, text=v.text, triage=True),
    ),
    Word(
        "new",
        Shape.TEXT,
        lambda a, ctx, v: c.AskQuestion(actor=a, reply_context=ctx, text=v.text),
    ),
    Word(
        "lang", Shape.LANG, lambda a, ctx, v: c.SetLanguage(actor=a, reply_context=ctx, lang=v.text)
    ),
    Word(
        "claim",
        Shape.NUMBER,
        lambda a, ctx, v: c.Claim(actor=a, reply_context=ctx, number=v.number),
    ),
    Word(
        "resolve",
        Shape.NUMBER_ENTRY,
        lambda a, ctx, v: c.Resolve(
            actor=a, reply_context=ctx, number=v.number, entry_id=v.entry_id
        ),
    ),
    Word(
        "reopen",
        Shape.NUMBER,
        lambda a, ctx, v: c.Reopen(actor=a, reply_context=ctx, number=v.number),
    ),
    Word(
        "cancel",
        Shape.NUMBER,
        lambda a, ctx, v: c.Cancel(actor=a, reply_context=ctx, number=v.number),
    ),
    Word("reply", Shape.NUMBER_TEXT, _reply),
    Word(
        "note",
        Shape.NUMBER_TEXT,
        lambda a, ctx, v: c.Note(actor=a, reply_context=ctx, number=v.number, text=v.text),
    ),
    Word(
        "rate",
        Shape.NUMBER_SCORE,
        lambda a, ctx, v: c.Rate(actor=a, reply_context=ctx, number=v.number, score=v.score),
    ),
    Word(
        "priority",
        Shape.NUMBER_PRIORITY,
        lambda a, ctx, v: c.SetPriority(
            actor=a, reply_context=ctx, number=v.number, priority=v.priority
        ),
    ),
    Word("assign", Shape.NUMBER_PERSON, _assign),
    Word("link", Shape.CODE, lambda a, ctx, v: c.Link(actor=a, reply_context=ctx, code=v.text)),
    Word("unlink", Shape.NONE, lambda a, ctx, v: c.Unlink(actor=a, reply_context=ctx)),
    Word(
        "kind",
        Shape.NUMBER_KIND,
        lambda a, ctx, v: c.Classify(actor=a, reply_context=ctx, number=v.number, kind=v.kind),
    ),
    Word(
        "impact",
        Shape.NUMBER_LEVEL,
        lambda a, ctx, v: c.Classify(actor=a, reply_context=ctx, number=v.number, impact=v.level),
    ),
    Word(
        "urgency",
        Shape.NUMBER_LEVEL,
        lambda a, ctx, v: c.Classify(actor=a, reply_context=ctx, number=v.number, urgency=v.level),
    ),
    Word(
        "team",
        Shape.NUMBER_TEAM,
        lambda a, ctx, v: c.Classify(actor=a, reply_context=ctx, number=v.number, team=v.text),
    ),
    Word(
        "wait",
        Shape.NUMBER,
        lambda a, ctx, v: c.WaitForRequester(actor=a, reply_context=ctx, number=v.number),
    ),
    Word("pick", Shape.CHOICE, None),
    Word("helped", Shape.NONE, None),
    Word("human", Shape.NONE, None),
)
WORDS: Mapping[str, Word] = {word.name: word for word in _ROWS}


def looks_like_number(text: str) -> bool:
    """`4`, `#4`, `#x`, `99999999999`: meant as a number, whether or not it is a valid one."""
    stripped = text.strip()
    return stripped.startswith("#") or stripped.isdigit()


def parse_number(text: str) -> int | None:
    """`4` or `#4` -> 4; None for anything else, and for numbers no ticket can have
    (outside 1..MAX_ID, the range the desk looks up)."""
    value = text.strip().removeprefix("#")
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


# `note:` as people type it: any case, spaces around the colon, the word in bold, italics
# or both (Slack's `*note:*` / `_note:_` / `*_note:_*`, Markdown's `**note:**`; the closing
# marks before or after the colon, only when it opened with one, so `note: *x*` keeps its
# `*`). Telegram's bold is an entity beside the text, so its text is `note: …`.
_NOTE = re.compile(
    r"^\s*(?P<mark>[*_]{1,3})?\s*note\s*(?(mark)[*_]{0,3})\s*:\s*(?(mark)[*_]{0,3})",
    re.IGNORECASE,
)


def note_text(text: str) -> str | None:
    """The note in `note: call him back`, `NOTE : …`, `*note:* …`; None when it is no note."""
    found = _NOTE.match(text)
    if found is None:
        return None
    return text[found.end() :].strip()


def faq_entry_id(text: str) -> str | None:
    """The entry in `faq:vpn-access` (any case of the prefix); None when the text names none."""
    stripped = text.strip()
    if not stripped.lower().startswith(FAQ_PREFIX):
        return None
    entry_id = stripped[len(FAQ_PREFIX) :].strip()
    return entry_id if entry_id and len(entry_id.split()) == 1 else None


def split_word(text: str) -> tuple[str, str]:
    """`claim 4 now` -> ("claim", "4 now"): the first word in lower case, and the rest."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1].strip() if len(parts) > 1 else ""


def parse(
    word: str,
    rest: str,
    actor: Actor,
    reply_context: str | None,
    surface: Surface,
    *,
    ticket: int | None = None,
    person: PersonLookup | None = None,
) -> c.Command | Refusal | None:
    """One command word and its arguments -> the command, or a usage refusal.

    `ticket` is the ticket the conversation is about (a Telegram topic): a numbered
    word without a number means it. `person` finds the assignee; without it `assign`
    is not offered. None: not a command word here (unknown, answered by the surface,
    or - on a loose surface - text that does not read as one).
    """
    spec = WORDS.get(word.lower())
    if spec is None or spec.build is None:
        return None
    if surface.words is not None and spec.name not in surface.words:
        return None
    if spec.shape is Shape.NUMBER_PERSON and person is None:
        return None
    rest = rest.strip()
    if spec.shape is Shape.NONE:
        return None if rest and surface.loose else spec.build(actor, reply_context, Values())
    if spec.shape is Shape.CODE:
        return spec.build(actor, reply_context, Values(text=rest))
    if not spec.shape.numbered:
        if not rest:
            return surface.usage(spec)
        return spec.build(actor, reply_context, Values(text=rest))
    first, tail = split_word(rest)
    if looks_like_number(first):
        number = parse_number(first)
    elif first and surface.loose:
        return None
    else:
        number, tail = ticket, rest
    values = _numbered_values(spec.shape, number, tail, person)
    if values is None:
        return surface.usage(spec)
    return spec.build(actor, reply_context, values)


def _numbered_values(
    shape: Shape, number: int | None, tail: str, person: PersonLookup | None
) -> Values | None:
    if number is None:
        return None
    if shape is Shape.NUMBER:
        return Values(number=number)
    if shape is Shape.NUMBER_ENTRY:
        if not tail.lower().startswith(FAQ_PREFIX):
            return Values(number=number)
        entry_id = faq_entry_id(tail)
        return Values(number=number, entry_id=entry_id) if entry_id is not None else None
    if shape is Shape.NUMBER_TEXT:
        return Values(number=number, text=tail) if tail else None
    if shape is Shape.NUMBER_SCORE:
        score = parse_number(tail)
        return Values(number=number, score=score) if score is not None else None
    if shape is Shape.NUMBER_PRIORITY:
        try:
            return Values(number=number, priority=Priority(tail.lower()))
        except ValueError:
            return None
    if shape is Shape.NUMBER_KIND:
        kind = _member(TicketKind, tail)
        return Values(number=number, kind=kind) if kind is not None else None
    if shape is Shape.NUMBER_LEVEL:
        level = _member(Level, tail)
        return Values(number=number, level=level) if level is not None else None
    if shape is Shape.NUMBER_TEAM:
        team = tail.strip().lower()
        return Values(number=number, text=team) if team and " " not in team else None
    assert shape is Shape.NUMBER_PERSON and person is not None
    assignee = person(tail)
    return Values(number=number, assignee=assignee) if assignee is not None else None


_E = TypeVar("_E", TicketKind, Level)


def _member(kind: type[_E], text: str) -> _E | None:
    try:
        return kind(text.strip().lower())
    except ValueError:
        return None
