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
    are linked, the longest that fits (`@Bob Smith` before `@Bob`); `@channel`, `@here`
    and `@everyone` stay words, so a requester's broadcast never notifies the agents.
    """
    out: list[str] = []
    last = 0
    for at in _AT.finditer(escaped):
        start = at.end()
        if start < last:
            continue
        name = _longest_name(escaped, start, ids_by_name)
        if name is None:
            continue
        out.append(escaped[last : at.start()])
        out.append(mention(ids_by_name[name]))
        last = start + len(escape(name))
    out.append(escaped[last:])
    return "".join(out)


_AT = re.compile(r"(?<![\w@])@(?=\w)")


def _longest_name(escaped: str, start: int, ids_by_name: Mapping[str, str]) -> str | None:
    """The longest known name written at `start` and ending at a word's end."""
    best: str | None = None
    for name in ids_by_name:
        shown = escape(name)
        if (
            name
            and name.lower() not in _SPECIAL
            and escaped.startswith(shown, start)
            and not _continues_word(escaped, start + len(shown))
            and (best is None or len(name) > len(best))
        ):
            best = name
    return best


def _continues_word(text: str, index: int) -> bool:
    return index < len(text) and (text[index].isalnum() or text[index] == "_")
