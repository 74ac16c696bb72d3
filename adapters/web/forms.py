"""What the console's forms and query strings mean: pure parsing, bad input named."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core import commands as c
from core.domain import MAX_TEXT, Actor, Priority
from core.reporting.queue import QueueFilter

QUEUE_CHOICES: dict[str, tuple[str, ...]] = {
    "state": ("active", "open", "claimed", "waiting", "resolved", "cancelled", "all"),
    "priority": ("", *(p.value for p in Priority)),
    "sla": ("", "breached", "at_risk", "ok"),
}


def queue_choices(teams: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """What each queue filter offers; `teams` are the service's teams."""
    return {**QUEUE_CHOICES, "team": ("", *teams)}


@dataclass(frozen=True)
class FormProblem:
    """What is wrong with a form: a catalog key and its parameters."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _choice(
    query: Mapping[str, str], choices: Mapping[str, tuple[str, ...]], name: str, default: str = ""
) -> str:
    value = query.get(name, default)
    return value if value in choices[name] else default


def queue_filter(query: Mapping[str, str], teams: Sequence[str]) -> QueueFilter:
    """The queue's filters from a query string; an unknown value filters nothing."""
    choices = queue_choices(teams)
    return QueueFilter(
        state=_choice(query, choices, "state", "active"),
        team=_choice(query, choices, "team"),
        priority=_choice(query, choices, "priority"),
        sla=_choice(query, choices, "sla"),
    )


def day(value: str | None, default: datetime) -> datetime:
    """A YYYY-MM-DD date as midnight UTC; anything else is the default."""
    try:
        parsed = datetime.strptime(value or "", "%Y-%m-%d")
    except ValueError:
        return default
    return parsed.replace(tzinfo=UTC)


def update_key(form: Mapping[str, object]) -> str:
    key = str(form.get("key", ""))
    return key if _KEY.match(key) else "invalid"


def ticket_command(
    action: str, number: int, actor: Actor, form: Mapping[str, object]
) -> c.Command | FormProblem:
    """The desk command a ticket form asks for, or what is wrong with the form."""
    text = str(form.get("text", "")).strip()
    if action in ("reply", "note"):
        if not text:
            return FormProblem("web.form.empty")
        if len(text) > MAX_TEXT:
            return FormProblem("web.form.too_long", {"limit": MAX_TEXT})
        if action == "reply":
            return c.Reply(actor=actor, number=number, text=text)
        return c.Note(actor=actor, number=number, text=text)
    if action == "claim":
        return c.Claim(actor=actor, number=number)
    if action == "resolve":
        return c.Resolve(actor=actor, number=number)
    try:
        return c.SetPriority(
            actor=actor, number=number, priority=Priority(str(form.get("priority")))
        )
    except ValueError:
        return FormProblem("web.form.priority")
