"""What the adapter asks Telegram about the agents' group, cached for a while.

Whether the group has topics decides topic-or-card for new tickets; membership
of the group is what makes someone an agent when they write to the bot privately.
Both change rarely, and asking on every update would spend the rate limit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

log = logging.getLogger(__name__)

MEMBER_STATUSES = {"creator", "administrator", "member"}


class ChatFacts:
    def __init__(
        self,
        bot: Bot,
        agents_chat_id: int | None,
        *,
        ttl_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.agents_chat_id = agents_chat_id
        self.ttl = ttl_seconds
        self.clock = clock
        self._forum: tuple[float, bool] | None = None
        self._agents: dict[int, tuple[float, bool]] = {}

    def move_to(self, chat_id: int) -> None:
        """The agents' group has a new id (it became a supergroup): forget what was known."""
        self.agents_chat_id = chat_id
        self._forum = None
        self._agents.clear()

    def _fresh(self, stamp: float) -> bool:
        return self.clock() - stamp < self.ttl

    async def is_forum(self) -> bool:
        """Whether the agents' supergroup has topics enabled."""
        if self.agents_chat_id is None:
            return False
        if self._forum is not None and self._fresh(self._forum[0]):
            return self._forum[1]
        chat = await self.bot.get_chat(self.agents_chat_id)
        value = bool(chat.is_forum)
        self._forum = (self.clock(), value)
        return value

    async def is_agent(self, user_id: int) -> bool:
        """Whether a user is a member of the agents' group (False when Telegram cannot say)."""
        if self.agents_chat_id is None:
            return False
        cached = self._agents.get(user_id)
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        try:
            member = await self.bot.get_chat_member(self.agents_chat_id, user_id)
        except TelegramAPIError as error:
            log.warning("cannot check membership of the agents' group: %s", error)
            return cached[1] if cached is not None else False
        status = str(getattr(member.status, "value", member.status))
        value = status in MEMBER_STATUSES or (
            status == "restricted" and bool(getattr(member, "is_member", False))
        )
        self._agents[user_id] = (self.clock(), value)
        return value
