"""Numbers in words: plural forms and the ordinal of "the Nth ticket", per language.

Plural categories follow CLDR's cardinal rules (en: one/other; pl and ru: one/few/many);
the catalog has every `<key>.one|few|many` in every language (English's few and many are
the same text). Ordinals agree with the catalog's noun for a ticket: Polish
"zgłoszenie" is neuter, Russian "заявка" feminine.
"""

from __future__ import annotations

from core.i18n import t

_PL_NEUTER = (
    "pierwsze",
    "drugie",
    "trzecie",
    "czwarte",
    "piąte",
    "szóste",
    "siódme",
    "ósme",
    "dziewiąte",
    "dziesiąte",
)
_RU_FEMININE = (
    "первая",
    "вторая",
    "третья",
    "четвёртая",
    "пятая",
    "шестая",
    "седьмая",
    "восьмая",
    "девятая",
    "десятая",
)


def plural_category(lang: str, n: int) -> str:
    """CLDR's cardinal category of `n` in `lang`: one, few or many (other is many)."""
    if lang in ("pl", "ru"):
        if lang == "ru" and n % 10 == 1 and n % 100 != 11:
            return "one"
        if lang == "pl" and n == 1:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "many"


def plural(lang: str, key: str, n: int, **params: object) -> str:
    """The catalog's `key` form for `n` (`key.one`, `key.few` or `key.many`), filled in."""
    return t(lang, f"{key}.{plural_category(lang, n)}", count=n, **params)


def ticket_ordinal(lang: str, n: int) -> str:
    """ "3rd" / "trzecie" / "третья": the Nth ticket, in words up to ten in pl and ru."""
    if lang == "pl":
        return _PL_NEUTER[n - 1] if 1 <= n <= 10 else f"{n}."
    if lang == "ru":
        return _RU_FEMININE[n - 1] if 1 <= n <= 10 else f"{n}-я"
    if 11 <= n % 100 <= 13:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
