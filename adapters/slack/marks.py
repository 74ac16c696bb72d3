"""The mark each posted message carries, and how a post whose answer was lost is looked for.

chat.postMessage takes no idempotency key, but it takes message metadata
(https://api.slack.com/metadata/using): every post carries its outbox id as
`event_payload.delivery`. conversations.history and conversations.replies return
that metadata when asked (`include_all_metadata`), so after a timeout the sender
can tell whether Slack has the message before anything is posted again.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

MARK_EVENT = "helpdesk_delivery"
# How far before the post the search starts: our clock and Slack's may disagree a little.
CLOCK_SKEW_SECONDS = 60.0
SEARCH_LIMIT = 100  # messages: far more than a conversation receives around one post

AfterPost = Callable[[str], Awaitable[None]]  # what the send does with the new message's ts


async def nothing_after(ts: str) -> None:
    return None


@dataclass(frozen=True)
class Attempt:
    """A post whose answer was lost: where to look for it, and what was left to do."""

    channel: str
    thread_ts: str | None
    oldest: str
    after: AfterPost


def attempt(channel: str, thread_ts: str | None, after: AfterPost) -> Attempt:
    return Attempt(channel, thread_ts, f"{time.time() - CLOCK_SKEW_SECONDS:.6f}", after)


def metadata(marker: str) -> dict[str, Any]:
    return {"event_type": MARK_EVENT, "event_payload": {"delivery": marker}}


def answer_lost(error: BaseException) -> bool:
    """The request may have reached Slack: a timeout, a connection lost after connecting,
    or a 2xx answer that could not be read."""
    if isinstance(error, SlackApiError):
        response = error.response
        data: Any = response.data if response is not None else None
        return (
            response is not None
            and 200 <= response.status_code < 300
            and not (isinstance(data, dict) and "ok" in data)
        )
    if isinstance(error, aiohttp.ClientConnectorError):
        return False  # never connected: nothing was sent
    return isinstance(error, TimeoutError | aiohttp.ClientError)


def _marked(message: dict[str, Any], marker: str) -> bool:
    meta = message.get("metadata")
    if not isinstance(meta, dict) or meta.get("event_type") != MARK_EVENT:
        return False
    payload = meta.get("event_payload")
    return isinstance(payload, dict) and payload.get("delivery") == marker


async def find(client: AsyncWebClient, where: Attempt, marker: str) -> str | None:
    """The ts of our message carrying `marker` where it was posted, or None."""
    if where.thread_ts is not None:
        response = await client.conversations_replies(
            channel=where.channel,
            ts=where.thread_ts,
            oldest=where.oldest,
            include_all_metadata=True,
            limit=SEARCH_LIMIT,
        )
    else:
        response = await client.conversations_history(
            channel=where.channel,
            oldest=where.oldest,
            include_all_metadata=True,
            limit=SEARCH_LIMIT,
        )
    for message in response.get("messages") or []:
        if isinstance(message, dict) and _marked(message, marker):
            return str(message["ts"])
    return None
