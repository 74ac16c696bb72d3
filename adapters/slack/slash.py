"""`/ticket …` text -> a core command, the triage modal, or a usage answer. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from adapters.slack.codecs import ReplyPlace
from adapters.slack.people import agent_actor
from core import commands as c
from core.domain import Actor, Priority


@dataclass(frozen=True)
class Refusal:
    """Input the adapter itself answers (usage help): catalog key and params."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenModal:
    """`/ticket` with no text: the triage modal."""


_USAGE = {
    "claim": "/ticket claim N",
    "resolve": "/ticket resolve N",
    "reopen": "/ticket reopen N",
    "cancel": "/ticket cancel N",
    "assign": "/ticket assign N @agent",
    "priority": "/ticket priority N low|normal|high|urgent",
    "rate": "/ticket rate N 1-5",
    "lang": "/ticket lang en|pl|ru",
}
_USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")
_SIMPLE: dict[str, type[c.Command]] = {
    "status": c.ShowStatus,
    "queue": c.ShowQueue,
    "mine": c.ShowMine,
    "help": c.ShowHelp,
}
_BY_NUMBER: dict[str, type[c.TicketCommand]] = {
    "claim": c.Claim,
    "resolve": c.Resolve,
    "reopen": c.Reopen,
    "cancel": c.Cancel,
}


def _number(text: str) -> int | None:
    value = text.strip().lstrip("#")
    return int(value) if value.isdigit() else None


def mentioned_users(text: str) -> list[str]:
    """User ids in a slash command's text (Slack sends `<@U123|name>` when escaping is on)."""
    return [m.group(1) for m in _USER_MENTION.finditer(text)]


def _usage(word: str) -> Refusal:
    return Refusal("error.usage", {"usage": _USAGE[word]})


def slash_command(
    text: str,
    actor: Actor,
    place: ReplyPlace,
    names: Mapping[str, str] | None = None,
) -> c.Command | OpenModal | Refusal:
    """`/ticket …`: a keyword and its arguments, otherwise the text of a new ticket."""
    text = text.strip()
    if not text:
        return OpenModal()
    context = place.encode()
    word, _, rest = text.partition(" ")
    word = word.lower()
    rest = rest.strip()
    if not rest and word in _SIMPLE:
        return _SIMPLE[word](actor=actor, reply_context=context)
    if word not in _USAGE:
        return c.OpenTicket(actor=actor, text=text, reply_context=context)
    number_text, _, tail = rest.partition(" ")
    tail = tail.strip()
    if word == "lang":
        if not rest:
            return _usage(word)
        return c.SetLanguage(actor=actor, lang=rest, reply_context=context)
    number = _number(number_text)
    if number is None:
        if number_text and not number_text.startswith("#"):
            # "/ticket claim my laptop is broken" is a ticket, not a typo
            return c.OpenTicket(actor=actor, text=text, reply_context=context)
        return _usage(word)
    if word in _BY_NUMBER:
        return _BY_NUMBER[word](actor=actor, number=number, reply_context=context)
    if word == "assign":
        match = _USER_MENTION.search(tail)
        if match is None:
            return _usage(word)
        assignee = agent_actor(match.group(1), names or {}, fallback=match.group(2))
        return c.Assign(actor=actor, number=number, assignee=assignee, reply_context=context)
    if word == "priority":
        try:
            priority = Priority(tail.lower())
        except ValueError:
            return _usage(word)
        return c.SetPriority(actor=actor, number=number, priority=priority, reply_context=context)
    score = _number(tail)
    if score is None:
        return _usage(word)
    return c.Rate(actor=actor, number=number, score=score, reply_context=context)
