"""Text as every database can store it: no NUL characters, no lone surrogates.

PostgreSQL's text types refuse U+0000, and a string holding half of a surrogate
pair cannot be encoded as UTF-8 at all (SQLite's driver refuses it too). Either
would fail the transaction that stores it, on every retry. Platforms deliver
both (a message, a user's name, a file name), so each command is cleaned where
the desk takes it in. Both become U+FFFD, the character that says "something
unreadable was here", which also keeps the words around it apart.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar, cast

REPLACEMENT = "\ufffd"

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

T = TypeVar("T")


def storable_text(text: str) -> str:
    """`text` with NUL and lone surrogates replaced; the same object when it had none."""
    if "\x00" not in text and text.isascii():
        return text
    if _UNSTORABLE.search(text) is None:
        return text
    # A well-formed pair still split in two code points is one character: keep it.
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _UNSTORABLE.sub(REPLACEMENT, joined)


def storable(value: T) -> T:
    """`value` with every string in it made storable: a command, its actor, its tuples.

    Only plain `str` is cleaned: enum members (which are strings too) stay as
    they are. Unchanged parts are returned as they were, so a clean command costs
    no copy.
    """
    return cast(T, _clean(value))


def _clean(value: object) -> object:
    if type(value) is str:
        return storable_text(value)
    if type(value) is tuple:
        items = tuple(_clean(item) for item in value)
        changed = any(new is not old for new, old in zip(items, value, strict=True))
        return items if changed else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = _clean(old)
            if new is not old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
