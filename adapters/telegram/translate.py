"""Telegram updates -> core commands, and core events -> Telegram messages. Pure functions.

The I/O layer (handlers.py, sender.py) looks up what needs the network or the
database (is this user an agent, which ticket is this topic) and passes the
answers in; everything here is a function of its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import Message, MessageReactionUpdated, ReactionTypeEmoji, User

from adapters.common.grammar import PersonLookup, Surface, note_text, parse
from adapters.common.refusal import Refusal, unknown_command
from adapters.telegram.markup import CAPTION_LIMIT, Rich, shorten
from core import commands as c
from core.domain import SUPPORTED_LANGUAGES, Actor, Priority, TicketState, normalize_lang
from core.events import (
    FaqAnswer,
    FaqNoMatch,
    FaqSuggestions,
    Notice,
    Payload,
    Relay,
    RelayEdited,
    TicketCard,
    TicketList,
    TicketOpened,
    TicketResolved,
    TicketView,
)
from core.i18n import t, t_first
from core.presenter import card_change, card_fields, list_lines, notice_text

PLATFORM = "telegram"
CLAIM_EMOJI = "👀"
RESOLVE_EMOJI = "👌"  # Telegram's reaction set has no ✅
NOTE_EMOJI = "✍"
CARD_TEXT_LIMIT = 3000  # the card keeps room for its fields under the 4096 limit
TOPIC_NAME_LIMIT = 128
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "ru": "Русский"}


# where things are


@dataclass(frozen=True)
class Place:
    """A spot in Telegram: a chat, optionally a forum topic and a message to reply to.

    Encoded into a command's `reply_context` so the desk's answer to an actor goes
    back where they wrote.
    """

    chat_id: int
    thread_id: int | None = None
    reply_to: int | None = None

    def encode(self) -> str:
        return f"{self.chat_id}/{self.thread_id or ''}/{self.reply_to or ''}"

    @classmethod
    def decode(cls, value: str | None) -> Place | None:
        if not value:
            return None
        parts = value.split("/")
        try:
            chat_id = int(parts[0])
            thread_id = int(parts[1]) if len(parts) > 1 and parts[1] else None
            reply_to = int(parts[2]) if len(parts) > 2 and parts[2] else None
        except ValueError:
            return None
        return cls(chat_id, thread_id, reply_to)


def message_ref(chat_id: int, message_id: int) -> str:
    """How a Telegram message is named in the core and in refs: `chat_id:message_id`."""
    return f"{chat_id}:{message_id}"


def parse_message_ref(value: str) -> tuple[int, int] | None:
    chat, _, message = value.partition(":")
    try:
        return int(chat), int(message.split(":", 1)[0])
    except ValueError:
        return None


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


# adapter-side dialog steps (no state change in the desk)


@dataclass(frozen=True)
class Greet:
    pass


@dataclass(frozen=True)
class ChooseLanguage:
    pass


@dataclass(frozen=True)
class TriageStart:
    pass


@dataclass(frozen=True)
class TriageCategory:
    category: str


@dataclass(frozen=True)
class TriagePriority:
    priority: Priority


@dataclass(frozen=True)
class TriageCancel:
    pass


@dataclass(frozen=True)
class Triage:
    """A `/ticket` without text in progress: what was chosen so far."""

    category: str | None = None
    priority: Priority | None = None

    def encode(self) -> str:
        return f"{self.category or ''}|{self.priority.value if self.priority else ''}"

    @classmethod
    def decode(cls, value: str) -> Triage:
        category, _, priority = value.partition("|")
        try:
            level = Priority(priority) if priority else None
        except ValueError:
            level = None
        return cls(category or None, level)


UiAction = (
    Refusal | Greet | ChooseLanguage | TriageStart | TriageCategory | TriagePriority | TriageCancel
)
Action = c.Command | UiAction


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
REQUESTER_WORDS = frozenset({"start", "ticket", "status", "lang"})


def parse_private(
    message: Message, actor: Actor, *, bot_username: str | None, triage: Triage | None
) -> Action | None:
    """A message in the private chat with the bot."""
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
        return actor_of(target, is_agent=True)

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


def parse_reaction(
    reaction: MessageReactionUpdated, actor: Actor, *, ticket: int, place: Place
) -> c.Command | None:
    """👀 added to a ticket's message claims it, 👌 resolves it; anything else is ignored."""

    def emojis(items: list[object]) -> set[str]:
        return {item.emoji for item in items if isinstance(item, ReactionTypeEmoji)}

    added = emojis(list(reaction.new_reaction)) - emojis(list(reaction.old_reaction))
    ctx = place.encode()
    if RESOLVE_EMOJI in added:
        return c.Resolve(actor=actor, reply_context=ctx, number=ticket)
    if CLAIM_EMOJI in added:
        return c.Claim(actor=actor, reply_context=ctx, number=ticket)
    return None


# inline buttons: callback data (at most 64 bytes)


