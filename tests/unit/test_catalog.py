"""Every user-facing string exists in English, Polish and Russian."""

from __future__ import annotations

import re

import pytest

from core.i18n import CATALOGS, t

PLACEHOLDER = re.compile(r"{(\w+)}")


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_every_key_is_translated_with_the_same_placeholders(lang: str) -> None:
    english = CATALOGS["en"]
    other = CATALOGS[lang]
    assert set(other) == set(english)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), key


def test_unknown_language_falls_back_to_english() -> None:
    assert t("de", "error.agents_only") == "Only agents can do that."


def test_a_missing_parameter_stays_visible_instead_of_crashing() -> None:
    assert t("en", "error.unknown_ticket") == "There is no ticket #{number} that you can see."
