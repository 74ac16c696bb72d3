"""Cached look-ups of Slack people: names and locales (users.info), agents (channel members)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.people import UserInfo, user_info_from_api

log = logging.getLogger(__name__)

# Mentions looked up per message: enough for any real message, and a mention flood
# cannot turn one update into a burst of users.info calls.
MAX_NAMED = 10


class UserDirectory:
    """users.info with a time-limited cache: names change rarely, events arrive often."""

    def __init__(
        self,
        client: AsyncWebClient,
        ttl_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = 1.0,
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.ttl = ttl_seconds
        self.clock = clock
        self._cache: dict[str, tuple[float, UserInfo]] = {}

    async def get(self, user_id: str) -> UserInfo:
        cached = self._cache.get(user_id)
        if cached is not None and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            async with asyncio.timeout(self.timeout):  # the caller must ack within 3 s
                response = await self.client.users_info(user=user_id, include_locale=True)
            info = user_info_from_api(response.get("user") or {"id": user_id})
        except (TimeoutError, SlackApiError, OSError) as error:
            # the update still counts; the person shows by id until the next look-up
            log.warning("users.info %s failed: %s", user_id, error)
            return cached[1] if cached else UserInfo(user_id=user_id, name=user_id)
        self._cache[user_id] = (self.clock(), info)
        return info

    async def names(self, user_ids: list[str]) -> dict[str, str]:
        """Names of the people a message mentions, looked up side by side.

        Together they take one look-up's time, so the ack is not delayed per mention;
        past MAX_NAMED the rest keep the label or id Slack sent (markup.plain_text).
        """
        wanted = list(dict.fromkeys(user_ids))[:MAX_NAMED]
        infos = await asyncio.gather(*(self.get(user_id) for user_id in wanted))
        return {user_id: info.name for user_id, info in zip(wanted, infos, strict=True)}


class AgentDirectory:
    """Members of the agents' channel (conversations.members), refreshed after `ttl`."""

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        ttl_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = 1.0,
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.channel = channel
        self.ttl = ttl_seconds
        self.clock = clock
        self._members: frozenset[str] | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def is_agent(self, user_id: str) -> bool:
        return user_id in await self.members()

    async def members(self) -> frozenset[str]:
        async with self._lock:
            if self._members is not None and self.clock() - self._loaded_at < self.ttl:
                return self._members
            try:
                found: set[str] = set()
                cursor: str | None = None
                async with asyncio.timeout(self.timeout):  # the caller must ack within 3 s
                    while True:
                        response = await self.client.conversations_members(
                            channel=self.channel, limit=200, cursor=cursor
                        )
                        found.update(response.get("members") or [])
                        meta = response.get("response_metadata") or {}
                        cursor = meta.get("next_cursor") or None
                        if not cursor:
                            break
            except (TimeoutError, SlackApiError, OSError) as error:
                # fail closed: until Slack answers, only the last known members are agents
                log.warning("conversations.members %s failed: %s", self.channel, error)
                return self._members or frozenset()
            self._members = frozenset(found)
            self._loaded_at = self.clock()
            return self._members


class TeamDirectory:
    """The agents of each team: the members of the team's agents' channel.

    One channel (SLACK_AGENTS_CHANNEL) is the simplest set-up: one team, its members.
    """

    def __init__(self, teams: Mapping[str, AgentDirectory]) -> None:
        self.teams = dict(teams)
        self.team_of_channel = {d.channel: team for team, d in self.teams.items()}

    def is_agents_channel(self, channel: str) -> bool:
        return channel in self.team_of_channel

    async def teams_of(self, user_id: str) -> tuple[str, ...]:
        """The teams whose channel `user_id` is a member of (looked up side by side)."""
        names = list(self.teams)
        found = await asyncio.gather(*(self.teams[n].is_agent(user_id) for n in names))
        return tuple(name for name, member in zip(names, found, strict=True) if member)

    async def is_agent(self, user_id: str) -> bool:
        return bool(await self.teams_of(user_id))
