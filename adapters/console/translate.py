"""Console lines -> core commands, and core events -> printed lines. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field

from core import commands as c
from core.domain import Actor, Priority
from core.events import Event, FaqAnswer, FaqSuggestions, PersonTarget, TicketResolved
from core.i18n import t
from core.presenter import render_text

PLATFORM = "console"


@dataclass
class Session:
    """Who is typing, and what they can answer with /helped, /human or /pick."""

    name: str
    is_agent: bool = False
    last_query: dict[str, int] = field(default_factory=dict)
    last_options: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return Actor(
            platform=PLATFORM, user_id=self.name, display_name=self.name, is_agent=self.is_agent
        )


@dataclass(frozen=True)
class SwitchUser:
    name: str
    is_agent: bool


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Refusal:
    """A line the console itself cannot turn into a command: catalog key + params."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)


Action = c.Command | SwitchUser | Quit | Refusal

_USAGE = {
    "/as": "/as NAME",
    "/agent": "/agent NAME",
    "/ticket": "/ticket TEXT",
    "/claim": "/claim N",
    "/reply": "/reply N TEXT",
    "/note": "/note N TEXT",
    "/resolve": "/resolve N",
    "/reopen": "/reopen N",
    "/cancel": "/cancel N",
    "/rate": "/rate N 1-5",
    "/lang": "/lang en|pl|ru",
    "/assign": "/assign N NAME",
    "/priority": "/priority N low|normal|high|urgent",
    "/pick": "/pick K",
}


def _usage(command: str) -> Refusal:
    return Refusal("error.usage", {"usage": _USAGE[command]})


def _number(text: str) -> int | None:
    value = text.strip().lstrip("#")
    return int(value) if value.isdigit() else None


def _name(text: str) -> str | None:
    name = text.strip().lstrip("@")
    return name if name and " " not in name and len(name) <= 64 else None


def parse_line(line: str, session: Session) -> Action | None:
    """One typed line -> what to do; None for a blank line."""
    text = line.strip()
    if not text:
        return None
    if not text.startswith("/"):
        return c.SendText(actor=session.actor, text=text)
    command, _, rest = text.partition(" ")
    command = command.lower()
    rest = rest.strip()
    actor = session.actor
    if command in ("/quit", "/exit"):
        return Quit()
    if command in ("/as", "/agent"):
        name = _name(rest)
        return SwitchUser(name, command == "/agent") if name else _usage(command)
    if command == "/help":
        return c.ShowHelp(actor=actor)
    if command == "/ticket":
        return c.OpenTicket(actor=actor, text=rest) if rest else _usage(command)
    if command == "/status":
        return c.ShowStatus(actor=actor)
    if command == "/queue":
        return c.ShowQueue(actor=actor)
    if command == "/mine":
        return c.ShowMine(actor=actor)
    if command == "/lang":
        return c.SetLanguage(actor=actor, lang=rest) if rest else _usage(command)
    if command in ("/helped", "/human"):
        query_id = session.last_query.get(session.name)
        if query_id is None:
            return Refusal("error.unknown_query")
        return c.FaqFeedback(actor=actor, query_id=query_id, helped=command == "/helped")
    if command == "/pick":
        return _pick(rest, session)
    return _ticket_command(command, rest, actor)


def _pick(rest: str, session: Session) -> Action:
    options = session.last_options.get(session.name, ())
    query_id = session.last_query.get(session.name)
    index = _number(rest)
    if index is None or query_id is None or not 1 <= index <= len(options):
        return _usage("/pick") if options else Refusal("error.unknown_query")
    return c.ChooseSuggestion(actor=session.actor, query_id=query_id, entry_id=options[index - 1])


def _ticket_command(command: str, rest: str, actor: Actor) -> Action:
    if command not in _USAGE:
        return Refusal("error.unknown_command", {"command": command})
    number_text, _, tail = rest.partition(" ")
    number = _number(number_text)
    tail = tail.strip()
    if number is None:
        return _usage(command)
    simple: dict[str, type[c.TicketCommand]] = {
        "/claim": c.Claim,
        "/resolve": c.Resolve,
        "/reopen": c.Reopen,
        "/cancel": c.Cancel,
    }
    if command in simple:
        return simple[command](actor=actor, number=number)
    if command == "/reply":
        return c.Reply(actor=actor, number=number, text=tail) if tail else _usage(command)
    if command == "/note":
        return c.Note(actor=actor, number=number, text=tail) if tail else _usage(command)
    if command == "/rate":
        score = _number(tail)
        return (
            c.Rate(actor=actor, number=number, score=score)
            if score is not None
            else _usage(command)
        )
    if command == "/assign":
        name = _name(tail)
        if name is None:
            return _usage(command)
        assignee = Actor(platform=PLATFORM, user_id=name, display_name=name, is_agent=True)
        return c.Assign(actor=actor, number=number, assignee=assignee)
    if command == "/priority":
        try:
            return c.SetPriority(actor=actor, number=number, priority=Priority(tail.lower()))
        except ValueError:
            return _usage(command)
    return _usage(command)


def recipient_label(event: Event) -> str:
    target = event.target
    if isinstance(target, PersonTarget):
        return f"[to {target.user_id}]"
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
    return None


def format_event(event: Event) -> str:
    """`[to alice] text` or `[agents #3] text`; continuation lines indented."""
    label = recipient_label(event)
    lines = render_text(event).splitlines() or [""]
    hint = console_hint(event)
    if hint:
        lines.append(hint)
    pad = " " * (len(label) + 1)
    return "\n".join([f"{label} {lines[0]}"] + [f"{pad}{line}" for line in lines[1:]])


def remember_choices(event: Event, session: Session) -> None:
    """Keep the last FAQ reply per person so /helped, /human and /pick can refer to it."""
    if not isinstance(event.target, PersonTarget):
        return
    payload = event.payload
    if isinstance(payload, FaqAnswer):
        session.last_query[event.target.user_id] = payload.query_id
        session.last_options.pop(event.target.user_id, None)
    elif isinstance(payload, FaqSuggestions):
        session.last_query[event.target.user_id] = payload.query_id
        session.last_options[event.target.user_id] = tuple(o.entry_id for o in payload.options)
    elif payload.kind == "faq_no_match":
        session.last_query[event.target.user_id] = payload.query_id
