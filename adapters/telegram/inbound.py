"""Telegram updates -> core commands (or the adapter's own dialog steps). Pure functions.

The I/O layer (handlers.py) looks up what needs the network or the database (is
this user an agent, which ticket is this topic) and passes the answers in;
everything here is a function of its arguments.
"""

from __future__ import annotations

from aiogram.types import Message, User

from adapters.common.grammar import PersonLookup, Surface, note_text, parse
from adapters.common.refusal import unknown_command
from adapters.telegram import PLATFORM
from adapters.telegram.dialog import (
    Action,
    ChooseLanguage,
    Greet,
    Triage,
    TriageCancel,
    TriageStart,
)
from adapters.telegram.places import Place, message_ref
from core import commands as c
from core.domain import Actor, normalize_lang


def display_name(user: User) -> str:
    name = user.full_name.strip()
    return name or (f"@{user.username}" if user.username else str(user.id))


def actor_of(user: User, *, is_agent: bool) -> Actor:
    return Actor(
        platform=PLATFORM,
        user_id=str(user.id),
        display_name=display_name(user),
        is_agent=is_agent,
        locale=normalize_lang(user.language_code),
    )


def topic_thread(message: Message) -> int | None:
    """The forum topic a message was written in (None in a plain group or General)."""
    return message.message_thread_id if message.is_topic_message else None


def place_of(message: Message) -> Place:
    """Where an answer to this message belongs."""
    if message.chat.type == "private":
        return Place(message.chat.id)
    return Place(message.chat.id, topic_thread(message), message.message_id)


def text_of(message: Message) -> str:
    return message.text or message.caption or ""


def attachments_of(message: Message) -> tuple[str, ...]:
    """Files as `kind:file_id`: sent on by file id, never downloaded."""
    found: list[str] = []
    if message.photo:
        found.append(f"photo:{message.photo[-1].file_id}")
    for kind in ("document", "voice", "video", "audio"):
        item = getattr(message, kind, None)
        if item is not None:
            found.append(f"{kind}:{item.file_id}")
    return tuple(found)


def split_command(text: str, bot_username: str | None) -> tuple[str, str] | None:
    """`/cmd@bot args` -> ("/cmd", "args"); None when not a command (or for another bot)."""
    if not text.startswith("/"):
        return None
    head, _, rest = text.partition(" ")
    if "\n" in head:
        head, _, more = head.partition("\n")
        rest = f"{more}\n{rest}".strip()
    command, _, mention = head.partition("@")
    if mention and bot_username and mention.lower() != bot_username.lower():
        return None
    return command.lower(), rest.strip()


TELEGRAM = Surface(prefix="/", person="(reply to the agent's message)")
REQUESTER_WORDS = frozenset({"start", "ticket", "new", "status", "lang"})


def parse_private(
    message: Message,
    actor: Actor,
    *,
    bot_username: str | None,
    triage: Triage | None,
    ticket: int | None = None,
) -> Action | None:
    """A message in the private chat with the bot; `ticket`: the ticket of the message it
    replies to (a reply goes to that ticket)."""
    ctx = place_of(message).encode()
    text = text_of(message)
    parsed = split_command(text, bot_username) if message.text else None
    if parsed is None:
        attachments = attachments_of(message)
        if not text.strip() and not attachments:
            return None  # stickers, service messages: nothing to say
        if triage is not None and text.strip():
            return c.OpenTicket(
                actor=actor,
                reply_context=ctx,
                text=text,
                category=triage.category,
                priority=triage.priority,
            )
        return c.SendText(
            actor=actor,
            reply_context=ctx,
            text=text,
            attachments=attachments,
            platform_message_id=message_ref(message.chat.id, message.message_id),
            ticket_number=ticket,
        )
    command, rest = parsed
    word = command[1:]
    if word == "start":
        return Greet()
    if word == "ticket" and not rest:
        return TriageStart()
    if word == "lang" and not rest:
        return ChooseLanguage()
    if word == "cancel" and not rest and triage is not None:
        return TriageCancel()
    handled = parse(word, rest, actor, ctx, TELEGRAM)
    return handled or unknown_command(command)


def parse_agents(
    message: Message,
    actor: Actor,
    *,
    bot_username: str | None,
    bot_id: int,
    ticket: int | None,
) -> Action | None:
    """A message in the agents' group; `ticket` is the ticket its topic or reply belongs to."""
    ctx = place_of(message).encode()
    text = text_of(message)
    parsed = split_command(text, bot_username) if message.text else None
    if parsed is None:
        if ticket is None:
            return None  # agents talking among themselves
        note = note_text(text)
        if note is not None:
            return c.Note(actor=actor, reply_context=ctx, number=ticket, text=note)
        attachments = attachments_of(message)
        if not text.strip() and not attachments:
            return None
        return c.Reply(
            actor=actor,
            reply_context=ctx,
            number=ticket,
            text=text,
            attachments=attachments,
            platform_message_id=message_ref(message.chat.id, message.message_id),
        )
    command, rest = parsed
    word = command[1:]
    if word in REQUESTER_WORDS:
        return None  # meant for the private chat
    person = _replied_agent(message, bot_id)
    handled = parse(word, rest, actor, ctx, TELEGRAM, ticket=ticket, person=person)
    return handled or unknown_command(command)


def _replied_agent(message: Message, bot_id: int) -> PersonLookup:
    """`/assign N` names the agent by replying to one of their messages."""

    def lookup(_text: str) -> Actor | None:
        replied = message.reply_to_message
        target = replied.from_user if replied is not None else None
        if (
            replied is None
            or target is None
            or target.is_bot
            or target.id == bot_id
            or replied.forum_topic_created is not None
        ):
            return None
        return actor_of(target, is_agent=False)  # membership is checked before submitting

    return lookup


def parse_edit(message: Message, actor: Actor) -> c.EditMessage | None:
    text = text_of(message)
    if not text.strip():
        return None
    return c.EditMessage(
        actor=actor,
        reply_context=place_of(message).encode(),
        platform_message_id=message_ref(message.chat.id, message.message_id),
        text=text,
    )
