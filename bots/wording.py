"""The CLI's English counts: `1 row deleted`, `0 rows deleted`, never `row(s)`."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun's form for it (`plural` defaults to the noun and "s")."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