def parse_callback(data: str, actor: Actor, place: Place) -> Action | None:
    kind, _, rest = data.partition(":")
    ctx = place.encode()
    args = rest.split(":")
    try:
        if kind == "fh":
            return c.FaqFeedback(actor=actor, reply_context=ctx, query_id=int(args[0]), helped=True)
        if kind == "fx":
            return c.FaqFeedback(
                actor=actor, reply_context=ctx, query_id=int(args[0]), helped=False
            )
        if kind == "fp":
            return c.ChooseSuggestion(
                actor=actor, reply_context=ctx, query_id=int(args[0]), entry_id=args[1]
            )
        if kind == "lg":
            return c.SetLanguage(actor=actor, reply_context=ctx, lang=args[0])
        if kind in ("tc", "tr", "to"):
            command = {"tc": c.Claim, "tr": c.Resolve, "to": c.Reopen}[kind]
            return command(actor=actor, reply_context=ctx, number=int(args[0]))
        if kind == "rt":
            return c.Rate(actor=actor, reply_context=ctx, number=int(args[0]), score=int(args[1]))
        if kind == "tg":
            if args[0] == "c":
                return TriageCategory(args[1])
            if args[0] == "p":
                return TriagePriority(Priority(args[1]))
            return TriageCancel()
    except (ValueError, IndexError):
        return None
    return None


# core events -> Telegram messages


@dataclass(frozen=True)
class Button:
    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class OutMessage:
    """One message to send: HTML pieces (each under the limit), buttons on the last."""

    chunks: tuple[str, ...]
    keyboard: Keyboard = ()


def _out(rich: Rich, keyboard: Keyboard = ()) -> OutMessage:
    return OutMessage(tuple(rich.chunks()), keyboard)


def plain(text: str, keyboard: Keyboard = ()) -> OutMessage:
    return _out(Rich().add(text), keyboard)


def faq_keyboard(lang: str, query_id: int) -> Keyboard:
    return (
        (
            Button(t(lang, "faq.button.helped"), f"fh:{query_id}"),
            Button(t(lang, "faq.button.human"), f"fx:{query_id}"),
        ),
    )


def _fits(data: str) -> bool:
    return len(data.encode()) <= 64


def render_payload(lang: str, payload: Payload) -> OutMessage:
    """Any event for a person or for the agents' thread, except the card."""
    if isinstance(payload, FaqAnswer):
        rich = Rich().add(payload.title, "bold").add("\n\n").markdown(payload.answer)
        rich.line().line(t(lang, "faq.did_it_help"), "italic")
        return _out(rich, faq_keyboard(lang, payload.query_id))
    if isinstance(payload, FaqSuggestions):
        rows = [
            (Button(shorten(option.title, 60), data),)
            for option in payload.options
            if _fits(data := f"fp:{payload.query_id}:{option.entry_id}")
        ]
        rows.append((Button(t(lang, "faq.button.human"), f"fx:{payload.query_id}"),))
        return _out(Rich().add(t(lang, "faq.suggest_intro")), tuple(rows))
    if isinstance(payload, FaqNoMatch):
        button = Button(t(lang, "faq.button.open_ticket"), f"fx:{payload.query_id}")
        return _out(Rich().add(t(lang, "faq.no_match")), ((button,),))
    if isinstance(payload, TicketOpened):
        view = payload.ticket
        text = t(lang, "ticket.opened", number=view.number, subject=view.subject)
        return _out(Rich().add(text))
    if isinstance(payload, Relay):
        return _out(relay_rich(lang, payload))
    if isinstance(payload, RelayEdited):
        return _out(relay_edited_rich(lang, payload))
    if isinstance(payload, TicketResolved):
        rich = Rich().add(
            t(lang, "ticket.resolved", number=payload.ticket_number, agent=payload.agent_name or "")
        )
        rich.line(t(lang, "ticket.rate_prompt"))
        stars = tuple(
            Button(f"{score}⭐", f"rt:{payload.ticket_number}:{score}") for score in range(1, 6)
        )
        return _out(rich, (stars,))
    if isinstance(payload, TicketList):
        rich = Rich().add(t(lang, payload.title_key), "bold")
        for line in list_lines(lang, payload.tickets):
            rich.line(line)
        return _out(rich)
    if isinstance(payload, TicketCard):
        return render_card(lang, payload)
    assert isinstance(payload, Notice)
    return _out(Rich().add(notice_rich_text(lang, payload)))


def notice_rich_text(lang: str, notice: Notice) -> str:
    if notice.key.startswith("help."):
        role = notice.key.rsplit(".", 1)[-1]
        return t_first(lang, [f"help.{PLATFORM}.{role}", f"help.{role}"])
    return notice_text(lang, notice, PLATFORM)


def _relay_head(lang: str, author: str, role: str, number: int) -> str:
    if role == "agent":
        return t(lang, "telegram.relay.agent_head", agent=author, number=number)
    return t(lang, "telegram.relay.requester_head", name=author, number=number)


def relay_rich(lang: str, relay: Relay) -> Rich:
    rich = Rich().add(
        _relay_head(lang, relay.author_name, relay.author_role, relay.ticket_number), "bold"
    )
    if relay.text:
        rich.line(relay.text)
    return rich


