"""Slack people and agents, answered from memory so that no Slack ack waits on the Web API.

Both directories are filled when the app starts (users.list, conversations.members) and
refreshed in the background: a stale answer is given at once while a fresh one is fetched.
Someone nobody has seen yet (a person who joined after the start) is never waited for
while Slack waits for its ack: the listener either records the update and looks them up
after the ack (`missing`, then `look_up`), or goes on with what the payload says (their
id, the name Slack sent) while the look-up finishes for the next time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from functools import partial
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.people import UserInfo, user_info_from_api

log = logging.getLogger(__name__)

# Mentions looked up per message: enough for any real message, and a mention flood
# cannot turn one update into a burst of users.info calls.
MAX_NAMED = 10
# users.list / conversations.members pages (Slack recommends at most 200 a page).
PAGE = 200
_LOOKUP_ERRORS = (TimeoutError, SlackApiError, OSError)


class _Background:
    """Look-ups that outlive the update that started them, one per key, stopped on close."""

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    def run(self, key: str, work: Callable[[], Coroutine[Any, Any, Any]]) -> asyncio.Task[Any]:
        task = self._tasks.get(key)
        if task is None or task.done():
            task = asyncio.create_task(work())
            self._tasks[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        return task

    def _forget(self, key: str, task: asyncio.Task[Any]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if not task.cancelled() and task.exception() is not None:
            log.warning("background Slack look-up %s failed: %s", key, task.exception())

    async def settled(self) -> None:
        """Once every look-up under way has finished."""
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _within(task: asyncio.Task[Any], seconds: float) -> bool:
    """Whether `task` finished within `seconds`; it goes on either way."""
    try:
        async with asyncio.timeout(seconds):
            await asyncio.shield(task)
    except TimeoutError:
        return False
    except Exception:
        return True
    return True


class UserDirectory:
    """Names and locales of Slack people: users.list at start, users.info for newcomers."""

    def __init__(
        self,
        client: AsyncWebClient,
        ttl_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = 10.0,
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.ttl = ttl_seconds
        self.clock = clock
        self._cache: dict[str, tuple[float, UserInfo]] = {}
        self._by_name: dict[str, str] | None = None  # built from the cache when asked for
        self._background = _Background()

    def cached(self, user_id: str) -> UserInfo | None:
        """What is known of the person now, without asking Slack."""
        found = self._cache.get(user_id)
        return found[1] if found else None

    async def warm(self) -> None:
        """Everyone in the workspace, page by page (users.list), before the first update."""
        cursor: str | None = None
        now = self.clock()
        try:
            async with asyncio.timeout(self.timeout * 6):
                while True:
                    response = await self.client.users_list(
                        limit=PAGE, cursor=cursor, include_locale=True
                    )
                    for user in response.get("members") or []:
                        info = user_info_from_api(user)
                        self._remember(info, now)
                    cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                    if not cursor:
                        break
        except _LOOKUP_ERRORS as error:
            # each person is then looked up when first seen
            log.warning("users.list failed, people are looked up one by one: %s", error)

    async def _fetch(self, user_id: str) -> UserInfo:
        async with asyncio.timeout(self.timeout):
            response = await self.client.users_info(user=user_id, include_locale=True)
        info = user_info_from_api(response.get("user") or {"id": user_id})
        self._remember(info, self.clock(), user_id)
        return info

    def _remember(self, info: UserInfo, when: float, user_id: str | None = None) -> None:
        self._cache[user_id or info.user_id] = (when, info)
        self._by_name = None

    async def get(self, user_id: str, fallback_name: str | None = None) -> UserInfo:
        """What is known of the person, at once: someone not yet known is looked up
        behind the answer and shows meanwhile as `fallback_name` (or their id)."""
        cached = self._cache.get(user_id)
        if cached is not None:
            if self.clock() - cached[0] >= self.ttl:
                self._background.run(user_id, lambda: self._fetch(user_id))
            return cached[1]
        self._background.run(user_id, lambda: self._fetch(user_id))
        return UserInfo(user_id=user_id, name=fallback_name or user_id)

    def missing(self, user_ids: list[str]) -> list[str]:
        """Who of `user_ids` nobody has seen yet (at most MAX_NAMED are ever named)."""
        wanted = list(dict.fromkeys(user_ids))[:MAX_NAMED]
        return [user_id for user_id in wanted if user_id not in self._cache]

    async def look_up(self, user_ids: list[str]) -> None:
        """users.info for each of `user_ids` not known yet, side by side, waiting for the
        answers (after an ack only); one that fails leaves that person unknown."""
        missing = self.missing(user_ids)
        tasks = [self._background.run(u, partial(self._fetch, u)) for u in missing]
        await asyncio.gather(*tasks, return_exceptions=True)

    def ids_by_name(self) -> dict[str, str]:
        """Display name -> user id for every name exactly one known person goes by."""
        if self._by_name is None:
            seen: dict[str, str | None] = {}
            for _, info in self._cache.values():
                if info.is_bot or info.name == info.user_id:
                    continue
                seen[info.name] = None if info.name in seen else info.user_id
            self._by_name = {name: uid for name, uid in seen.items() if uid is not None}
        return self._by_name

    async def names(self, user_ids: list[str]) -> dict[str, str]:
        """Names of the people a message mentions, as far as they are known now; past
        MAX_NAMED the rest keep the label or id Slack sent (markup.plain_text)."""
        wanted = list(dict.fromkeys(user_ids))[:MAX_NAMED]
        infos = await asyncio.gather(*(self.get(user_id) for user_id in wanted))
        return {user_id: info.name for user_id, info in zip(wanted, infos, strict=True)}

    async def settled(self) -> None:
        """Once the look-ups under way (newcomers, stale names) have finished."""
        await self._background.settled()

    async def close(self) -> None:
        await self._background.close()


class AgentDirectory:
    """Members of the agents' channel (conversations.members), refreshed after `ttl`."""

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        ttl_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = 10.0,
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.channel = channel
        self.ttl = ttl_seconds
        self.clock = clock
        self._members: frozenset[str] | None = None
        self._loaded_at = 0.0
        self._background = _Background()

    async def is_agent(self, user_id: str) -> bool:
        return user_id in await self.members()

    @property
    def loaded(self) -> bool:
        return self._members is not None

    async def warm(self) -> None:
        await _within(self._refresh(), self.timeout)

    def _refresh(self) -> asyncio.Task[Any]:
        return self._background.run("members", self._load)

    async def _load(self) -> None:
        found: set[str] = set()
        cursor: str | None = None
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    response = await self.client.conversations_members(
                        channel=self.channel, limit=PAGE, cursor=cursor
                    )
                    found.update(response.get("members") or [])
                    cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                    if not cursor:
                        break
        except _LOOKUP_ERRORS as error:
            # fail closed: until Slack answers, only the last known members are agents
            log.warning("conversations.members %s failed: %s", self.channel, error)
            return
        self._members = frozenset(found)
        self._loaded_at = self.clock()

    async def members(self) -> frozenset[str]:
        """The agents as last loaded; a stale list is refreshed behind the answer. Never
        loaded (Slack did not answer at the start): nobody, until the load succeeds."""
        if self._members is None or self.clock() - self._loaded_at >= self.ttl:
            self._refresh()
        return self._members or frozenset()

    async def close(self) -> None:
        await self._background.close()


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

    @property
    def loaded(self) -> bool:
        return all(d.loaded for d in self.teams.values())

    async def warm(self) -> None:
        """Every team's members loaded before the first update (side by side); after an
        ack, the teams not loaded yet are loaded again the same way."""
        await asyncio.gather(*(d.warm() for d in self.teams.values()))

    async def close(self) -> None:
        for directory in self.teams.values():
            await directory.close()
