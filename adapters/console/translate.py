"""Console lines -> core commands, and core events -> printed lines. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.common.grammar import WORDS, Surface, parse, parse_number, split_word
from adapters.common.refusal import Refusal, unknown_command, usage
from adapters.common.triage import PERSON, SKIP, PendingTriage
from core import commands as c
from core.domain import Actor
from core.events import (
    AgentsTarget,
    Event,
    FaqAnswer,
    FaqNoMatch,
    FaqSuggestions,
    PersonTarget,
    TicketResolved,
    TriageStep,
    WhichTicket,
)
from core.i18n import t
from core.presenter import open_tickets_hint, render_text

PLATFORM = "console"


@dataclass
class Session:
    """Who is typing, and what they can answer with /helped, /human or /pick."""

    name: str
    is_agent: bool = False
    teams: tuple[str, ...] | None = None  # None: an agent of every team
    last_query: dict[str, int] = field(default_factory=dict)
    last_options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    triage: dict[str, TriageStep] = field(default_factory=dict)  # the step each person is asked
    langs: dict[str, str] = field(default_factory=dict)
    """The language the bot last spoke to each person: the console's own answers use it."""

    @property
    def actor(self) -> Actor:
        return Actor(
            platform=PLATFORM,
            user_id=self.name,
            display_name=self.name,
            is_agent=self.is_agent,
            teams=self.teams if self.is_agent else None,
        )


@dataclass(frozen=True)
class SwitchUser:
    name: str
    is_agent: bool
    teams: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Quit:
    pass


Action = c.Command | SwitchUser | Quit | Refusal

CONSOLE = Surface(prefix="/", person="NAME")


def _name(text: str) -> str | None:
    name = text.strip().lstrip("@")
    return name if name and " " not in name and len(name) <= 64 else None


def _assignee(text: str) -> Actor | None:
    name = _name(text)
    return (
        # The console cannot check membership: the desk's record of who acted as an agent decides.
        Actor(platform=PLATFORM, user_id=name, display_name=name) if name else None
    )


def parse_line(line: str, session: Session) -> Action | None:
    """One typed line -> what to do; None for a blank line."""
    text = line.strip()
    if not text:
        return None
    step = session.triage.pop(session.name, None)
    if step is not None:
        answer = triage_answer(text, step, session)
        if answer is not None:
            return answer
    if not text.startswith("/"):
        return c.SendText(actor=session.actor, text=text)
    command, rest = split_word(text)
    if command in ("/quit", "/exit"):
        return Quit()
    if command == "/ticket" and not rest:
        return c.Triage(actor=session.actor)
    if command == "/agent":
        first, _, team = rest.partition(" ")
        teams = tuple(t.lower() for t in team.replace(",", " ").split()) or None
        agent = _name(first)
        return SwitchUser(agent, True, teams) if agent else usage("/agent NAME [TEAM]")
    if command == "/as":
        name = _name(rest)
        return SwitchUser(name, False) if name else usage(f"{command} NAME")
    if command in ("/helped", "/human"):
        query_id = session.last_query.get(session.name)
        if query_id is None:
            return Refusal("error.nothing_to_answer")
        return c.FaqFeedback(actor=session.actor, query_id=query_id, helped=command == "/helped")
    if command == "/pick":
        return _pick(rest, session)
    parsed = parse(command[1:], rest, session.actor, None, CONSOLE, person=_assignee)
    return parsed if parsed is not None else unknown_command(command)


def triage_answer(text: str, step: TriageStep, session: Session) -> Action | None:
    """A line answering the triage step the person was asked: a choice's number, `/skip`,
    or (for the description) the text itself. None: the line is something else."""
    pending = PendingTriage.of(step)
    if step.step == "text":
        return None if text.startswith("/") else pending.describe(session.actor, None, text)
    if text.lower() == "/skip":
        return pending.pick(session.actor, None, SKIP)
    index = parse_number(text)
    if index is None:
        return None
    if step.step == "faq" and index == len(step.choices) + 1:
        return pending.pick(session.actor, None, PERSON)
    return pending.pick(session.actor, None, index - 1)


