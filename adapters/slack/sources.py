"""A ticket opened from someone's message (🎫 or the message shortcut), after Slack's ack.

The listener records only where the message is; here its text (conversations.replies)
and permalink (chat.getPermalink) are read, side by side, and the ticket is opened with
the message's own text. A look-up Slack may answer later is tried again (deferred.py);
one that cannot succeed (the message deleted, the bot not in the channel, a scope not
granted) makes do: the ticket opens with the permalink when only the text is
unreadable, and when nothing of the message can be read the person is told why no
ticket was opened and how to open one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.codecs import PLATFORM
from adapters.slack.deferred import TryLater
from adapters.slack.directory import UserDirectory
from adapters.slack.errors import ErrorKind, error_code, is_kind
from adapters.slack.markup import mentioned_users
from core import commands as c
from core.domain import Actor, normalize_lang
from core.events import Event, Notice, PersonTarget

log = logging.getLogger(__name__)

KIND_SOURCE = "source"  # a pending look-up: a ticket from a message


@dataclass(frozen=True)
class SourceRef:
    """Where the message is, who asked, and the update's id (its dedupe key)."""

    update_id: str
    user: str
    channel: str
    ts: str
    text: str | None = None  # the shortcut's payload carries the text; 🎫 does not

    def payload(self) -> dict[str, Any]:
        return {
            "update_id": self.update_id,
            "user": self.user,
            "channel": self.channel,
            "ts": self.ts,
            "text": self.text,
        }

    @classmethod
    def of(cls, payload: dict[str, Any]) -> SourceRef:
        text = payload.get("text")
        return cls(
            update_id=str(payload["update_id"]),
            user=str(payload["user"]),
            channel=str(payload["channel"]),
            ts=str(payload["ts"]),
            text=None if text is None else str(text),
        )


@dataclass(frozen=True)
class _Read:
    value: str | None
    retry: bool = False  # failed in a way a later try may mend


async def _read(lookup: Awaitable[str | None], what: str) -> _Read:
    try:
        return _Read(await lookup)
    except SlackApiError as error:
        code = error_code(error)
        log.warning("could not read the %s of a message: %s", what, code)
        gone = is_kind(error, ErrorKind.PERMANENT) or is_kind(error, ErrorKind.MESSAGE_GONE)
        return _Read(None, retry=not gone)
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        log.warning("could not read the %s of a message: %r", what, error)
        return _Read(None, retry=True)


class SourceTickets:
    def __init__(
        self,
        client: AsyncWebClient,
        users: UserDirectory,
        actor: Callable[[str], Awaitable[Actor]],
        submit: Callable[[c.Command | None, str], Awaitable[None]],
        tell: Callable[[str, list[Event]], Awaitable[bool]],
        default_lang: str,
    ) -> None:
        self.client = client
        self.users = users
        self.actor = actor
        self.submit = submit
        self.tell = tell
        self.default_lang = default_lang

    async def open(self, payload: dict[str, Any], last: bool) -> None:
        """The deferred handler: look the message up, then open its ticket once."""
        ref = SourceRef.of(payload)
        known = ref.text
        text_read = (
            _read(self.message_text(ref.channel, ref.ts), "text") if known is None else _done(known)
        )
        text, link = await asyncio.gather(
            text_read, _read(self.permalink(ref.channel, ref.ts), "permalink")
        )
        if (text.retry or link.retry) and not last:
            raise TryLater(f"message {ref.ts} in {ref.channel} not read yet")
        await self.users.look_up([ref.user, *mentioned_users(text.value or "")])
        actor = await self.actor(ref.user)
        if not text.value and not link.value:
            await self._unreadable(ref, actor)
            return
        names = await self.users.names(mentioned_users(text.value or ""))
        command = c.OpenTicket(
            actor=actor,
            text=inbound.source_ticket_text(text.value or "", link.value, names),
            source_link=link.value,
        )
        await self.submit(command, ref.update_id)

    async def _unreadable(self, ref: SourceRef, actor: Actor) -> None:
        lang = normalize_lang(actor.locale) or self.default_lang
        notice = Event(
            target=PersonTarget(
                platform=PLATFORM, user_id=ref.user, display_name=actor.display_name
            ),
            lang=lang,
            payload=Notice(key="source.unreadable", error=True),
        )
        await self.tell(f"{PLATFORM}:source:{ref.update_id}", [notice])

    async def message_text(self, channel: str, ts: str) -> str | None:
        """One message's text. conversations.replies names any message: one outside a
        thread comes alone, a reply after its thread's parent, so the window starting at
        the message holds it (https://api.slack.com/methods/conversations.replies)."""
        found = await self.client.conversations_replies(
            channel=channel, ts=ts, oldest=ts, inclusive=True, limit=2
        )
        messages = [m for m in found.get("messages") or [] if m.get("ts") == ts]
        return str(messages[0].get("text", "")) if messages else None

    async def permalink(self, channel: str, ts: str) -> str | None:
        found = await self.client.chat_getPermalink(channel=channel, message_ts=ts)
        link = found.get("permalink")
        return str(link) if link else None


async def _done(value: str) -> _Read:
    return _Read(value)