def relay_edited_rich(lang: str, edited: RelayEdited) -> Rich:
    rich = Rich().add(
        _relay_head(lang, edited.author_name, edited.author_role, edited.ticket_number), "bold"
    )
    if edited.deleted:
        return rich.line(t(lang, "relay.deleted_mark"), "italic")
    return rich.line(edited.text).add(" ").add(t(lang, "relay.edited_mark"), "italic")


def relay_caption(lang: str, relay: Relay) -> str | None:
    """The relay as a file's caption, when it fits Telegram's caption limit."""
    rich = relay_rich(lang, relay)
    return rich.html() if rich.visible_length() <= CAPTION_LIMIT else None


def topic_name(view: TicketView) -> str:
    return shorten(f"#{view.number} · {view.subject or '…'}", TOPIC_NAME_LIMIT)


def card_keyboard(lang: str, view: TicketView) -> Keyboard:
    if view.state is TicketState.OPEN:
        return (
            (
                Button(t(lang, "button.claim"), f"tc:{view.number}"),
                Button(t(lang, "button.resolve"), f"tr:{view.number}"),
            ),
        )
    if view.state is TicketState.CLAIMED:
        return ((Button(t(lang, "button.resolve"), f"tr:{view.number}"),),)
    return ((Button(t(lang, "button.reopen"), f"to:{view.number}"),),)


def render_card(lang: str, card: TicketCard) -> OutMessage:
    """The agents' card: one message, edited in place on every change."""
    view = card.ticket
    rich = Rich().add(t(lang, "card.title", number=view.number, subject=view.subject), "bold")
    rich.line(card_change(lang, card), "italic")
    for name, value in card_fields(lang, view):
        rich.line(f"{name}: ", "bold").add(value)
    if view.delivery_problem:
        rich.line("⚠️ " + t(lang, "card.delivery_problem", reason=view.delivery_problem), "bold")
    rich.line().line(shorten(view.text, CARD_TEXT_LIMIT), "blockquote")
    rich.line(t(lang, "telegram.card.hint", claim=CLAIM_EMOJI, resolve=RESOLVE_EMOJI), "italic")
    chunks = rich.chunks()
    return OutMessage((chunks[0],), card_keyboard(lang, view))


def card_overflow(lang: str, view: TicketView) -> OutMessage | None:
    """The ticket's whole text when the card had to cut it."""
    if len(view.text) <= CARD_TEXT_LIMIT:
        return None
    title = t(lang, "card.title", number=view.number, subject=view.subject)
    return _out(Rich().add(title, "bold").line(view.text))


def change_line(lang: str, card: TicketCard) -> OutMessage:
    """A short line in the ticket's thread saying what changed on the card."""
    text = f"#{card.ticket.number}: {card_change(lang, card)}"
    if card.change == "card.change.delivery_failed" and card.ticket.delivery_problem:
        text += " — " + t(lang, "card.delivery_problem", reason=card.ticket.delivery_problem)
    return _out(Rich().add(text, "italic"))


# the adapter's own prompts


def greeting(lang: str) -> OutMessage:
    return plain(t(lang, "telegram.start"), language_keyboard())


def language_prompt(lang: str) -> OutMessage:
    return plain(t(lang, "telegram.lang.choose"), language_keyboard())


def language_keyboard() -> Keyboard:
    return (tuple(Button(LANGUAGE_NAMES[code], f"lg:{code}") for code in SUPPORTED_LANGUAGES),)


def triage_category_prompt(lang: str, categories: tuple[str, ...]) -> OutMessage:
    rows = [
        (Button(_category_name(lang, category), f"tg:c:{category}"),)
        for category in categories
        if _fits(f"tg:c:{category}")
    ]
    rows.append((Button(t(lang, "telegram.triage.cancel_button"), "tg:x"),))
    return plain(t(lang, "telegram.triage.category"), tuple(rows))


def _category_name(lang: str, category: str) -> str:
    key = f"category.{category}"
    text = t(lang, key)
    return category if text == key else text


def triage_priority_prompt(lang: str) -> OutMessage:
    row = tuple(Button(t(lang, f"priority.{p.value}"), f"tg:p:{p.value}") for p in Priority)
    cancel = (Button(t(lang, "telegram.triage.cancel_button"), "tg:x"),)
    return plain(t(lang, "telegram.triage.priority"), (row, cancel))


def triage_describe_prompt(lang: str, triage: Triage) -> OutMessage:
    return plain(
        t(
            lang,
            "telegram.triage.describe",
            category=_category_name(lang, triage.category or "general"),
            priority=t(lang, f"priority.{(triage.priority or Priority.NORMAL).value}"),
        )
    )


# the command menus (setMyCommands)

PRIVATE_COMMANDS = ("start", "ticket", "status", "cancel", "lang", "help")
AGENT_COMMANDS = ("queue", "mine", "claim", "resolve", "assign", "help")


def command_menu(lang: str, names: tuple[str, ...], audience: str) -> list[tuple[str, str]]:
    return [(name, t(lang, f"telegram.cmd.{audience}.{name}")) for name in names]
