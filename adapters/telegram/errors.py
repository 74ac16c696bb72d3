"""The Bot API's errors in the dispatcher's terms, in one list.

429 -> RetryLater(retry_after); a blocked bot, a chat that is gone or moved, a
request Telegram refused -> PermanentFailure (the desk then shows the problem on
the ticket's card). Anything not listed (network trouble, 5xx) is raised as it is
and retried with backoff, except a request whose answer was lost (a timeout, a
connection dropped after connecting): that one may have been delivered, so it is
MaybeSent and never repeated blindly. An answer with `ok: true` that aiogram
cannot parse is a delivery. Some refusals only mean "nothing to do": they are
named below, for the sender to pass over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
)

from core.delivery import PermanentFailure, RetryLater
from core.unknown_outcome import MaybeSent

Verdict = RetryLater | PermanentFailure | MaybeSent

TAXONOMY: tuple[tuple[type[TelegramAPIError], Callable[[Any], Verdict]], ...] = (
    (
        TelegramRetryAfter,
        lambda error: RetryLater(float(error.retry_after), "telegram: too many requests"),
    ),
    (TelegramForbiddenError, lambda error: PermanentFailure(f"telegram: {error.message}")),
    (
        TelegramMigrateToChat,
        lambda error: PermanentFailure(f"telegram: the group moved to {error.migrate_to_chat_id}"),
    ),
    # Telegram refused this exact request (chat not found, bad markup): a retry would
    # be refused the same way.
    (TelegramBadRequest, lambda error: PermanentFailure(f"telegram: {error.message}")),
    (TelegramNotFound, lambda error: PermanentFailure(f"telegram: {error.message}")),
)


def verdict(error: TelegramAPIError) -> Verdict | None:
    """What the dispatcher should do about `error`; None: retry it with backoff."""
    # aiogram wraps every transport failure (a timeout, an aiohttp error) in this one type;
    # only a connection never made surely sent nothing.
    if isinstance(error, TelegramNetworkError) and not isinstance(
        error.__cause__, aiohttp.ClientConnectorError
    ):
        return MaybeSent(f"telegram: {error.message}")
    for kind, judge in TAXONOMY:
        if isinstance(error, kind):
            return judge(error)
    return None


def not_modified(error: TelegramBadRequest) -> bool:
    """An edit that changes nothing: the message already says it."""
    return "not modified" in error.message.lower()


def message_gone(error: TelegramBadRequest) -> bool:
    """The message to edit was deleted."""
    return "not found" in error.message.lower()


def file_refused(error: TelegramBadRequest) -> bool:
    """Telegram will not send this file by its id (an unknown or mismatched file_id, a file
    over the size Telegram lets bots handle)."""
    text = error.message.lower()
    return any(
        sign in text
        for sign in ("wrong file identifier", "file is too big", "wrong remote file", "file_id")
    )


def thread_gone(error: TelegramBadRequest) -> bool:
    """The ticket's topic was deleted (https://core.telegram.org/bots/api#deleteforumtopic)."""
    return "message thread not found" in error.message.lower() or "TOPIC_DELETED" in error.message


def topic_closed(error: TelegramBadRequest) -> bool:
    """The topic is closed: nothing can be written into it until it is reopened."""
    return "TOPIC_CLOSED" in error.message


def topic_not_modified(error: TelegramBadRequest) -> bool:
    """The topic is already closed (or open)."""
    return "TOPIC_NOT_MODIFIED" in error.message


def accepted_result(error: ClientDecodeError) -> dict[str, Any] | None:
    """The result of a call Telegram answered `ok: true` but aiogram could not parse;
    None when Telegram did not accept it."""
    data = error.data
    if not isinstance(data, dict) or data.get("ok") is not True:
        return None
    result = data.get("result")
    return result if isinstance(result, dict) else {}