def _pick(rest: str, session: Session) -> Action:
    """`/pick K`: suggestion K of the last FAQ reply, or a precise word on why not."""
    options = session.last_options.get(session.name, ())
    query_id = session.last_query.get(session.name)
    if query_id is None:
        return Refusal("error.nothing_to_answer")
    if not options:
        return Refusal("error.no_suggestions")
    index = parse_number(rest)
    if index is None:
        return CONSOLE.usage(WORDS["pick"])
    if not 1 <= index <= len(options):
        return Refusal("error.no_such_suggestion", {"choice": index, "count": len(options)})
    return c.ChooseSuggestion(actor=session.actor, query_id=query_id, entry_id=options[index - 1])


def recipient_label(event: Event) -> str:
    target = event.target
    if isinstance(target, PersonTarget):
        return f"[to {target.user_id}]"
    if isinstance(target, AgentsTarget):
        return "[agents]"
    return f"[agents #{target.ticket_number}]"


def console_hint(event: Event) -> str | None:
    """How to answer this message in the console, where there are no buttons."""
    payload = event.payload
    keys = {
        "faq_answer": "console.hint.answer",
        "faq_suggestions": "console.hint.suggest",
        "faq_no_match": "console.hint.no_match",
    }
    if payload.kind in keys:
        return t(event.lang, keys[payload.kind])
    if isinstance(payload, TicketResolved):
        return t(event.lang, "console.hint.rate", number=payload.ticket_number)
    if isinstance(payload, TriageStep):
        key = "console.hint.triage_text" if payload.step == "text" else "console.hint.triage"
        if payload.ticket_number is not None:
            key = "console.hint.triage_more"
        return t(event.lang, key)
    if isinstance(payload, WhichTicket):
        return t(event.lang, "console.hint.which")
    return None


def open_tickets_line(event: Event) -> str | None:
    """Under an FAQ reply to someone with open tickets: how to add it to one instead."""
    payload = event.payload
    if isinstance(payload, FaqAnswer | FaqSuggestions | FaqNoMatch) and payload.open_tickets:
        return open_tickets_hint(event.lang, payload.open_tickets)
    return None


def format_event(event: Event) -> str:
    """`[to alice] text` or `[agents #3] text`; continuation lines indented."""
    label = recipient_label(event)
    lines = render_text(event).splitlines() or [""]
    for hint in (console_hint(event), open_tickets_line(event)):
        if hint:
            lines.append(hint)
    pad = " " * (len(label) + 1)
    return "\n".join([f"{label} {lines[0]}"] + [f"{pad}{line}" for line in lines[1:]])


def remember_choices(event: Event, session: Session) -> None:
    """Keep the last FAQ reply per person so /helped, /human and /pick can refer to it,
    and the language the bot speaks to them."""
    if not isinstance(event.target, PersonTarget):
        return
    payload = event.payload
    if isinstance(payload, TriageStep):
        session.triage[event.target.user_id] = payload
    if not isinstance(payload, FaqAnswer | FaqSuggestions | FaqNoMatch):
        session.langs[event.target.user_id] = event.lang
    else:
        # FAQ replies speak the question's language, which is the person's own only
        # when they never chose one: it counts until something else was said to them.
        session.langs.setdefault(event.target.user_id, event.lang)
    if isinstance(payload, FaqAnswer):
        session.last_query[event.target.user_id] = payload.query_id
        session.last_options.pop(event.target.user_id, None)
    elif isinstance(payload, FaqSuggestions):
        session.last_query[event.target.user_id] = payload.query_id
        session.last_options[event.target.user_id] = tuple(o.entry_id for o in payload.options)
    elif payload.kind == "faq_no_match":
        session.last_query[event.target.user_id] = payload.query_id
