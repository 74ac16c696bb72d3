"""Slack payloads -> core commands, and core events -> Slack messages. Pure functions.

Every Slack quirk lives here: mrkdwn escaping, Markdown rendering, Block Kit,
slash-command parsing, the reply-context format and the action ids. The I/O
layer (listeners, sender) only moves data between Slack and these functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_to_mrkdwn import SlackMarkdownConverter

from core import commands as c
from core.domain import Actor, Priority, TicketState, normalize_lang
from core.events import (
    Event,
    FaqAnswer,
    FaqNoMatch,
    FaqSuggestions,
    Notice,
    Payload,
    Relay,
    RelayEdited,
    TicketCard,
    TicketList,
    TicketResolved,
    TicketView,
)
from core.i18n import t
from core.presenter import card_change, card_fields, list_lines, render_payload

PLATFORM = "slack"

# action ids, callback ids and reactions the app and the manifest agree on
ACTION_FAQ_HELPED = "faq_helped"
ACTION_FAQ_HUMAN = "faq_human"
ACTION_FAQ_PICK = "faq_pick"
ACTION_RATE = "rate"
ACTION_CLAIM = "card_claim"
ACTION_RESOLVE = "card_resolve"
ACTION_REOPEN = "card_reopen"
ACTION_ASSIGN = "card_assign"
ACTION_PRIORITY = "card_priority"
ACTION_PATTERN = re.compile(r"^(faq_helped|faq_human|faq_pick|rate|card_\w+)(:\d+)?$")
SHORTCUT_CREATE_TICKET = "create_ticket"
MODAL_CALLBACK = "ticket_modal"
REACTION_TICKET = "ticket"
REACTION_CLAIM = "eyes"
REACTION_RESOLVE = "white_check_mark"
NOTE_PREFIX = "note:"
CATEGORIES = ("general", "it", "hr", "facilities", "finance")

# Slack's limits: a section text holds 3000 characters, a message text 40000.
SECTION_LIMIT = 3000
TEXT_LIMIT = 39_000


# escaping and Markdown


def escape(text: str) -> str:
    """Slack's three control characters, so user text cannot form mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_QUOTE = re.compile(r"^(\s*)>")


@lru_cache(maxsize=512)
def markdown_to_mrkdwn(markdown: str) -> str:
    """FAQ Markdown rendered as mrkdwn; raw `<`/`&` in the FAQ never become Slack markup.

    Cached: the same few answers are sent over and over, and converting one
    costs more than the Web API call that carries it.
    """
    lines = []
    for line in markdown.strip().splitlines():
        quote = _QUOTE.match(line)
        prefix = ""
        if quote:  # keep Markdown block quotes, escape everything else
            prefix, line = quote.group(0), line[quote.end() :]
        lines.append(prefix + escape(line))
    return str(SlackMarkdownConverter().convert("\n".join(lines))).strip()


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mention(user_id: str) -> str:
    """A user mention; the id comes from Slack itself, so only safe characters pass."""
    return f"<@{user_id}>" if re.fullmatch(r"[A-Z0-9]+", user_id) else escape(user_id)


# where a reply to the actor goes


@dataclass(frozen=True)
class ReplyPlace:
    """Where a direct answer to the acting user belongs.

    Empty: their DM with the bot. `channel` (+ `thread_ts`): a public reply there
    (an @mention is answered in its thread). `ephemeral`: only they see it (agents
    acting in the agents' channel). `home`: lists go to their App Home tab.
    """

    channel: str | None = None
    thread_ts: str | None = None
    ephemeral: bool = False
    home: bool = False

    def encode(self) -> str | None:
        data: dict[str, Any] = {}
        if self.channel:
            data["c"] = self.channel
        if self.thread_ts:
            data["t"] = self.thread_ts
        if self.ephemeral:
            data["e"] = 1
        if self.home:
            data["h"] = 1
        return json.dumps(data, separators=(",", ":")) if data else None


def decode_place(context: str | None) -> ReplyPlace:
    if not context:
        return ReplyPlace()
    try:
        data = json.loads(context)
    except ValueError:
        return ReplyPlace()
    if not isinstance(data, dict):
        return ReplyPlace()
    return ReplyPlace(
        channel=data.get("c"),
        thread_ts=data.get("t"),
        ephemeral=bool(data.get("e")),
        home=bool(data.get("h")),
    )


