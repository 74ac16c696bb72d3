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


# Every error code we act on; any other is retried with backoff. The codes are those the
# methods' pages list (https://api.slack.com/methods/chat.postMessage, chat.update,
# chat.postEphemeral, chat.delete, conversations.open, views.open, views.publish,
# files.getUploadURLExternal, files.completeUploadExternal, files.info): a message that
# one of them refused is refused again on every retry, so it is dead-lettered at once.
ERRORS: dict[str, ErrorKind] = {
    # where it goes: the channel, the person, the thread
    "channel_not_found": ErrorKind.PERMANENT,
    "is_archived": ErrorKind.PERMANENT,
    "not_in_channel": ErrorKind.PERMANENT,
    "user_not_found": ErrorKind.PERMANENT,
    "user_not_in_channel": ErrorKind.PERMANENT,
    "user_disabled": ErrorKind.PERMANENT,
    "cannot_dm_bot": ErrorKind.PERMANENT,
    "messages_tab_disabled": ErrorKind.PERMANENT,
    "cannot_reply_to_message": ErrorKind.PERMANENT,
    "thread_not_found": ErrorKind.PERMANENT,
    "restricted_action": ErrorKind.PERMANENT,
    "restricted_action_read_only_channel": ErrorKind.PERMANENT,
    "restricted_action_thread_only_channel": ErrorKind.PERMANENT,
    "restricted_action_non_threadable_channel": ErrorKind.PERMANENT,
    "team_access_not_granted": ErrorKind.PERMANENT,
    "ekm_access_denied": ErrorKind.PERMANENT,
    "account_inactive": ErrorKind.PERMANENT | ErrorKind.REFUSED_TOKEN,
    # what it says: the text, the blocks, the arguments
    "msg_too_long": ErrorKind.PERMANENT,
    "msg_blocks_too_long": ErrorKind.PERMANENT,
    "invalid_blocks": ErrorKind.PERMANENT,
    "invalid_blocks_format": ErrorKind.PERMANENT,
    "invalid_attachments": ErrorKind.PERMANENT,
    "invalid_metadata_format": ErrorKind.PERMANENT,
    "invalid_metadata_schema": ErrorKind.PERMANENT,
    "metadata_too_large": ErrorKind.PERMANENT,
    "too_many_attachments": ErrorKind.PERMANENT,
    "invalid_arguments": ErrorKind.PERMANENT,
    "invalid_arg_name": ErrorKind.PERMANENT,
    "invalid_array_arg": ErrorKind.PERMANENT,
    "invalid_charset": ErrorKind.PERMANENT,
    "invalid_form_data": ErrorKind.PERMANENT,
    "invalid_post_type": ErrorKind.PERMANENT,
    "missing_post_type": ErrorKind.PERMANENT,
    "no_text": ErrorKind.PERMANENT,
    "duplicate_channel_not_found": ErrorKind.PERMANENT,
    "slack_connect_file_link_sharing_blocked": ErrorKind.PERMANENT,
    "file_not_found": ErrorKind.PERMANENT,
    "file_deleted": ErrorKind.PERMANENT,
    "file_uploads_disabled": ErrorKind.PERMANENT,
    "file_upload_size_restricted": ErrorKind.PERMANENT,
    "cant_delete_message": ErrorKind.PERMANENT,
    "compliance_exports_prevent_deletion": ErrorKind.PERMANENT,
    # the message to change is gone: post a new one (or, deleting, nothing left to do)
    "message_not_found": ErrorKind.MESSAGE_GONE,
    "cant_update_message": ErrorKind.MESSAGE_GONE,
    "edit_window_closed": ErrorKind.MESSAGE_GONE,
    # the token: stops the start; a send with it fails for good until an admin acts
    "invalid_auth": ErrorKind.REFUSED_TOKEN,
    "not_allowed_token_type": ErrorKind.REFUSED_TOKEN,
    "not_authed": ErrorKind.REFUSED_TOKEN,
    "token_revoked": ErrorKind.REFUSED_TOKEN | ErrorKind.PERMANENT,
    "token_expired": ErrorKind.REFUSED_TOKEN | ErrorKind.PERMANENT,
    "missing_scope": ErrorKind.REFUSED_TOKEN | ErrorKind.PERMANENT,
    "no_permission": ErrorKind.PERMANENT,
    "org_login_required": ErrorKind.PERMANENT,
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
