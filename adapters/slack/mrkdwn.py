"""Text for Slack's mrkdwn: escaping user text, mentions, FAQ Markdown, length limits."""

from __future__ import annotations

import re
from collections.abc import Mapping
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


_SPECIAL = frozenset({"channel", "here", "everyone"})


def relink_mentions(escaped: str, ids_by_name: Mapping[str, str]) -> str:
    """`@Bob` in escaped text back to Bob's live mention `<@UBOB>`.

    The desk keeps a mention as the name people saw; relayed into Slack again it should
    notify that person as the original did. Only names Slack knows for exactly one person
    are linked, longest first (`@Bob Smith` before `@Bob`); `@channel`, `@here` and
    `@everyone` stay words, so a requester's broadcast never notifies the agents.
    """
    names = sorted(
        (name for name in ids_by_name if name and name.lower() not in _SPECIAL),
        key=len,
        reverse=True,
    )
    if not names:
        return escaped
    pattern = re.compile(
        r"(?<![\w@])@(" + "|".join(re.escape(escape(name)) for name in names) + r")(?![\w])"
    )
    by_escaped = {escape(name): ids_by_name[name] for name in names}
    return pattern.sub(lambda m: mention(by_escaped[m.group(1)]), escaped)
