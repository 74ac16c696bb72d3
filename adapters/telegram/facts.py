"""What the adapter asks Telegram about the agents' groups, cached for a while.

Whether a group has topics decides topic-or-card for new tickets; membership of a
team's group is what makes someone an agent of that team. Both change rarely, and
asking on every update would spend the rate limit. One group (TELEGRAM_AGENTS_CHAT_ID)
is the simplest set-up: one team, its members.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

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
        team_chats: Mapping[str, int] | None = None,
        ttl_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.agents_chat_id = agents_chat_id
        # team -> its agents' group; without teams, the one group is everybody's.
        self.team_chats: dict[str, int] = dict(team_chats or {})
        self.moved: dict[int, int] = {}  # a group's old id -> the supergroup it became
        self.ttl = ttl_seconds
        self.clock = clock
        self._forum: dict[int, tuple[float, bool]] = {}
        self._agents: dict[tuple[int, int], tuple[float, bool]] = {}

    @property
    def agents_chats(self) -> frozenset[int]:
        """Every agents' group: the teams' and the default one."""
        default = {self.agents_chat_id} if self.agents_chat_id is not None else set()
        return frozenset(default | set(self.team_chats.values()))

    async def teams_of(self, user_id: int) -> tuple[str, ...]:
        """The teams whose group `user_id` is a member of."""
        return tuple(
            [team for team, chat in self.team_chats.items() if await self.is_member(chat, user_id)]
        )

    def current(self, chat_id: int) -> int:
        """Where a group written down before it became a supergroup is now."""
        seen = {chat_id}
        while (moved := self.moved.get(chat_id)) is not None and moved not in seen:
            chat_id = moved
            seen.add(chat_id)
        return chat_id

    def move_to(self, chat_id: int) -> None:
        """The agents' group has a new id (it became a supergroup): forget what was known."""
        old = self.agents_chat_id
        self.agents_chat_id = chat_id
        if old is not None and old != chat_id:
            self.moved[old] = chat_id
        self.team_chats = {
            team: chat_id if chat == old else chat for team, chat in self.team_chats.items()
        }
        self._forum.clear()
        self._agents.clear()

    def _fresh(self, stamp: float) -> bool:
        return self.clock() - stamp < self.ttl

    async def is_forum(self, chat_id: int | None = None) -> bool:
        """Whether an agents' supergroup (the default one unless given) has topics enabled."""
        chat_id = chat_id if chat_id is not None else self.agents_chat_id
        if chat_id is None:
            return False
        cached = self._forum.get(chat_id)
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        chat = await self.bot.get_chat(chat_id)
        value = bool(chat.is_forum)
        self._forum[chat_id] = (self.clock(), value)
        return value

    async def is_agent(self, user_id: int) -> bool:
        """Whether a user is a member of an agents' group (False when Telegram cannot say)."""
        for chat_id in sorted(self.agents_chats):
            if await self.is_member(chat_id, user_id):
                return True
        return False

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        cached = self._agents.get((chat_id, user_id))
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramAPIError as error:
            log.warning("cannot check membership of the agents' group: %s", error)
            return cached[1] if cached is not None else False
        status = str(getattr(member.status, "value", member.status))
        value = status in MEMBER_STATUSES or (
            status == "restricted" and bool(getattr(member, "is_member", False))
        )
        self._agents[(chat_id, user_id)] = (self.clock(), value)
        return value
