"""Telegram updates -> core commands (or the adapter's own dialog steps). Pure functions.

The I/O layer (handlers.py) looks up what needs the network or the database (is
this user an agent, which ticket is this topic) and passes the answers in;
everything here is a function of its arguments.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import Message, Update, User
from aiogram.types.update import UpdateTypeLookupError

from adapters.common.grammar import PersonLookup, Surface, note_text, parse
from adapters.common.refusal import Refusal, unknown_command
from adapters.common.triage import PendingTriage
from adapters.telegram import PLATFORM
from adapters.telegram.dialog import Action, ChooseLanguage, Greet, TriageCancel
from adapters.telegram.places import Place, message_ref
from core import commands as c
from core.domain import Actor, normalize_lang


def known_update(data: Any) -> bool:
    """Whether a webhook body is an update of a kind aiogram handles (pydantic's
    ValidationError for one that is no update at all)."""
    try:
        _ = Update.model_validate(data).event_type
    except UpdateTypeLookupError:
        return False
    return True


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
    """What the message says in words, with what can be said in words (a sticker's
    emoji, a place as a map link, a contact) written out."""
    text = message.text or message.caption or ""
    shown = shown_as_text(message)
    return f"{text}\n{shown}".strip() if text and shown else text or shown


def shown_as_text(message: Message) -> str:
    if message.sticker is not None and message.sticker.emoji:
        return message.sticker.emoji
    if message.venue is not None:
        where = message.venue.location
        return f"📍 {message.venue.title}, {message.venue.address}\n{map_link(where.latitude, where.longitude)}"
    if message.location is not None:
        return f"📍 {map_link(message.location.latitude, message.location.longitude)}"
    if message.contact is not None:
        contact = message.contact
        name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
        return f"👤 {name}, {contact.phone_number}"
    return ""


def map_link(latitude: float, longitude: float) -> str:
    """A link any client opens as a map (OpenStreetMap needs no account)."""
    lat, lon = f"{latitude:.6f}", f"{longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def attachments_of(message: Message) -> tuple[str, ...]:
    """Files as `kind:file_id`: sent on by file id, never downloaded."""
    found: list[str] = []
    if message.photo:
        found.append(f"photo:{message.photo[-1].file_id}")
    if message.animation is not None:
        # Telegram also fills `document` for an animation (https://core.telegram.org/bots/api#message).
        return (f"animation:{message.animation.file_id}",)
    for kind in ("document", "voice", "video", "audio", "video_note"):
        item = getattr(message, kind, None)
        if item is not None:
            found.append(f"{kind}:{item.file_id}")
    return tuple(found)


NOT_PASSED_ON = ("poll", "dice", "sticker", "game", "story", "paid_media", "invoice")
"""Content that has no words and no file another chat could show."""


def not_passed_on(message: Message) -> Refusal | None:
    """A plain answer to content that cannot be passed on (a poll, a dice roll, a sticker
    without an emoji), so the sender knows it did not get through."""
    if text_of(message).strip() or attachments_of(message):
        return None
    for kind in NOT_PASSED_ON:
        if getattr(message, kind, None) is not None:
            return Refusal(
                f"telegram.not_passed_on.{kind if kind in ('poll', 'dice') else 'other'}"
            )
    return None


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
REQUESTER_WORDS = frozenset({"start", "ticket", "new", "status", "lang", "link", "unlink"})


def parse_private(
    message: Message,
    actor: Actor,
    *,
    bot_username: str | None,
    triage: PendingTriage | None,
    ticket: int | None = None,
) -> Action | None:
    """A message in the private chat with the bot; `ticket`: the ticket of the message it
    replies to (a reply goes to that ticket)."""
    ctx = place_of(message).encode()
    text = text_of(message)
    attachments = attachments_of(message)
    captioned = split_command(message.caption, bot_username) if message.caption else None
    if captioned is not None and captioned[0] == "/ticket":
        # `/ticket TEXT` as a file's caption: the ticket carries the file. Other captions
        # are words, even when they start with "/" (a path, say).
        return c.OpenTicket(
            actor=actor, reply_context=ctx, text=captioned[1], attachments=attachments, triage=True
        )
    parsed = split_command(text, bot_username) if message.text else None
    if parsed is None:
        if not text.strip() and not attachments:
            return not_passed_on(message)  # None: a service message, nothing to say
        if triage is not None and triage.step == "text" and (text.strip() or attachments):
            return triage.describe(actor, ctx, text, attachments)
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
        return c.Triage(actor=actor, reply_context=ctx)
    if word == "lang" and not rest:
        return ChooseLanguage()
    if word == "cancel" and not rest and triage is not None and triage.ticket is None:
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
            ref = message_ref(message.chat.id, message.message_id)
            return c.Note(
                actor=actor, reply_context=ctx, number=ticket, text=note, platform_message_id=ref
            )
        attachments = attachments_of(message)
        if not text.strip() and not attachments:
            return not_passed_on(message)
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
    """An edited message; in the agents' group, an edit into a note (`note: …`) is one."""
    if message.location is not None:
        return None  # a live location moving: the link already sent stays as it was
    text = text_of(message)
    if not text.strip():
        return None
    note = note_text(text) if message.chat.type != "private" else None
    return c.EditMessage(
        actor=actor,
        reply_context=place_of(message).encode(),
        platform_message_id=message_ref(message.chat.id, message.message_id),
        text=text if note is None else note,
        as_note=note is not None,
    )