# people


@dataclass(frozen=True)
class UserInfo:
    user_id: str
    name: str
    locale: str | None = None
    is_bot: bool = False


def user_info_from_api(user: Mapping[str, Any]) -> UserInfo:
    """users.info's `user` object -> the name people see and the language hint."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user.get("id", "")
    )
    return UserInfo(
        user_id=str(user.get("id", "")),
        name=str(name),
        locale=user.get("locale"),
        is_bot=bool(user.get("is_bot")),
    )


def actor_of(info: UserInfo, *, is_agent: bool) -> Actor:
    return Actor(
        platform=PLATFORM,
        user_id=info.user_id,
        display_name=info.name,
        is_agent=is_agent,
        locale=normalize_lang(info.locale),
    )


def message_ref(channel: str, ts: str) -> str:
    """A Slack message's identity, as given to the desk and kept in RefStore."""
    return f"{channel}:{ts}"


def split_ref(ref: str) -> tuple[str, str]:
    channel, _, ts = ref.partition(":")
    return channel, ts


# inbound: messages and reactions


@dataclass(frozen=True)
class Refusal:
    """Input the adapter itself answers (usage help): catalog key and params."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenModal:
    """`/ticket` with no text: the triage modal."""


@dataclass(frozen=True)
class MessageFacts:
    """What the listeners need to know about one `message` event."""

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
    "me_message",
}


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
    if subtype == "message_changed":
        message = _mapping(event.get("message"))
        previous = _mapping(event.get("previous_message"))
        if message.get("bot_id") or message.get("text") == previous.get("text"):
            return MessageFacts("ignore", channel, channel_type, "", "", "", None)
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
            return MessageFacts("ignore", channel, channel_type, "", "", "", None)
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
        return MessageFacts("ignore", channel, channel_type, "", "", "", None)
    if subtype not in (None, "file_share", "thread_broadcast"):
        return MessageFacts("ignore", channel, channel_type, "", "", "", None)
    listed = event.get("files")
    files = tuple(
        str(f.get("permalink") or f.get("url_private") or f.get("name") or "file")
        for f in (listed if isinstance(listed, list) else [])
        if isinstance(f, Mapping)
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


def dm_command(facts: MessageFacts, actor: Actor) -> c.Command | None:
    """A message in the DM with the bot: a question, or a message on the open ticket.

    The answer goes back to this DM channel, named in the reply context, so
    sending it needs no look-up of the person's DM channel.
    """
    ref = message_ref(facts.channel, facts.ts)
    context = ReplyPlace(channel=facts.channel).encode()
    if facts.kind == "new":
        return c.SendText(
            actor=actor,
            text=facts.text,
            attachments=facts.files,
            platform_message_id=ref,
            reply_context=context,
        )
    if facts.kind in ("edited", "deleted"):
        return c.EditMessage(
            actor=actor,
            platform_message_id=ref,
            text=facts.text,
            deleted=facts.kind == "deleted",
            reply_context=context,
        )
    return None


def thread_command(
    facts: MessageFacts, actor: Actor, ticket_number: int, place: ReplyPlace
) -> c.Command | None:
    """A message in a ticket card's thread: a reply to the requester, or an internal note."""
    ref = message_ref(facts.channel, facts.ts)
    context = place.encode()
    if facts.kind == "new":
        text = facts.text.strip()
        if text.lower().startswith(NOTE_PREFIX):
            return c.Note(
                actor=actor,
                number=ticket_number,
                text=text[len(NOTE_PREFIX) :].strip(),
                reply_context=context,
            )
        return c.Reply(
            actor=actor,
            number=ticket_number,
            text=facts.text,
            attachments=facts.files,
            platform_message_id=ref,
            reply_context=context,
        )
    if facts.kind in ("edited", "deleted"):
        # a note edited later stays internal: the desk only updates relayed copies
        return c.EditMessage(
            actor=actor,
            platform_message_id=ref,
            text=facts.text,
            deleted=facts.kind == "deleted",
            reply_context=context,
        )
    return None


_BOT_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")


def mention_question(text: str) -> str:
    """An @mention's text without the mentions themselves."""
    return " ".join(_BOT_MENTION.sub(" ", text).split())


