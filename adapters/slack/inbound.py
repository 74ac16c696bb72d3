"""Slack payloads -> core commands: messages, mentions, reactions, buttons, the modal. Pure.

The listeners look people and cards up; these functions only read payloads,
so every shape Slack (or an attacker) may send is understood or ignored here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from adapters.common.grammar import note_text
from adapters.slack import codecs
from adapters.slack.codecs import (
    MODAL_CATEGORY,
    MODAL_IMPACT,
    MODAL_INPUT,
    MODAL_KIND,
    MODAL_TEXT,
    MODAL_URGENCY,
    REACTION_CLAIM,
    REACTION_RESOLVE,
    ReplyPlace,
    message_ref,
)
from adapters.slack.markup import plain_text
from adapters.slack.people import assignee_actor
from core import commands as c
from core.domain import CATEGORIES, Actor, Level, TicketKind

# messages


@dataclass(frozen=True)
class MessageFacts:
    """What the listeners need to know about one `message` event.

    `text` is as Slack sent it until `meant` turns it into what the person meant.
    """

    kind: str  # "new", "edited", "deleted" or "ignore"
    channel: str
    channel_type: str
    user: str
    text: str
    ts: str
    thread_ts: str | None
    files: tuple[str, ...] = ()


_IGNORED_SUBTYPES = {
    "bot_message",
    "channel_join",
    "channel_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "group_join",
    "group_leave",
    "thread_broadcast_removed",
    "ekm_access_denied",
}
# What a person writes: plain, with files, broadcast from a thread, or `/me …`
# (https://api.slack.com/events/message/me_message), which is relayed like any text.
_TEXT_SUBTYPES = (None, "file_share", "thread_broadcast", "me_message")


def _mapping(value: object) -> Mapping[str, Any]:
    """A nested payload object, or an empty one when Slack (or an attacker) sent another type."""
    return value if isinstance(value, Mapping) else {}


def _optional_str(value: object) -> str | None:
    return str(value) if isinstance(value, str | int | float) and value != "" else None


def message_facts(event: Mapping[str, Any]) -> MessageFacts:
    """Normalise a `message` event, its edits (message_changed) and deletions."""
    subtype = event.get("subtype")
    channel = str(event.get("channel", ""))
    channel_type = str(event.get("channel_type", ""))
    ignore = MessageFacts("ignore", channel, channel_type, "", "", "", None)
    if subtype == "message_changed":
        message = _mapping(event.get("message"))
        previous = _mapping(event.get("previous_message"))
        if message.get("bot_id") or message.get("text") == previous.get("text"):
            return ignore
        return MessageFacts(
            "edited",
            channel,
            channel_type,
            str(message.get("user", "")),
            str(message.get("text", "")),
            str(message.get("ts", "")),
            _optional_str(message.get("thread_ts")),
        )
    if subtype == "message_deleted":
        previous = _mapping(event.get("previous_message"))
        if previous.get("bot_id"):
            return ignore
        return MessageFacts(
            "deleted",
            channel,
            channel_type,
            str(previous.get("user", "")),
            "",
            str(event.get("deleted_ts") or previous.get("ts", "")),
            _optional_str(previous.get("thread_ts")),
        )
    if event.get("bot_id") or subtype in _IGNORED_SUBTYPES or not event.get("user"):
        return ignore
    if subtype not in _TEXT_SUBTYPES:
        return ignore
    listed = event.get("files")
    # By id: a permalink into a DM opens for nobody else, so the sender passes the file on.
    # (An event may carry a file's id alone, `file_access: check_file_info`.)
    files = tuple(
        codecs.file_ref(str(f["id"]), str(f.get("name") or f.get("title") or "file"))
        for f in (listed if isinstance(listed, list) else [])
        if isinstance(f, Mapping) and isinstance(f.get("id"), str) and f["id"].isalnum()
    )
    return MessageFacts(
        "new",
        channel,
        channel_type,
        str(event["user"]),
        str(event.get("text", "")),
        str(event.get("ts", "")),
        _optional_str(event.get("thread_ts")),
        files,
    )


def meant(facts: MessageFacts, names: Mapping[str, str]) -> MessageFacts:
    """The facts with the text the person meant; `names` names the people it mentions."""
    return replace(facts, text=plain_text(facts.text, names))


def _edit(
    facts: MessageFacts, actor: Actor, context: str | None, *, notes: bool = False
) -> c.Command | None:
    """An edit or deletion; with `notes` (a card's thread) an edit into a note is one."""
    if facts.kind not in ("edited", "deleted"):
        return None
    note = note_text(facts.text) if notes and facts.kind == "edited" else None
    return c.EditMessage(
        actor=actor,
        platform_message_id=message_ref(facts.channel, facts.ts),
        text=facts.text if note is None else note,
        deleted=facts.kind == "deleted",
        as_note=note is not None,
        reply_context=context,
    )


def dm_command(facts: MessageFacts, actor: Actor, ticket: int | None = None) -> c.Command | None:
    """A message in the DM with the bot: in a ticket's thread (`ticket`), a message on
    that ticket; anywhere else, a new question (the FAQ first, even with open tickets).

    The answer goes back to this DM channel (and thread), named in the reply context,
    so sending it needs no look-up of the person's DM channel.
    """
    thread = facts.thread_ts if ticket is not None else None
    context = ReplyPlace(channel=facts.channel, thread_ts=thread).encode()
    if facts.kind == "new":
        return c.SendText(
            actor=actor,
            text=facts.text,
            attachments=facts.files,
            platform_message_id=message_ref(facts.channel, facts.ts),
            reply_context=context,
            ticket_number=ticket,
            question_first=ticket is None,
        )
    return _edit(facts, actor, context)


def thread_command(
    facts: MessageFacts, actor: Actor, ticket_number: int, place: ReplyPlace
) -> c.Command | None:
    """A message in a ticket card's thread: a reply to the requester, or an internal note."""
    context = place.encode()
    if facts.kind == "new":
        note = note_text(facts.text)
        if note is not None:
            return c.Note(
                actor=actor,
                number=ticket_number,
                text=note,
                platform_message_id=message_ref(facts.channel, facts.ts),
                reply_context=context,
            )
        return c.Reply(
            actor=actor,
            number=ticket_number,
            text=facts.text,
            attachments=facts.files,
            platform_message_id=message_ref(facts.channel, facts.ts),
            reply_context=context,
        )
    # a reply edited into a note is withdrawn from the requester; a note stays internal
    return _edit(facts, actor, context, notes=True)


_ANY_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")


def mention_question(
    text: str, bot_user_id: str | None = None, names: Mapping[str, str] | None = None
) -> str:
    """An @mention's text (as Slack sends it) without the bot's mention, in plain words.

    Other people mentioned keep their names; without the bot's id every mention goes.
    """
    bot = re.compile(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>") if bot_user_id else _ANY_MENTION
    return " ".join(plain_text(bot.sub(" ", text), names).split())


# reactions and shortcuts


def reaction_name(reaction: str) -> str:
    """A reaction without its skin tone (`eyes::skin-tone-2` is still `eyes`)."""
    return reaction.split("::")[0]


def card_reaction_command(
    reaction: str, actor: Actor, ticket_number: int, place: ReplyPlace
) -> c.Command | None:
    if reaction == REACTION_CLAIM:
        return c.Claim(actor=actor, number=ticket_number, reply_context=place.encode())
    if reaction == REACTION_RESOLVE:
        return c.Resolve(actor=actor, number=ticket_number, reply_context=place.encode())
    return None


def source_ticket_text(text: str, permalink: str | None, names: Mapping[str, str]) -> str:
    """The text of a ticket opened from someone's message (shortcut or 🎫), as Slack sent it."""
    cleaned = plain_text(text, names).strip()
    return cleaned or (permalink or "")


# buttons and selects

_CARD_COMMANDS: dict[codecs.CardAction, type[c.TicketCommand]] = {
    codecs.CardAction.CLAIM: c.Claim,
    codecs.CardAction.RESOLVE: c.Resolve,
    codecs.CardAction.REOPEN: c.Reopen,
    codecs.CardAction.PERSON: c.ShowPerson,
    codecs.CardAction.WAIT: c.WaitForRequester,
}


def action_place(channel: str, container: Mapping[str, Any], agents_channel: str) -> ReplyPlace:
    """Where the answer to a button goes.

    In the agents' channel only the agent sees it; under a public message it goes in
    that message's thread; anywhere else (a DM, the App Home) to the person's DM.
    """
    if channel == agents_channel:
        return ReplyPlace(channel=channel, ephemeral=True)
    if channel and not channel.startswith("D"):
        thread = _optional_str(container.get("thread_ts") or container.get("message_ts"))
        return ReplyPlace(channel=channel, thread_ts=thread)
    return ReplyPlace()


def selected_users(action: Mapping[str, Any]) -> list[str]:
    """The person a select picked, to be looked up before the action is parsed."""
    return [str(action["selected_user"])] if action.get("selected_user") else []


def action_command(
    action: Mapping[str, Any], actor: Actor, place: ReplyPlace, names: Mapping[str, str]
) -> c.Command | None:
    """A button or select in one of our messages -> the command it stands for."""
    data = codecs.parse_action(action)
    context = place.encode()
    if isinstance(data, codecs.FaqFeedbackButton):
        return c.FaqFeedback(
            actor=actor, query_id=data.query_id, helped=data.helped, reply_context=context
        )
    if isinstance(data, codecs.FaqPickButton):
        return c.ChooseSuggestion(
            actor=actor, query_id=data.query_id, entry_id=data.entry_id, reply_context=context
        )
    if isinstance(data, codecs.AddToTicketButton):
        return c.AddToTicket(
            actor=actor, query_id=data.query_id, number=data.number, reply_context=context
        )
    if isinstance(data, codecs.HeldPlaceButton):
        return c.PlaceHeld(
            actor=actor, held_id=data.held_id, number=data.number or None, reply_context=context
        )
    if isinstance(data, codecs.RatingButton):
        return c.Rate(actor=actor, number=data.number, score=data.score, reply_context=context)
    if isinstance(data, codecs.CardButton):
        command = _CARD_COMMANDS[data.action]
        return command(actor=actor, number=data.number, reply_context=context)
    if isinstance(data, codecs.AssignSelect):
        assignee = assignee_actor(data.user_id, names)
        return c.Assign(actor=actor, number=data.number, assignee=assignee, reply_context=context)
    if isinstance(data, codecs.ResolveEntryOption):
        return c.Resolve(
            actor=actor, number=data.number, entry_id=data.entry_id, reply_context=context
        )
    if isinstance(data, codecs.PriorityOption):
        return c.SetPriority(
            actor=actor, number=data.number, priority=data.priority, reply_context=context
        )
    if isinstance(data, codecs.KindOption):
        return c.Classify(actor=actor, number=data.number, kind=data.kind, reply_context=context)
    if isinstance(data, codecs.TeamOption):
        return c.Classify(actor=actor, number=data.number, team=data.team, reply_context=context)
    if isinstance(data, codecs.LevelOption):
        return c.Classify(
            actor=actor,
            number=data.number,
            reply_context=context,
            impact=None if data.urgency else data.level,
            urgency=data.level if data.urgency else None,
        )
    return None


# the triage modal


def _dig(payload: object, *path: str) -> Any:
    """payload[path[0]][path[1]]...; None where a step is missing or not an object."""
    for key in path:
        if not isinstance(payload, Mapping):
            return None
        payload = payload.get(key)
    return payload


def modal_problem(view: Mapping[str, Any]) -> dict[str, str]:
    """What the desk could not use in a submitted modal: block id -> catalog key.

    Answered inside the modal (`response_action: errors`), next to the field. The text
    field's `max_length` (views.modal_view) keeps it under the desk's limit; only text
    that is all spaces gets past Slack's own check of a required input.
    """
    typed = _dig(view, "state", "values", MODAL_TEXT, MODAL_INPUT, "value")
    if not isinstance(typed, str) or not typed.strip():
        return {MODAL_TEXT: "modal.empty_text"}
    return {}


def modal_command(
    view: Mapping[str, Any], actor: Actor, areas: tuple[str, ...] = CATEGORIES
) -> c.Triage | None:
    """The submitted triage modal -> the desk's triage with every answer the form gave
    (a select left empty is a skipped step); the desk offers the area's FAQ entries
    before it opens the ticket."""
    values = _dig(view, "state", "values")

    def selected(block: str, allowed: Iterable[str]) -> str:
        chosen = _dig(values, block, MODAL_INPUT, "selected_option", "value")
        return chosen if isinstance(chosen, str) and chosen in allowed else c.SKIPPED

    typed = _dig(values, MODAL_TEXT, MODAL_INPUT, "value")
    levels = [level.value for level in Level]
    return c.Triage(
        actor=actor,
        text=typed if isinstance(typed, str) else "",
        kind=selected(MODAL_KIND, [kind.value for kind in TicketKind]),
        category=selected(MODAL_CATEGORY, areas),
        impact=selected(MODAL_IMPACT, levels),
        urgency=selected(MODAL_URGENCY, levels),
    )
