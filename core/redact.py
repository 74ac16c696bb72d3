"""Strips credentials from text that is about to be logged or stored.

Error messages of HTTP clients can carry the request URL, and a Telegram Bot
API URL contains the bot token; Slack tokens have a recognisable prefix.
"""

from __future__ import annotations

import re

_PATTERNS = (
    # Telegram bot token, also inside a Bot API URL (/bot<token>/: no word boundary there)
    re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}"),
    re.compile(r"\bx(?:ox[abpreo]|app)-[A-Za-z0-9-]{8,}"),  # Slack bot, user, app tokens
    re.compile(r"(?i)\b(bearer|authorization:?)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"(?i)\b(token|secret|password)=[^&\s]+"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: _mask(m), text)
    return text


def _mask(match: re.Match[str]) -> str:
    if match.lastindex:
        return (
            f"{match.group(1)} [redacted]"
            if " " in match.group(0)
            else f"{match.group(1)}=[redacted]"
        )
    return "[redacted]"


def describe(error: BaseException, limit: int = 300) -> str:
    """An error as logged or stored: its type and message, secrets scrubbed, bounded."""
    return redact(f"{type(error).__name__}: {error}")[:limit]
