"""aiogram routers: each update is translated to a command and stored for the desk.

Nothing is sent from here except the adapter's own prompts (greeting, language
and triage menus, usage hints) and callback answers; everything the desk says
goes through the outbox and the sender. The update id is the inbox's dedupe
key, so a redelivered update changes nothing.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import NextMiddlewareType
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    CallbackQuery,
    Message,
    MessageReactionUpdated,
    ReplyParameters,
    TelegramObject,
    Update,
    User,
)

from adapters.common.assignee import with_checked_assignee
from adapters.common.refusal import Refusal
from adapters.common.triage import PendingTriage
from adapters.telegram import PLATFORM, migration
from adapters.telegram.buttons import parse_callback
from adapters.telegram.dialog import (
    Action,
    ChooseLanguage,
    ClassifyMenu,
    Greet,
    TriageCancel,
    TriagePick,
)
from adapters.telegram.facts import ChatFacts
from adapters.telegram.inbound import (
    actor_of,
    parse_agents,
    parse_edit,
    parse_private,
    place_of,
    topic_thread,
)
from adapters.telegram.places import Place, message_ref
from adapters.telegram.posting import markup, topic_in, topic_value
from adapters.telegram.reactions import parse_reaction
from adapters.telegram.render import (
    OutMessage,
    classify_menu,
    greeting,
    language_prompt,
    plain,
)
from core import commands as c
from core.desk import InboundKey
from core.domain import Actor, PersonRef, normalize_lang
from core.i18n import t
from core.inbox import Intake
from core.queries import person_language
from core.storage.db import Database
from core.storage.refs import RefStore

_Next = NextMiddlewareType[TelegramObject]  # the rest of the chain

log = logging.getLogger(__name__)


@dataclass
class TelegramDeps:
    """What the handlers need, injected by the composition root."""

    intake: Intake
    db: Database
    refs: RefStore
    facts: ChatFacts
    default_lang: str
    teams: tuple[str, ...] = ()  # the service's teams, offered by the card's Classify menu

    @property
    def agents_chat_id(self) -> int | None:
        return self.facts.agents_chat_id


class SeenUpdates:
    """Drops an update id seen moments ago before any work is done.

    The database is the real dedupe (the inbox records every update id); this
    also covers the adapter's own prompts, which never reach the desk.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def __call__(self, handler: _Next, event: TelegramObject, data: dict[str, Any]) -> Any:
        update = data.get("event_update")
        if not isinstance(update, Update):
            return await handler(event, data)
        if update.update_id in self._seen:
            log.info("update %s seen already; skipped", update.update_id)
            return None
        self._seen[update.update_id] = None
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
        try:
            return await handler(event, data)
        except BaseException:
            # Not handled after all (e.g. the database was down): Telegram's
            # redelivery, or the polling loop's next try, must get through.
            self._seen.pop(update.update_id, None)
            raise


