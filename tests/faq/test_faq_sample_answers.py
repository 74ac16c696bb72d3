"""The sample knowledge base sends people to a person through the bot, never elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.faq.kb import load_knowledge_base

FAQ = Path(__file__).resolve().parents[2] / "faq"

# How a person is reached through the bot, in each language: the button under every
# FAQ answer (core/i18n: faq.button.human) or the /ticket command.
REACH_A_PERSON = {
    "en": ("**Talk to a human**", "`/ticket`"),
    "pl": ("**Porozmawiaj z człowiekiem**", "`/ticket`"),
    "ru": ("**Позвать человека**", "`/ticket`"),
}


@pytest.mark.parametrize("lang", sorted(REACH_A_PERSON))
def test_every_answer_ends_by_telling_how_to_reach_a_person(lang: str) -> None:
    kb = load_knowledge_base(FAQ)
    entries = [entry for entry in kb.all_entries() if entry.lang == lang]
    assert entries
    for entry in entries:
        last = entry.answer.strip().splitlines()[-1]
        assert all(way in last for way in REACH_A_PERSON[lang]), (entry.id, last)


def test_no_answer_sends_people_to_a_portal_for_a_ticket() -> None:
    """The portals' forms stay (software, peripherals, repairs); tickets are the bot's.
    (English only: in Polish and Russian the word for a ticket also names a form.)"""
    kb = load_knowledge_base(FAQ)
    for entry in kb.all_entries():
        if entry.lang != "en":
            continue
        for line in entry.answer.lower().splitlines():
            assert not ("portal" in line and "ticket" in line), (entry.id, line)