def card_reaction_command(
    reaction: str, actor: Actor, ticket_number: int, place: ReplyPlace
) -> c.Command | None:
    if reaction == REACTION_CLAIM:
        return c.Claim(actor=actor, number=ticket_number, reply_context=place.encode())
    if reaction == REACTION_RESOLVE:
        return c.Resolve(actor=actor, number=ticket_number, reply_context=place.encode())
    return None


def source_ticket_text(text: str, permalink: str | None) -> str:
    """The text of a ticket opened from someone's message (shortcut or 🎫)."""
    cleaned = text.strip()
    return cleaned or (permalink or "")


# inbound: the /ticket command

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


def _number(text: str) -> int | None:
    value = text.strip().lstrip("#")
    return int(value) if value.isdigit() else None


def mentioned_users(text: str) -> list[str]:
    """User ids in a slash command's text (Slack sends `<@U123|name>` when escaping is on)."""
    return [m.group(1) for m in _USER_MENTION.finditer(text)]


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
    if not rest:
        simple: dict[str, type[c.Command]] = {
            "status": c.ShowStatus,
            "queue": c.ShowQueue,
            "mine": c.ShowMine,
            "help": c.ShowHelp,
        }
        if word in simple:
            return simple[word](actor=actor, reply_context=context)
    if word not in _USAGE:
        return c.OpenTicket(actor=actor, text=text, reply_context=context)
    number_text, _, tail = rest.partition(" ")
    tail = tail.strip()
    if word == "lang":
        return (
            c.SetLanguage(actor=actor, lang=rest, reply_context=context)
            if rest
            else Refusal("error.usage", {"usage": _USAGE[word]})
        )
    number = _number(number_text)
    if number is None:
        if number_text and not number_text.startswith("#"):
            # "/ticket claim my laptop is broken" is a ticket, not a typo
            return c.OpenTicket(actor=actor, text=text, reply_context=context)
        return Refusal("error.usage", {"usage": _USAGE[word]})
    by_word: dict[str, type[c.TicketCommand]] = {
        "claim": c.Claim,
        "resolve": c.Resolve,
        "reopen": c.Reopen,
        "cancel": c.Cancel,
    }
    if word in by_word:
        return by_word[word](actor=actor, number=number, reply_context=context)
    if word == "assign":
        match = _USER_MENTION.search(tail)
        if match is None:
            return Refusal("error.usage", {"usage": _USAGE[word]})
        user_id = match.group(1)
        name = (names or {}).get(user_id) or match.group(2) or user_id
        assignee = Actor(platform=PLATFORM, user_id=user_id, display_name=name, is_agent=True)
        return c.Assign(actor=actor, number=number, assignee=assignee, reply_context=context)
    if word == "priority":
        try:
            priority = Priority(tail.lower())
        except ValueError:
            return Refusal("error.usage", {"usage": _USAGE[word]})
        return c.SetPriority(actor=actor, number=number, priority=priority, reply_context=context)
    score = _number(tail)
    if score is None:
        return Refusal("error.usage", {"usage": _USAGE[word]})
    return c.Rate(actor=actor, number=number, score=score, reply_context=context)


AGENT_WORDS = frozenset({"claim", "resolve", "queue", "mine", "assign", "priority", "help"})


def needs_agent_check(text: str) -> bool:
    """Whether a `/ticket` command's meaning depends on the user being an agent."""
    return text.strip().partition(" ")[0].lower() in AGENT_WORDS


# inbound: buttons, selects and the modal


def _dig(payload: object, *path: str) -> Any:
    """payload[path[0]][path[1]]...; None where a step is missing or not an object."""
    for key in path:
        if not isinstance(payload, Mapping):
            return None
        payload = payload.get(key)
    return payload


