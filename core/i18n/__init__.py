"""The message catalog: every user-facing string, in English, Polish and Russian."""

from __future__ import annotations

from collections.abc import Mapping

from core.i18n import en, pl, ru, web_en, web_pl, web_ru

# The web console's texts (web_*.py) are kept apart from the chat's, in the same catalog.
CATALOGS: Mapping[str, Mapping[str, str]] = {
    "en": {**en.MESSAGES, **web_en.MESSAGES},
    "pl": {**pl.MESSAGES, **web_pl.MESSAGES},
    "ru": {**ru.MESSAGES, **web_ru.MESSAGES},
}
FALLBACK = "en"


class _KeepMissing(dict[str, object]):
    """Leaves an unknown {placeholder} visible instead of raising mid-delivery."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def has_key(key: str) -> bool:
    return key in CATALOGS[FALLBACK]


def t(lang: str, key: str, /, **params: object) -> str:
    """The message `key` in `lang` (English if untranslated), with `params` filled in."""
    template = CATALOGS.get(lang, {}).get(key) or CATALOGS[FALLBACK].get(key)
    if template is None:
        return key
    return template.format_map(_KeepMissing(params))


def t_first(lang: str, keys: list[str], /, **params: object) -> str:
    """The first of `keys` that the catalog knows (a specific text, then a general one)."""
    for key in keys:
        if has_key(key):
            return t(lang, key, **params)
    return t(lang, keys[-1], **params)
