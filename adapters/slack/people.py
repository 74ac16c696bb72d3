"""Slack people as the desk sees them: users.info's user object -> name, language, Actor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack.codecs import PLATFORM
from core.domain import Actor, normalize_lang


@dataclass(frozen=True)
class UserInfo:
    user_id: str
    name: str
    locale: str | None = None
    is_bot: bool = False


def user_info_from_api(user: Mapping[str, Any]) -> UserInfo:
    """users.info's `user` object -> the name people see and the language hint."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user.get("id", "")
    )
    return UserInfo(
        user_id=str(user.get("id", "")),
        name=str(name),
        locale=user.get("locale"),
        is_bot=bool(user.get("is_bot")),
    )


def actor_of(info: UserInfo, *, is_agent: bool) -> Actor:
    return Actor(
        platform=PLATFORM,
        user_id=info.user_id,
        display_name=info.name,
        is_agent=is_agent,
        locale=normalize_lang(info.locale),
    )


def assignee_actor(user_id: str, names: Mapping[str, str], fallback: str | None = None) -> Actor:
    """A person named as an assignee, shown by their looked-up name.

    Not yet an agent: the listener checks the agents' channel before submitting.
    """
    name = names.get(user_id) or fallback or user_id
    return Actor(platform=PLATFORM, user_id=user_id, display_name=name)