def action_command(
    action: Mapping[str, Any], actor: Actor, place: ReplyPlace, names: Mapping[str, str]
) -> c.Command | None:
    """A button or select in one of our messages -> the command it stands for."""
    action_id = str(action.get("action_id", "")).split(":")[0]
    value = str(action.get("value", ""))
    context = place.encode()
    try:
        if action_id in (ACTION_FAQ_HELPED, ACTION_FAQ_HUMAN):
            return c.FaqFeedback(
                actor=actor,
                query_id=int(value),
                helped=action_id == ACTION_FAQ_HELPED,
                reply_context=context,
            )
        if action_id == ACTION_FAQ_PICK:
            query_id, _, entry_id = value.partition(":")
            return c.ChooseSuggestion(
                actor=actor, query_id=int(query_id), entry_id=entry_id, reply_context=context
            )
        if action_id == ACTION_RATE:
            rated, _, score = value.partition(":")
            return c.Rate(actor=actor, number=int(rated), score=int(score), reply_context=context)
        if action_id == ACTION_CLAIM:
            return c.Claim(actor=actor, number=int(value), reply_context=context)
        if action_id == ACTION_RESOLVE:
            return c.Resolve(actor=actor, number=int(value), reply_context=context)
        if action_id == ACTION_REOPEN:
            return c.Reopen(actor=actor, number=int(value), reply_context=context)
        if action_id == ACTION_ASSIGN:
            number = int(str(action.get("block_id", "")).rpartition(":")[2])
            user_id = str(action.get("selected_user", ""))
            if not user_id:
                return None
            assignee = Actor(
                platform=PLATFORM,
                user_id=user_id,
                display_name=names.get(user_id, user_id),
                is_agent=True,
            )
            return c.Assign(actor=actor, number=number, assignee=assignee, reply_context=context)
        if action_id == ACTION_PRIORITY:
            selected = _dig(action, "selected_option", "value") or ""
            number_text, _, priority = str(selected).partition(":")
            return c.SetPriority(
                actor=actor,
                number=int(number_text),
                priority=Priority(priority),
                reply_context=context,
            )
    except ValueError:
        return None
    return None


def modal_view(lang: str, source: str = "") -> dict[str, Any]:
    """The triage modal of `/ticket` without text: description, category, urgency."""

    def option(text: str, value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": text}, "value": value}

    categories = [option(t(lang, f"category.{name}"), name) for name in CATEGORIES]
    priorities = [option(t(lang, f"priority.{p.value}"), p.value) for p in Priority]
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "private_metadata": source,
        "title": {"type": "plain_text", "text": clip(t(lang, "modal.title"), 24)},
        "submit": {"type": "plain_text", "text": t(lang, "modal.submit")},
        "close": {"type": "plain_text", "text": t(lang, "modal.cancel")},
        "blocks": [
            {
                "type": "input",
                "block_id": "text",
                "label": {"type": "plain_text", "text": t(lang, "modal.text")},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "multiline": True,
                    "max_length": 3000,
                },
            },
            {
                "type": "input",
                "block_id": "category",
                "label": {"type": "plain_text", "text": t(lang, "card.category")},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": categories,
                    "initial_option": categories[0],
                },
            },
            {
                "type": "input",
                "block_id": "urgency",
                "label": {"type": "plain_text", "text": t(lang, "modal.urgency")},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": priorities,
                    "initial_option": priorities[1],
                },
            },
        ],
    }


def modal_command(view: Mapping[str, Any], actor: Actor) -> c.OpenTicket | None:
    """The submitted triage modal -> a new ticket with its category and priority."""
    values = _dig(view, "state", "values")

    def selected(block: str) -> str | None:
        chosen = _dig(values, block, "value", "selected_option", "value")
        return chosen if isinstance(chosen, str) else None

    typed = _dig(values, "text", "value", "value")
    text = typed if isinstance(typed, str) else ""
    category = selected("category")
    try:
        priority = Priority(selected("urgency") or Priority.NORMAL.value)
    except ValueError:
        priority = Priority.NORMAL
    return c.OpenTicket(
        actor=actor,
        text=text,
        category=category if category in CATEGORIES else None,
        priority=priority,
    )


# outbound


@dataclass(frozen=True)
class SlackMessage:
    """A message body for chat.postMessage / chat.update / chat.postEphemeral."""

    text: str
    blocks: list[dict[str, Any]] | None = None

    def kwargs(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": clip(self.text, TEXT_LIMIT)}
        if self.blocks is not None:
            body["blocks"] = self.blocks
        return body


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, 75)},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _plain(lang: str, payload: Payload) -> str:
    """The catalog's plain-text rendering, escaped for mrkdwn."""
    return escape(render_payload(lang, payload))


