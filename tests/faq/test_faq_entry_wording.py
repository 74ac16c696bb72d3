"""How much of a question's wording its entry uses: evidence that it asks what the entry
answers, and not something next to it."""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.faq.index import LexicalIndex
from core.faq.kb import load_knowledge_base
from core.faq.normalize import normalize

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


@pytest.fixture
def travel(kb_root: Path, write_entry: WriteEntry) -> LexicalIndex:
    write_entry(
        "en",
        "travel-booking",
        "Booking business travel",
        ["How do I book a flight for a business trip?", "book hotel for client visit"],
        answer="Book trains, flights and hotels in the travel portal; your manager approves.",
    )
    write_entry(
        "en",
        "vpn",
        "Connecting to the VPN",
        ["How do I connect to the VPN?", "vpn not working from home"],
        answer="Install the client from the portal and sign in.",
    )
    write_entry(
        "pl",
        "travel-booking",
        "Podróże służbowe",
        ["Jak zarezerwować lot na wyjazd służbowy?"],
        answer="Bilety i hotele rezerwujesz w portalu podróży.",
    )
    return LexicalIndex(load_knowledge_base(kb_root).entries("en"), "en")


def _share(index: LexicalIndex, query: str, entry: str) -> float:
    order = [e.id for e in index.entries]
    return float(index.wording(normalize(query))[order.index(entry)])


def test_a_question_in_the_entrys_own_words_is_covered_by_it(travel: LexicalIndex) -> None:
    assert _share(travel, "how do I book a flight for a business trip?", "travel-booking") == (
        pytest.approx(1.0)
    )


def test_the_answer_counts_as_the_entrys_wording(travel: LexicalIndex) -> None:
    # "train" and "portal" appear only in the answer
    assert _share(travel, "book a train in the portal", "travel-booking") == pytest.approx(1.0)


def test_words_the_entry_never_uses_lower_its_share(travel: LexicalIndex) -> None:
    business = _share(travel, "how do I book a train for a business trip?", "travel-booking")
    private = _share(
        travel, "how do I book a train for a private trip to visit my parents?", "travel-booking"
    )

    assert private < business
    assert private < 0.75


def test_rare_words_weigh_more_than_common_ones(travel: LexicalIndex) -> None:
    # both add one word the travel entry lacks; "install" is the other entry's, "i" both's
    with_common = _share(travel, "book hotel i", "travel-booking")
    with_rare = _share(travel, "book hotel install", "travel-booking")

    assert with_common == pytest.approx(1.0)
    assert with_rare < with_common


def test_typos_are_forgiven(travel: LexicalIndex) -> None:
    share = _share(travel, "boook a flihgt for a busines trip", "travel-booking")

    assert share == pytest.approx(1.0)


def test_polish_without_diacritics_matches_the_entrys_words(
    kb_root: Path, travel: LexicalIndex
) -> None:
    polish = LexicalIndex(load_knowledge_base(kb_root).entries("pl"), "pl")

    assert float(polish.wording(normalize("zarezerwowac hotel na wyjazd sluzbowy"))[0]) == (
        pytest.approx(1.0)
    )


def test_a_query_without_words_is_no_evidence(travel: LexicalIndex) -> None:
    assert np.all(travel.wording("") == 1.0)


def test_a_learned_message_lends_the_entry_none_of_its_words(
    kb_root: Path, travel: LexicalIndex
) -> None:
    # One person's context ("my parents are visiting") is theirs, not the entry's.
    entries = load_knowledge_base(kb_root).entries("en")
    learned = [
        replace(e, learned=("my parents are visiting, how do I book them a hotel?",))
        if e.id == "travel-booking"
        else e
        for e in entries
    ]
    before = LexicalIndex(entries, "en")
    after = LexicalIndex(learned, "en")
    query = "how do I book a train for a private trip to visit my parents?"

    assert _share(after, query, "travel-booking") == _share(before, query, "travel-booking")
