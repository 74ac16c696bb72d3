"""Typed commands: what an adapter asks the desk to do for one inbound update.

Every command carries the acting person and an opaque `reply_context`: the
adapter's note of where a direct answer to this actor belongs (a Slack channel
and thread, a Telegram chat). The desk copies it into the targets of replies
to the actor and never interprets it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError

from core.domain import Actor, Level, Priority, TicketKind


@dataclass(frozen=True)
class InboundKey:
    """The platform's own id of an update: (platform, update id)."""

    platform: str
    update_id: str


@dataclass(frozen=True, kw_only=True)
class Command:
    actor: Actor
    reply_context: str | None = None


@dataclass(frozen=True, kw_only=True)
class SendText(Command):
    """Plain text from a person: a question, or a message on one of their open tickets.

    `ticket_number`: the reply place named a ticket (a Slack ticket thread, a Telegram
    reply to one of the ticket's messages), so the text goes there. `question_first`:
    the surface keeps questions apart from tickets (Slack's top level), so the text is
    a new question even while tickets are open. Neither: the single open ticket gets it,
    several make the desk ask which one, none make it a question.
    """

    text: str
    attachments: tuple[str, ...] = ()
    platform_message_id: str | None = None
    ticket_number: int | None = None
    question_first: bool = False


@dataclass(frozen=True, kw_only=True)
class AskQuestion(Command):
    """A question for the FAQ, never relayed to a ticket."""

    text: str


@dataclass(frozen=True, kw_only=True)
class FaqFeedback(Command):
    """The person's answer to an FAQ reply: it helped, or they want a human."""

    query_id: int
    helped: bool


@dataclass(frozen=True, kw_only=True)
class ChooseSuggestion(Command):
    """The person picked one of the "did you mean" entries."""

    query_id: int
    entry_id: str


@dataclass(frozen=True, kw_only=True)
class AddToTicket(Command):
    """The person's question (an FAQ query of theirs) belongs to their open ticket."""

    query_id: int
    number: int


@dataclass(frozen=True, kw_only=True)
class PlaceHeld(Command):
    """Where a held message goes: ticket `number`, or (None) it is a new question."""

    held_id: int
    number: int | None = None


@dataclass(frozen=True, kw_only=True)
class OpenTicket(Command):
    """A new ticket; `text` may be empty only when files were sent with it."""

    text: str
    category: str | None = None
    priority: Priority | None = None  # None: from impact and urgency (the matrix)
    source_link: str | None = None
    attachments: tuple[str, ...] = ()
    kind: TicketKind | None = None
    impact: Level | None = None
    urgency: Level | None = None
    triage: bool = False
    """Once it is open, ask the requester what is still unknown (core.desk.details)."""


SKIPPED = "-"
"""A triage answer meaning "I'd rather not say": the step is done, the value unknown."""


@dataclass(frozen=True, kw_only=True)
class Triage(Command):
    """One step of the triage before a ticket: every answer so far, None for not asked.

    The desk asks the first step not answered yet (kind, area, the area's FAQ entries,
    impact, urgency, the description) and opens the ticket when none is left. Surfaces
    carry the answers in their buttons or their session: the desk keeps no dialog state.
    """

    text: str = ""
    kind: str | None = None
    category: str | None = None
    faq_seen: bool = False
    impact: str | None = None
    urgency: str | None = None
    entry_id: str | None = None
    """An FAQ entry the person picked at the area step: its answer, and no ticket."""
    attachments: tuple[str, ...] = ()
    """Files sent as the description (a screenshot of the problem): the ticket carries them."""


@dataclass(frozen=True, kw_only=True)
class TicketCommand(Command):
    number: int


@dataclass(frozen=True, kw_only=True)
class TriageAnswer(TicketCommand):
    """The requester's answer to a question asked after their ticket opened: `value` is
    one of the step's choices; SKIPPED ends the questions."""

    step: str
    value: str


@dataclass(frozen=True, kw_only=True)
class Claim(TicketCommand):
    pass


@dataclass(frozen=True, kw_only=True)
class Assign(TicketCommand):
    assignee: Actor


