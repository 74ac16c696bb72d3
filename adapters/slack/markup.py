"""Slack message markup -> the plain text a person meant. Pure.

Slack sends text escaped (`&amp;`, `&lt;`, `&gt;`) with links, mentions and
channels as `<…>` tokens (https://api.slack.com/reference/surfaces/formatting).
The desk stores and matches what the person meant, so the tokens become words:
a link its label and URL, a person their name, a channel its name. The text is
escaped again, once, when it goes back to Slack (mrkdwn.escape).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|[^<>]*)?>")
# Special mentions keep their name as plain words: relayed, they notify nobody.
_SPECIAL = {"channel", "here", "everyone"}


def unescape(text: str) -> str:
    """Slack's three entities back to the characters; one pass, so `&amp;lt;` stays `&lt;`."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def mentioned_users(text: str) -> list[str]:
    """The user ids mentioned in Slack markup, each once, in order."""
    return list(dict.fromkeys(_USER.findall(text)))


def _link(target: str, label: str) -> str:
    url = unescape(target)
    shown = unescape(label)
    if not shown or shown in (url, url.removeprefix("mailto:")):
        return shown or url
    return f"{shown} ({url})"


def _token(body: str, names: Mapping[str, str]) -> str:
    target, _, label = body.partition("|")
    if target.startswith("@"):
        user_id = target[1:]
        return "@" + (names.get(user_id) or unescape(label) or user_id)
    if target.startswith("#"):
        return "#" + (unescape(label) or target[1:])
    if target.startswith("!"):
        # <!channel>, <!here>, <!subteam^S1|@team>, <!date^…|fallback>
        name = target[1:].split("^")[0]
        if label:
            return unescape(label)
        return "@" + name if name in _SPECIAL else ""
    return _link(target, label)


def plain_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """Slack markup as the person meant it; `names` maps mentioned user ids to their names."""
    out: list[str] = []
    last = 0
    for match in _TOKEN.finditer(text):
        out.append(unescape(text[last : match.start()]))
        out.append(_token(match.group(1), names or {}))
        last = match.end()
    out.append(unescape(text[last:]))
    return "".join(out)
