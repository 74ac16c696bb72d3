"""Counted nouns, durations and quoted user text, as each language writes them.

Polish and Russian choose a noun's form by the number: one, a few (2-4, but not
12-14) and many; English by one or other. The catalog keeps each noun's forms in
that order, separated by "|": `"plural.minute": "minutę|minuty|minut"`.
"""

from __future__ import annotations

from core.i18n import t

_QUOTES: dict[str, tuple[str, str]] = {"en": ("“", "”"), "pl": ("„", "”"), "ru": ("«", "»")}
_SENTENCE_ENDS = (".", "?", "!", "…")


def plural_form(lang: str, n: int) -> int:
    """The index of `n`'s form: 0 one, 1 few, 2 many (English: 0 one, 1 other)."""
    n = abs(n)
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return 0
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return 1
        return 2
    if lang == "pl":
        if n == 1:
            return 0
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return 1
        return 2
    return 0 if n == 1 else 1


def counted(lang: str, n: int, noun: str) -> str:
    """`5 minutes`, `5 minut`, `5 минут`: the number and the noun's form for it."""
    forms = t(lang, f"plural.{noun}").split("|")
    index = min(plural_form(lang, n), len(forms) - 1)
    return f"{n} {forms[index]}"


def duration(lang: str, minutes: int) -> str:
    """`31 minutes`, `4 hours 31 minutes`, `2 days 3 hours`: two units at most."""
    minutes = max(0, minutes)
    if minutes < 60:
        return counted(lang, minutes, "minute")
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        tail = f" {counted(lang, rest, 'minute')}" if rest else ""
        return counted(lang, hours, "hour") + tail
    days, hours = divmod(hours, 24)
    tail = f" {counted(lang, hours, 'hour')}" if hours else ""
    return counted(lang, days, "day") + tail


def age(lang: str, minutes: int) -> str:
    """How long ago: `just now`, `5 minutes ago`, `2 godziny temu`."""
    if minutes < 1:
        return t(lang, "age.just_now")
    return t(lang, "age.ago", duration=duration(lang, minutes))


def quoted_sentence(lang: str, text: str) -> str:
    """User text quoted inside a sentence, and the sentence closed once.

    `my laptop does not boot` -> “my laptop does not boot”. and `is the vpn down?`
    -> “is the vpn down?” (its own mark ends the sentence): no `?.` and no `….`.
    """
    opening, closing = _QUOTES.get(lang, _QUOTES["en"])
    body = " ".join(text.split())
    if body.endswith(".") and not body.endswith(".."):
        body = body[:-1].rstrip()
    if body.endswith(_SENTENCE_ENDS):
        return f"{opening}{body}{closing}"
    return f"{opening}{body}{closing}."