class _Handlers:
    def __init__(self, deps: TelegramDeps) -> None:
        self.deps = deps

    # helpers

    async def lang_of(self, user: User) -> str:
        fallback = normalize_lang(user.language_code) or self.deps.default_lang
        return await person_language(self.deps.db, PersonRef(PLATFORM, str(user.id)), fallback)

    async def say(self, bot: Bot, place: Place, out: OutMessage) -> Message | None:
        """The adapter's own answer; a failure is logged, the update still counts as handled."""
        try:
            sent: Message | None = None
            for index, chunk in enumerate(out.chunks):
                last = index == len(out.chunks) - 1
                sent = await bot.send_message(
                    chat_id=place.chat_id,
                    text=chunk,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=place.thread_id,
                    reply_parameters=(
                        ReplyParameters(message_id=place.reply_to, allow_sending_without_reply=True)
                        if place.reply_to and index == 0
                        else None
                    ),
                    reply_markup=markup(out.keyboard) if last else None,
                )
            return sent
        except TelegramAPIError as error:
            log.warning("could not answer in chat %s: %s", place.chat_id, error)
            return None

    async def replace(
        self, bot: Bot, message: Message | None, place: Place, out: OutMessage
    ) -> None:
        """Turn a menu into its next step in place, or send it anew."""
        if message is not None and isinstance(message, Message):
            try:
                await bot.edit_message_text(
                    chat_id=message.chat.id,
                    message_id=message.message_id,
                    text=out.chunks[0],
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup(out.keyboard),
                )
                return
            except TelegramAPIError as error:
                log.info("menu not edited (%s); sending a new one", error)
        await self.say(bot, place, out)

    async def close_menu(self, bot: Bot, menu: Message | None) -> None:
        """A menu that was answered loses its buttons (the desk's next step follows)."""
        if menu is None:
            return
        try:
            await bot.edit_message_reply_markup(
                chat_id=menu.chat.id, message_id=menu.message_id, reply_markup=None
            )
        except TelegramAPIError as error:
            log.info("menu buttons not removed: %s", error)

    async def submit(self, command: c.Command, update: Update) -> None:
        command = await with_checked_assignee(command, self._is_agent)
        new = await self.deps.intake.submit(command, InboundKey(PLATFORM, str(update.update_id)))
        if not new:
            log.info("update %s was handled before", update.update_id)

    async def agent(self, user: User) -> Actor:
        """Someone acting in an agents' group: an agent of the teams whose group they are in."""
        teams = await self.deps.facts.teams_of(user.id)
        return replace(actor_of(user, is_agent=True), teams=teams or None)

    async def _is_agent(self, user_id: str) -> bool:
        return user_id.isdigit() and await self.deps.facts.is_agent(int(user_id))

    async def act(
        self,
        action: Action | None,
        *,
        bot: Bot,
        user: User,
        place: Place,
        update: Update,
        menu: Message | None = None,
    ) -> None:
        if action is None:
            return
        if isinstance(action, c.Command):
            await self.submit(action, update)
            return
        lang = await self.lang_of(user)
        refs = self.deps.refs
        if isinstance(action, Greet):
            await self.say(bot, place, greeting(lang))
        elif isinstance(action, ChooseLanguage):
            await self.say(bot, place, language_prompt(lang))
        elif isinstance(action, Refusal):
            await self.say(bot, place, plain(t(lang, action.key, **action.params)))
        elif isinstance(action, TriagePick):
            pending = PendingTriage.decode(await refs.get("triage", str(user.id)))
            current = (
                pending is not None
                and pending.step == action.step
                and pending.ticket == action.ticket
            )
            command = (
                pending.pick(action.actor, action.context, action.index)
                if pending is not None and current
                else None
            )
            if command is None:
                key = (
                    "telegram.triage.expired" if action.ticket is None else "telegram.triage.closed"
                )
                await self.replace(bot, menu, place, plain(t(lang, key)))
                return
            await self.close_menu(bot, menu)
            await self.submit(command, update)
        elif isinstance(action, TriageCancel):
            await refs.delete("triage", str(user.id))
            await self.replace(bot, menu, place, plain(t(lang, "telegram.triage.cancelled")))
        elif isinstance(action, ClassifyMenu) and action.actor.is_agent:
            # In the card's thread; whether this agent may change the ticket is the desk's
            # call when they press a choice.
            await self.say(bot, place, classify_menu(lang, action.number, self.deps.teams))

    async def ticket_of(self, message: Message) -> int | None:
        """The ticket a message in the agents' group belongs to: by topic, or by reply."""
        refs = self.deps.refs
        thread = topic_thread(message)
        if thread is not None:
            stored = topic_value(message.chat.id, thread, self.deps.agents_chat_id)
            key = await refs.find_key("topic", stored)
            if key is not None:
                return int(key)
        replied = message.reply_to_message
        if replied is not None and replied.forum_topic_created is None:
            key = await refs.get("thread", message_ref(message.chat.id, replied.message_id))
            if key is not None:
                return int(key)
        return None

    async def replied_ticket(self, message: Message) -> int | None:
        """In the private chat: the ticket of the bot's message this one replies to."""
        replied = message.reply_to_message
        if replied is None:
            return None
        key = await self.deps.refs.get("thread", message_ref(message.chat.id, replied.message_id))
        return int(key) if key is not None and key.isdigit() else None

    # handlers

    async def private_message(self, message: Message, bot: Bot, event_update: Update) -> None:
        user = message.from_user
        if user is None or user.is_bot:
            return
        actor = actor_of(user, is_agent=await self.deps.facts.is_agent(user.id))
        stored = await self.deps.refs.get("triage", str(user.id))
        me = await bot.me()
        action = parse_private(
            message,
            actor,
            bot_username=me.username,
            triage=PendingTriage.decode(stored),
            ticket=await self.replied_ticket(message),
        )
        if stored is not None and isinstance(action, c.Command):
            # The description opened the ticket, or another command left the menu stale.
            await self.deps.refs.delete("triage", str(user.id))
        await self.act(action, bot=bot, user=user, place=place_of(message), update=event_update)

    async def migrated(self, message: Message) -> None:
        """The agents' group became a supergroup: Telegram says so in both chats."""
        if message.migrate_to_chat_id is not None:
            await migration.follow(
                self.deps.facts, self.deps.refs, message.chat.id, message.migrate_to_chat_id
            )
        elif message.migrate_from_chat_id is not None:
            await migration.follow(
                self.deps.facts, self.deps.refs, message.migrate_from_chat_id, message.chat.id
            )

    async def agents_message(self, message: Message, bot: Bot, event_update: Update) -> None:
        user = message.from_user
        if user is None or user.is_bot or message.sender_chat is not None:
            return  # anonymous admins post as the group: there is no agent to name
        me = await bot.me()
        action = parse_agents(
            message,
            await self.agent(user),
            bot_username=me.username,
            bot_id=me.id,
            ticket=await self.ticket_of(message),
        )
        await self.act(action, bot=bot, user=user, place=place_of(message), update=event_update)

    async def edited(self, message: Message, event_update: Update) -> None:
        user = message.from_user
        if user is None or user.is_bot:
            return
        in_agents = message.chat.id in self.deps.facts.agents_chats
        actor = (
            await self.agent(user)
            if in_agents
            else actor_of(user, is_agent=await self.deps.facts.is_agent(user.id))
        )
        command = parse_edit(message, actor)
        if command is not None:
            await self.submit(command, event_update)

    async def reaction(self, reaction: MessageReactionUpdated, event_update: Update) -> None:
        user = reaction.user
        if user is None or user.is_bot:
            return
        key = await self.deps.refs.get("thread", message_ref(reaction.chat.id, reaction.message_id))
        if key is None:
            return
        place = Place(reaction.chat.id, None, reaction.message_id)
        topic = topic_in(await self.deps.refs.get("topic", key), self.deps.agents_chat_id)
        if topic is not None and topic[0] == reaction.chat.id:
            place = Place(reaction.chat.id, topic[1], reaction.message_id)
        command = parse_reaction(reaction, await self.agent(user), ticket=int(key), place=place)
        if command is not None:
            await self.submit(command, event_update)

    async def callback(self, query: CallbackQuery, bot: Bot, event_update: Update) -> None:
        # Answer first: the button stops spinning whatever happens next.
        try:
            await query.answer()
        except TelegramAPIError as error:
            log.info("callback answer failed: %s", error)
        message = query.message
        if message is None or not query.data:
            return
        chat_id = message.chat.id
        if chat_id in self.deps.facts.agents_chats:
            is_agent = True
            thread = message.message_thread_id if isinstance(message, Message) else None
            # Answers go in the card's thread: its topic, or a reply to the card itself.
            place = Place(
                chat_id,
                thread if thread and getattr(message, "is_topic_message", False) else None,
                message.message_id,
            )
        elif message.chat.type == "private":
            is_agent = await self.deps.facts.is_agent(query.from_user.id)
            place = Place(chat_id)
        else:
            return
        actor = (
            await self.agent(query.from_user)
            if is_agent
            else actor_of(query.from_user, is_agent=False)
        )
        action = parse_callback(query.data, actor, place)
        menu = message if isinstance(message, Message) else None
        await self.act(
            action, bot=bot, user=query.from_user, place=place, update=event_update, menu=menu
        )


