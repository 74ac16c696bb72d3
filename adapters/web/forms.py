"""What the console's forms and query strings mean: pure parsing, bad input named."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from core import commands as c
from core.domain import MAX_TEXT, Actor, Priority
from core.reporting.queue import QueueFilter

QUEUE_CHOICES = {
    "state": ("active", "open", "claimed", "resolved", "cancelled", "all"),
    "priority": ("", *(p.value for p in Priority)),
    "sla": ("", "breached", "at_risk", "ok"),
    "team": ("", "default"),
}
DONE = {
    "claim": "You claimed #{}.",
    "reply": "Your reply on #{} is on its way to the requester.",
    "note": "Note added to #{} (agents only).",
    "priority": "Priority of #{} changed.",
    "resolve": "#{} is resolved; the requester is asked for a rating.",
}
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _choice(query: Mapping[str, str], name: str, default: str = "") -> str:
    value = query.get(name, default)
    return value if value in QUEUE_CHOICES[name] else default


def queue_filter(query: Mapping[str, str]) -> QueueFilter:
    return QueueFilter(
        state=_choice(query, "state", "active"),
        team=_choice(query, "team"),
        priority=_choice(query, "priority"),
        sla=_choice(query, "sla"),
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
) -> c.Command | str:
    """The desk command a ticket form asks for, or what is wrong with the form."""
    text = str(form.get("text", "")).strip()
    if action in ("reply", "note"):
        if not text:
            return "Write something first: the message was empty."
        if len(text) > MAX_TEXT:
            return f"That is too long: at most {MAX_TEXT} characters."
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
        return "Choose one of the listed priorities."
