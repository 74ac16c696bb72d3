"""Text as every database can store it: no NUL characters, no lone surrogates.

PostgreSQL's text types refuse U+0000, and a string holding half of a surrogate
pair cannot be encoded as UTF-8 at all (SQLite's driver refuses it too). Either
would fail the transaction that stores it, on every retry. Platforms deliver
both (a message, a user's name, a file name), so each command is cleaned where
the desk takes it in. Both become U+FFFD, the character that says "something
unreadable was here", which also keeps the words around it apart. SQLite
stores NUL as it came, so there it is kept (`keep_nul`).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar, cast

REPLACEMENT = "\ufffd"

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")

T = TypeVar("T")


def storable_text(text: str, *, keep_nul: bool = False) -> str:
    """`text` with NUL and lone surrogates replaced; the same object when it had none."""
    if text.isascii() and (keep_nul or "\x00" not in text):
        return text
    unstorable = _SURROGATE if keep_nul else _UNSTORABLE
    if unstorable.search(text) is None:
        return text
    # A well-formed pair still split in two code points is one character: keep it.
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return unstorable.sub(REPLACEMENT, joined)


def storable(value: T, *, keep_nul: bool = False) -> T:
    """`value` with every string in it made storable: a command, its actor, its tuples.

    Only plain `str` is cleaned: enum members (which are strings too) stay as
    they are. Unchanged parts are returned as they were, so a clean command costs
    no copy.
    """
    return cast(T, _clean(value, keep_nul))


def _clean(value: object, keep_nul: bool) -> object:
    if type(value) is str:
        return storable_text(value, keep_nul=keep_nul)
    if type(value) is tuple:
        items = tuple(_clean(item, keep_nul) for item in value)
        changed = any(new is not old for new, old in zip(items, value, strict=True))
        return items if changed else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = _clean(old, keep_nul)
            if new is not old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