def build_router(deps: TelegramDeps) -> Router:
    """All of the adapter's handlers: the private chat and the agents' group."""
    handlers = _Handlers(deps)
    seen = SeenUpdates()
    root = Router(name="telegram")
    for observer in (root.message, root.edited_message, root.callback_query, root.message_reaction):
        observer.outer_middleware(seen)

    private = Router(name="telegram-private")
    private.message.filter(F.chat.type == "private")
    private.message.register(handlers.private_message)
    private.edited_message.filter(F.chat.type == "private")
    private.edited_message.register(handlers.edited)

    # The agents' groups are looked up on every update: one moves when it becomes a
    # supergroup.
    def in_agents(event: Message | MessageReactionUpdated) -> bool:
        return event.chat.id in deps.facts.agents_chats

    migrations = Router(name="telegram-migrations")
    migrations.message.filter(F.migrate_to_chat_id | F.migrate_from_chat_id)
    migrations.message.register(handlers.migrated)

    agents = Router(name="telegram-agents")
    agents.message.filter(in_agents)
    agents.message.register(handlers.agents_message)
    agents.edited_message.filter(in_agents)
    agents.edited_message.register(handlers.edited)
    agents.message_reaction.filter(in_agents)
    agents.message_reaction.register(handlers.reaction)

    root.callback_query.register(handlers.callback)
    root.include_routers(migrations, private, agents)
    return root


ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "message_reaction"]