def _faq_answer(lang: str, payload: FaqAnswer) -> SlackMessage:
    answer = markdown_to_mrkdwn(payload.answer)
    title = f"*{escape(payload.title)}*"
    return SlackMessage(
        text=f"{escape(payload.title)}\n{answer}",
        blocks=[
            _section(f"{title}\n{answer}"),
            {
                "type": "actions",
                "block_id": f"faq:{payload.query_id}",
                "elements": [
                    _button(
                        t(lang, "faq.button.helped"),
                        ACTION_FAQ_HELPED,
                        str(payload.query_id),
                        "primary",
                    ),
                    _button(t(lang, "faq.button.human"), ACTION_FAQ_HUMAN, str(payload.query_id)),
                ],
            },
        ],
    )


def _faq_suggestions(lang: str, payload: FaqSuggestions) -> SlackMessage:
    buttons = [
        _button(
            option.title,
            f"{ACTION_FAQ_PICK}:{index}",
            f"{payload.query_id}:{option.entry_id}",
        )
        for index, option in enumerate(payload.options)
    ]
    buttons.append(_button(t(lang, "faq.button.human"), ACTION_FAQ_HUMAN, str(payload.query_id)))
    return SlackMessage(
        text=_plain(lang, payload),
        blocks=[
            _section(escape(t(lang, "faq.suggest_intro"))),
            {"type": "actions", "block_id": f"faq:{payload.query_id}", "elements": buttons},
        ],
    )


def _faq_no_match(lang: str, payload: FaqNoMatch) -> SlackMessage:
    text = escape(t(lang, "faq.no_match"))
    return SlackMessage(
        text=text,
        blocks=[
            _section(text),
            {
                "type": "actions",
                "block_id": f"faq:{payload.query_id}",
                "elements": [
                    _button(
                        t(lang, "faq.button.open_ticket"),
                        ACTION_FAQ_HUMAN,
                        str(payload.query_id),
                        "primary",
                    )
                ],
            },
        ],
    )


def _rating(lang: str, payload: TicketResolved) -> SlackMessage:
    text = _plain(lang, payload)
    return SlackMessage(
        text=text,
        blocks=[
            _section(text),
            {
                "type": "actions",
                "block_id": f"rate:{payload.ticket_number}",
                "elements": [
                    _button(
                        "★" * score,
                        f"{ACTION_RATE}:{score}",
                        f"{payload.ticket_number}:{score}",
                    )
                    for score in range(1, 6)
                ],
            },
        ],
    )


def card_message(lang: str, card: TicketCard) -> SlackMessage:
    """The agents' card: number, requester, text, fields, what changed, and controls."""
    view = card.ticket
    title = t(lang, "card.title", number=view.number, subject=view.subject)
    fields = card_fields(lang, view)
    values = [escape(value) for _label, value in fields]
    values[0] = mention(view.requester_user_id)
    if view.assignee_user_id:
        values[1] = mention(view.assignee_user_id)
    if view.source_link:
        values[-1] = f"<{escape(view.source_link)}|{escape(t(lang, 'card.open_link'))}>"
    blocks: list[dict[str, Any]] = [
        _section(f"*{escape(title)}*"),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": clip(f"*{escape(label)}*\n{value}", 2000)}
                for (label, _), value in zip(fields, values, strict=True)
            ][:10],
        },
    ]
    quoted = "\n".join(f"> {line}" for line in escape(view.text).splitlines()) or ">"
    blocks.append(_section(quoted))
    context = [escape(card_change(lang, card))]
    if view.delivery_problem:
        context.append(
            ":warning: " + escape(t(lang, "card.delivery_problem", reason=view.delivery_problem))
        )
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": clip(" · ".join(context), 2000)}],
        }
    )
    number = str(view.number)
    controls: list[dict[str, Any]] = []
    if view.state is TicketState.OPEN:
        controls.append(_button(t(lang, "button.claim"), ACTION_CLAIM, number, "primary"))
    if view.state.is_active:
        controls.append(_button(t(lang, "button.resolve"), ACTION_RESOLVE, number))
        controls.append(
            {
                "type": "users_select",
                "action_id": ACTION_ASSIGN,
                "placeholder": {"type": "plain_text", "text": t(lang, "button.assign")},
            }
        )
        controls.append(
            {
                "type": "static_select",
                "action_id": ACTION_PRIORITY,
                "placeholder": {"type": "plain_text", "text": t(lang, "button.priority")},
                "options": [
                    {
                        "text": {"type": "plain_text", "text": t(lang, f"priority.{p.value}")},
                        "value": f"{number}:{p.value}",
                    }
                    for p in Priority
                ],
            }
        )
    else:
        controls.append(_button(t(lang, "button.reopen"), ACTION_REOPEN, number))
    blocks.append({"type": "actions", "block_id": f"card:{number}", "elements": controls})
    summary = (
        f"{escape(title)} · {mention(view.requester_user_id)} · "
        f"{escape(t(lang, f'state.{view.state.value}'))}"
    )
    return SlackMessage(text=summary, blocks=blocks)


