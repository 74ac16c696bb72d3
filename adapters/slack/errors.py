"""Slack's Web API errors, sorted once: what the sender and the start-up check do about each."""

from __future__ import annotations

from enum import Flag, auto
from typing import Any

from slack_sdk.errors import SlackApiError

from core.delivery import PermanentFailure, RetryLater


class ErrorKind(Flag):
    NONE = 0
    PERMANENT = auto()  # no retry can deliver this message: dead-letter it
    MESSAGE_GONE = auto()  # chat.update found no message: post a new one instead
    REFUSED_TOKEN = auto()  # the token itself is refused: stop the start with the reason


# Every error code we act on; any other is retried with backoff.
ERRORS: dict[str, ErrorKind] = {
    "channel_not_found": ErrorKind.PERMANENT,
    "is_archived": ErrorKind.PERMANENT,
    "account_inactive": ErrorKind.PERMANENT | ErrorKind.REFUSED_TOKEN,
    "not_in_channel": ErrorKind.PERMANENT,
    "user_not_found": ErrorKind.PERMANENT,
    "user_not_in_channel": ErrorKind.PERMANENT,
    "user_disabled": ErrorKind.PERMANENT,
    "cannot_dm_bot": ErrorKind.PERMANENT,
    "restricted_action": ErrorKind.PERMANENT,
    "msg_too_long": ErrorKind.PERMANENT,
    "invalid_blocks": ErrorKind.PERMANENT,
    "invalid_blocks_format": ErrorKind.PERMANENT,
    "no_text": ErrorKind.PERMANENT,
    "team_access_not_granted": ErrorKind.PERMANENT,
    "message_not_found": ErrorKind.MESSAGE_GONE,
    "cant_update_message": ErrorKind.MESSAGE_GONE,
    "invalid_auth": ErrorKind.REFUSED_TOKEN,
    "not_allowed_token_type": ErrorKind.REFUSED_TOKEN,
    "not_authed": ErrorKind.REFUSED_TOKEN,
    "token_revoked": ErrorKind.REFUSED_TOKEN,
    "missing_scope": ErrorKind.REFUSED_TOKEN,
}


def error_code(error: SlackApiError) -> str:
    data: Any = error.response.data if error.response is not None else None
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def is_kind(error: SlackApiError, kind: ErrorKind) -> bool:
    return kind in ERRORS.get(error_code(error), ErrorKind.NONE)


def refused_token_code(error: SlackApiError) -> str | None:
    """The error code when Slack refused the token itself, else None."""
    return error_code(error) if is_kind(error, ErrorKind.REFUSED_TOKEN) else None


def retry_after_seconds(header: str | None, default: float = 1.0) -> float:
    """Retry-After is whole seconds per Slack's docs; be lenient with odd values."""
    try:
        return max(0.0, float(header)) if header is not None else default
    except ValueError:
        return default


def delivery_error(error: SlackApiError) -> Exception:
    """A Web API error in the dispatcher's vocabulary: retry later, give up, or retry."""
    response = error.response
    if response is not None and response.status_code == 429:
        headers = {k.lower(): v for k, v in (response.headers or {}).items()}
        value = headers.get("retry-after")
        if isinstance(value, list):
            value = value[0] if value else None
        return RetryLater(retry_after_seconds(value), "Slack rate limit")
    if is_kind(error, ErrorKind.PERMANENT):
        return PermanentFailure(error_code(error))
    return error
