"""One-off Bot API setup at start: the command menus, localised, per kind of chat."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import AiogramError, TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from core.domain import SUPPORTED_LANGUAGES
from core.i18n import t

log = logging.getLogger(__name__)

PRIVATE_COMMANDS = ("start", "ticket", "new", "status", "cancel", "lang", "link", "help")
AGENT_COMMANDS = ("queue", "mine", "claim", "resolve", "wait", "assign", "kind", "team", "help")


def command_menu(lang: str, names: tuple[str, ...], audience: str) -> list[tuple[str, str]]:
    return [(name, t(lang, f"telegram.cmd.{audience}.{name}")) for name in names]


async def register_commands(
    bot: Bot, agents_chat_id: int | None, default_lang: str, team_chats: Iterable[int] = ()
) -> None:
    """setMyCommands for private chats and for the agents' groups, in every language.

    The menu without a language code is what clients with another language see.
    """
    scopes: list[tuple[BotCommandScopeAllPrivateChats | BotCommandScopeChat, tuple[str, ...], str]]
    scopes = [(BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS, "private")]
    chats = sorted({*([agents_chat_id] if agents_chat_id is not None else []), *team_chats})
    for chat_id in chats:
        scopes.append((BotCommandScopeChat(chat_id=chat_id), AGENT_COMMANDS, "agents"))
    for scope, names, audience in scopes:
        for lang in (None, *SUPPORTED_LANGUAGES):
            menu = command_menu(lang or default_lang, names, audience)
            try:
                await bot.set_my_commands(
                    [BotCommand(command=name, description=text) for name, text in menu],
                    scope=scope,
                    language_code=lang,
                )
            except TelegramAPIError as error:
                log.warning("setMyCommands (%s, %s) failed: %s", audience, lang, error)


async def check_agents_chat(bot: Bot, agents_chat_id: int | None) -> list[str]:
    """Problems with the agents' group that would silently break claims and topics."""
    if agents_chat_id is None:
        return ["TELEGRAM_AGENTS_CHAT_ID is not set: tickets have nowhere to go"]
    problems: list[str] = []
    try:
        me = await bot.me()
        member = await bot.get_chat_member(agents_chat_id, me.id)
        chat = await bot.get_chat(agents_chat_id)
    except (TelegramAPIError, AiogramError) as error:
        return [f"cannot reach the agents' group {agents_chat_id}: {error}"]
    status = str(getattr(member.status, "value", member.status))
    if status not in ("administrator", "creator"):
        problems.append(
            "the bot is not an administrator of the agents' group: it will not see "
            "reactions (👀 / 👌) nor plain messages with privacy mode on"
        )
    elif chat.is_forum and not getattr(member, "can_manage_topics", False):
        problems.append("the bot lacks the 'Manage topics' right: tickets fall back to cards")
    return problems