@dataclass(frozen=True, kw_only=True)
class Reply(TicketCommand):
    """An agent's public message to the requester."""

    text: str
    attachments: tuple[str, ...] = ()
    platform_message_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Note(TicketCommand):
    """An agent's internal note: recorded, never shown to the requester.

    `platform_message_id` (when the note is a platform message) lets its later edits find it.
    """

    text: str
    platform_message_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Resolve(TicketCommand):
    """Resolve the ticket; with `entry_id`, by that FAQ entry: the requester gets its
    answer and the ticket's question becomes a learned phrasing of it."""

    entry_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Reopen(TicketCommand):
    pass


@dataclass(frozen=True, kw_only=True)
class Cancel(TicketCommand):
    pass


@dataclass(frozen=True, kw_only=True)
class Rate(TicketCommand):
    score: int


@dataclass(frozen=True, kw_only=True)
class SetPriority(TicketCommand):
    priority: Priority


@dataclass(frozen=True, kw_only=True)
class Classify(TicketCommand):
    """An agent changes what a ticket is or who handles it (the fields given)."""

    kind: TicketKind | None = None
    impact: Level | None = None
    urgency: Level | None = None
    team: str | None = None


@dataclass(frozen=True, kw_only=True)
class WaitForRequester(TicketCommand):
    """An agent waits for the requester: the SLA clocks pause until they write."""


@dataclass(frozen=True, kw_only=True)
class EditMessage(Command):
    """The author edited (or, with `deleted`, removed) a message that was relayed.

    `platform_message_id` is the id the adapter gave with the original
    SendText/Reply; the relayed copy is updated or marked deleted. With `as_note` an agent
    turned the message into an internal note (`text` is the note): its copy is withdrawn.
    """

    platform_message_id: str
    text: str = ""
    deleted: bool = False
    as_note: bool = False


@dataclass(frozen=True, kw_only=True)
class ShowStatus(Command):
    """The requester's own tickets."""


@dataclass(frozen=True, kw_only=True)
class ShowQueue(Command):
    """Unclaimed tickets (agents only)."""


@dataclass(frozen=True, kw_only=True)
class ShowMine(Command):
    """Tickets assigned to the acting agent."""


@dataclass(frozen=True, kw_only=True)
class SetLanguage(Command):
    lang: str


@dataclass(frozen=True, kw_only=True)
class ShowHelp(Command):
    """What the actor can do here."""


@dataclass(frozen=True, kw_only=True)
class Link(Command):
    """Link identities across platforms: without `code`, ask for a one-time code; with
    one given on another platform, make both identities one person."""

    code: str = ""


@dataclass(frozen=True, kw_only=True)
class Unlink(Command):
    """Take the acting identity out of the person it was linked to."""


@dataclass(frozen=True, kw_only=True)
class ShowPerson(TicketCommand):
    """An agent asks who the requester of a ticket is (the card's "Person" button)."""


@dataclass(frozen=True, kw_only=True)
class ShowAgentHome(Command):
    """An agent's overview (Slack's App Home): the queue with who asks, and their own tickets."""


AnyCommand = (
    SendText
    | AskQuestion
    | FaqFeedback
    | ChooseSuggestion
    | AddToTicket
    | PlaceHeld
    | OpenTicket
    | Claim
    | Assign
    | Reply
    | Note
    | Resolve
    | Reopen
    | Cancel
    | Rate
    | SetPriority
    | Classify
    | WaitForRequester
    | Triage
    | TriageAnswer
    | EditMessage
    | ShowStatus
    | ShowQueue
    | ShowMine
    | SetLanguage
    | ShowHelp
    | Link
    | Unlink
    | ShowPerson
    | ShowAgentHome
)


_BY_NAME: dict[str, type[Command]] = {cls.__name__: cls for cls in get_args(AnyCommand)}


@cache
def _adapters() -> dict[str, TypeAdapter[Any]]:
    """Validators of the storable commands, built on first use (they cost to build)."""
    return {name: TypeAdapter(cls) for name, cls in _BY_NAME.items()}


def command_to_json(command: Command) -> str:
    """A stored command (the inbox): its type name and its fields."""
    name = type(command).__name__
    if _BY_NAME.get(name) is not type(command):
        raise TypeError(f"{name} is not a storable command")
    data = _adapters()[name].dump_python(command, mode="json")
    return json.dumps({"type": name, "fields": data}, ensure_ascii=False)


def command_from_json(text: str) -> Command:
    """The command `command_to_json` stored; ValueError if it is not one."""
    try:
        stored = json.loads(text)
        command: Command = _adapters()[stored["type"]].validate_python(stored["fields"])
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        raise ValueError(f"not a stored command: {error}") from error
    return command
