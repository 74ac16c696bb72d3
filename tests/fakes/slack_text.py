"""Slack's text formats for the fake: what the client sends for typed text, what people see.

Both follow https://api.slack.com/reference/surfaces/formatting; each rule names its section.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    """What a person sees of a posted mrkdwn text: the words, and what in them is live."""

    text: str
    links: tuple[str, ...]
    mentions: tuple[str, ...]  # user ids that get notified
    broadcasts: tuple[str, ...]  # "channel", "here", "everyone": the whole channel notified


# What the Slack client sends for what a person typed, each rule as
# https://api.slack.com/reference/surfaces/formatting documents it:
_TYPED = re.compile(
    # "Linking to URLs": a pasted URL arrives as <https://…>
    r"(?P<url>https?://[^\s<>|\"]+)"
    # "Mentioning groups" (special mentions): a real @channel arrives as <!channel>
    r"|@(?P<special>channel|here|everyone)\b"
    # "Mentioning users": @Bob picked from the list arrives as <@UBOB>
    r"|@(?P<user>[\w.-]+)"
    # "Mentioning channels": #general picked from the list arrives as <#CGENERAL|general>
    r"|#(?P<channel>[\w-]+)"
)
_URL_TAIL = ".,;:!?)"


def _escape(text: str) -> str:
    """Slack sends the &, < and > a person typed as &amp;, &lt; and &gt; ("Escaping text")."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_sent(
    typed: str,
    users: Mapping[str, str],
    channels: Mapping[str, str],
    *,
    slash: bool = False,
) -> str:
    """The `text` of the event (or, with `slash`, of the slash command) for what was typed.

    `users` and `channels` map lower-case names to ids: only names Slack knows become
    mentions, the rest stays text. A slash command's text, with the manifest's
    `should_escape: true`, names users as <@UBOB|bob> ("Mentioning users").
    """
    out: list[str] = []
    last = 0
    for match in _TYPED.finditer(typed):
        piece = match.group(0)
        sent: str | None = None
        if match.group("url"):
            url = piece.rstrip(_URL_TAIL)
            if piece.endswith(")") and "(" in url:
                url = piece  # a URL with its own brackets keeps them
            out.append(_escape(typed[last : match.start()]) + f"<{_escape(url)}>")
            last = match.start() + len(url)
            continue
        if match.group("special"):
            sent = f"<!{match.group('special')}>"
        elif match.group("user") and match.group("user").lower() in users:
            name = match.group("user").lower()
            sent = f"<@{users[name]}|{name}>" if slash else f"<@{users[name]}>"
        elif match.group("channel") and match.group("channel").lower() in channels:
            name = match.group("channel").lower()
            sent = f"<#{channels[name]}|{name}>"
        if sent is not None:
            out.append(_escape(typed[last : match.start()]) + sent)
            last = match.end()
    out.append(_escape(typed[last:]))
    return "".join(out)


# How Slack shows the mrkdwn an app posts ("Formatting text for app surfaces"):
_MARKUP = re.compile(r"<(?P<body>[^<>]*)>")
# "Linking to URLs": in mrkdwn text (`verbatim` false, the default) bare URLs become links too.
_BARE_URL = re.compile(r"https?://[^\s<>|]+")
_LINK_NAMES = re.compile(r"(?<![\w@])@(channel|here|everyone)\b")


def _unescape(text: str) -> str:
    return re.sub(r"&(amp|lt|gt);", lambda m: {"amp": "&", "lt": "<", "gt": ">"}[m.group(1)], text)


def shown(mrkdwn: str, users: Mapping[str, str], *, link_names: bool = False) -> Shown:
    """What a person sees of `mrkdwn`; `users` maps ids to the names Slack shows."""
    links: list[str] = []
    mentions: list[str] = []
    broadcasts: list[str] = []
    out: list[str] = []
    last = 0

    def plain(part: str) -> str:
        links.extend(_unescape(url) for url in _BARE_URL.findall(part))
        if link_names:  # chat.postMessage's link_names turns plain @channel into the real one
            broadcasts.extend(_LINK_NAMES.findall(part))
        return _unescape(part)

    for match in _MARKUP.finditer(mrkdwn):
        out.append(plain(mrkdwn[last : match.start()]))
        last = match.end()
        target, _, label = match.group("body").partition("|")
        if target.startswith("@"):
            mentions.append(target[1:])
            out.append("@" + users.get(target[1:], target[1:]))
        elif target.startswith("!"):
            special = target[1:].split("^")[0]
            if special in ("channel", "here", "everyone"):
                broadcasts.append(special)
            out.append(_unescape(label) if label else "@" + special)
        elif target.startswith("#"):
            out.append("#" + (_unescape(label) or target[1:]))
        else:
            links.append(_unescape(target))
            out.append(_unescape(label or target))
    out.append(plain(mrkdwn[last:]))
    return Shown("".join(out), tuple(links), tuple(mentions), tuple(broadcasts))
