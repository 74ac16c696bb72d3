"""Following the agents' group when Telegram turns it into a supergroup.

Telegram gives the supergroup a new chat id and answers every call to the old one
with `migrate_to_chat_id` (https://core.telegram.org/bots/api#responseparameters).
The adapter moves to the new id at once, remembers the move (so a restart with the
old TELEGRAM_AGENTS_CHAT_ID still finds the group) and tells the admin to update
the setting.
"""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramAPIError, TelegramMigrateToChat

from adapters.telegram.facts import ChatFacts
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

_KIND = "migrated"  # refs: old chat id -> the supergroup it became


async def follow(facts: ChatFacts, refs: RefStore, old: int, new: int) -> bool:
    """Move to `new` if `old` is the agents' group; False when it is some other chat."""
    if facts.agents_chat_id != old or old == new:
        return False
    await refs.put(_KIND, str(old), str(new))
    facts.move_to(new)
    _warn(old, new)
    return True


async def restore(facts: ChatFacts, refs: RefStore) -> None:
    """At start: the configured group may have moved since it was written down (a move
    seen before, remembered in refs; one never seen is learned from the first call that
    meets it, see `follow`)."""
    configured = facts.agents_chat_id
    if configured is None:
        return
    current, seen = configured, {configured}
    while (moved := await refs.get(_KIND, str(current))) is not None and int(moved) not in seen:
        current = int(moved)
        seen.add(current)
    if current != configured:
        facts.move_to(current)
        _warn(configured, current)
    try:
        await facts.bot.get_chat(current)
    except TelegramMigrateToChat as error:
        await follow(facts, refs, current, error.migrate_to_chat_id)
    except TelegramAPIError:
        pass  # the start's own check of the group names the problem


def _warn(old: int, new: int) -> None:
    log.warning(
        "telegram: the agents' group %s became the supergroup %s and is followed there; "
        "set TELEGRAM_AGENTS_CHAT_ID=%s",
        old,
        new,
        new,
    )
