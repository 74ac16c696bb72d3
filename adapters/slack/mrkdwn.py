"""Text for Slack's mrkdwn: escaping user text, mentions, FAQ Markdown, length limits."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_to_mrkdwn import SlackMarkdownConverter

# Slack's limits: a section text holds 3000 characters, a message text 40000.
SECTION_LIMIT = 3000
TEXT_LIMIT = 39_000


def escape(text: str) -> str:
    """Slack's three control characters, so user text cannot form mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_QUOTE = re.compile(r"^(\s*)>")


@lru_cache(maxsize=512)
def markdown_to_mrkdwn(markdown: str) -> str:
    """FAQ Markdown rendered as mrkdwn; raw `<`/`&` in the FAQ never become Slack markup.

    Cached: the same few answers are sent over and over, and converting one
    costs more than the Web API call that carries it.
    """
    lines = []
    for line in markdown.strip().splitlines():
        quote = _QUOTE.match(line)
        prefix = ""
        if quote:  # keep Markdown block quotes, escape everything else
            prefix, line = quote.group(0), line[quote.end() :]
        lines.append(prefix + escape(line))
    return str(SlackMarkdownConverter().convert("\n".join(lines))).strip()


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mention(user_id: str) -> str:
    """A user mention; the id comes from Slack itself, so only safe characters pass."""
    return f"<@{user_id}>" if re.fullmatch(r"[A-Z0-9]+", user_id) else escape(user_id)