def _with_files(text: str, attachments: tuple[str, ...]) -> str:
    links = [f"<{escape(url)}>" for url in attachments if url.startswith("http")]
    return "\n".join([text, *links]) if links else text


def relay_message(lang: str, relay: Relay) -> SlackMessage:
    text = escape(
        t(
            lang,
            "relay.from_agent" if relay.author_role == "agent" else "relay.from_requester",
            agent=relay.author_name,
            name=relay.author_name,
            number=relay.ticket_number,
            text=relay.text,
        )
    )
    return SlackMessage(text=_with_files(text, relay.attachments))


def relay_edited_message(lang: str, edited: RelayEdited) -> SlackMessage:
    """The new body of a relayed copy after its author edited or deleted the original."""
    if edited.deleted:
        body = t(lang, "relay.deleted_mark")
    else:
        body = f"{edited.text} {t(lang, 'relay.edited_mark')}"
    key = "relay.from_agent" if edited.author_role == "agent" else "relay.from_requester"
    text = t(
        lang,
        key,
        agent=edited.author_name,
        name=edited.author_name,
        number=edited.ticket_number,
        text=body,
    )
    return SlackMessage(text=escape(text))


def ticket_list_message(lang: str, payload: TicketList) -> SlackMessage:
    lines = [f"*{escape(t(lang, payload.title_key))}*"]
    lines += [f"• {escape(line)}" for line in list_lines(lang, payload.tickets)]
    return SlackMessage(text="\n".join(lines))


def home_view(lang: str, tickets: tuple[TicketView, ...]) -> dict[str, Any]:
    """The App Home tab: the person's tickets."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": clip(t(lang, "list.status"), 150)},
        }
    ]
    if not tickets:
        blocks.append(_section(escape(t(lang, "list.empty"))))
    for view in tickets[:40]:
        line = t(
            lang,
            "list.item",
            number=view.number,
            state=t(lang, f"state.{view.state.value}"),
            subject=view.subject,
        )
        detail = view.assignee_name or t(lang, "card.nobody")
        blocks.append(
            _section(f"*{escape(line)}*\n{escape(t(lang, 'card.assignee'))}: {escape(detail)}")
        )
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": escape(t(lang, "home.hint"))}],
        }
    )
    return {"type": "home", "blocks": blocks}


def message_for(event: Event) -> SlackMessage:
    """Any event as a Slack message in the event's language."""
    lang = event.lang
    payload = event.payload
    if isinstance(payload, FaqAnswer):
        return _faq_answer(lang, payload)
    if isinstance(payload, FaqSuggestions):
        return _faq_suggestions(lang, payload)
    if isinstance(payload, FaqNoMatch):
        return _faq_no_match(lang, payload)
    if isinstance(payload, TicketCard):
        return card_message(lang, payload)
    if isinstance(payload, Relay):
        return relay_message(lang, payload)
    if isinstance(payload, RelayEdited):
        return relay_edited_message(lang, payload)
    if isinstance(payload, TicketResolved):
        return _rating(lang, payload)
    if isinstance(payload, TicketList):
        return ticket_list_message(lang, payload)
    if isinstance(payload, Notice):
        prefix = ":warning: " if payload.error else ""
        return SlackMessage(text=prefix + _plain(lang, payload))
    return SlackMessage(text=_plain(lang, payload))


def refusal_text(lang: str, refusal: Refusal) -> str:
    return escape(t(lang, refusal.key, **refusal.params))


# Web API errors

PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "account_inactive",
        "not_in_channel",
        "user_not_found",
        "user_not_in_channel",
        "user_disabled",
        "cannot_dm_bot",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
        "invalid_blocks_format",
        "no_text",
        "team_access_not_granted",
    }
)


def retry_after_seconds(header: str | None, default: float = 1.0) -> float:
    """Retry-After is whole seconds per Slack's docs; be lenient with odd values."""
    try:
        return max(0.0, float(header)) if header is not None else default
    except ValueError:
        return default
