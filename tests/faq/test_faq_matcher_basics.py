"""Contract of FaqMatcher.search that every matcher version must keep."""

from collections.abc import Callable
from pathlib import Path

import pytest

from core.faq.kb import load_knowledge_base
from core.faq.matcher import FaqMatcher
from core.faq.thresholds import Thresholds

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


@pytest.fixture
def matcher(kb_root: Path, write_entry: WriteEntry) -> FaqMatcher:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    write_entry("en", "password", "Resetting a password", ["I forgot my password"])
    write_entry("en", "printer", "Printing", ["How do I print a document?"])
    write_entry("en", "wifi", "Guest Wi-Fi", ["What is the guest wifi password?"])
    return FaqMatcher(load_knowledge_base(kb_root))


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_none_without_results(matcher: FaqMatcher, query: str) -> None:
    result = matcher.search(query, "en")

    assert (result.decision, result.results, result.query) == ("none", (), query)


def test_results_best_first_at_most_three(matcher: FaqMatcher) -> None:
    result = matcher.search("I forgot my password", "en")

    assert result.results[0].entry_id == "password"
    assert len(result.results) <= 3
    scores = [m.score for m in result.results]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert result.results[0].title == "Resetting a password"


def test_decision_follows_thresholds(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "password", "Resetting a password", ["I forgot my password"])
    kb = load_knowledge_base(kb_root)

    def decide(thresholds: Thresholds) -> str:
        return FaqMatcher(kb, thresholds).search("I forgot my password", "en").decision

    assert decide(Thresholds(answer=0.0, suggest=0.0)) == "answer"
    assert decide(Thresholds(answer=1.01, suggest=0.0)) == "suggest"
    assert decide(Thresholds(answer=1.01, suggest=1.01)) == "none"


def test_unknown_language_yields_no_answer(matcher: FaqMatcher) -> None:
    result = matcher.search("I forgot my password", "de")

    assert result.decision in ("none", "suggest", "answer")
    assert result.lang


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("password", "I forgot my password, how do I reset it?"),
        ("Hi, VPN?", "How do I connect to the VPN from home?"),
        ("hasło", "Zapomniałem hasła, jak je zresetować?"),
        ("сброс пароля", "Я забыл пароль, как его сбросить?"),
    ],
)
def test_one_or_two_words_get_a_choice_never_a_direct_answer(
    sample_root: Path, short: str, full: str
) -> None:
    # Thresholds any score passes: only the query's length keeps it from a direct answer.
    matcher = FaqMatcher(load_knowledge_base(sample_root), Thresholds(answer=0.0, suggest=0.0))

    offered = matcher.search(short)
    answered = matcher.search(full)

    assert (offered.decision, answered.decision) == ("suggest", "answer")
    assert answered.results[0].entry_id in [m.entry_id for m in offered.results]


def test_the_result_says_whether_its_language_was_clear_or_a_fallback(
    sample_root: Path,
) -> None:
    matcher = FaqMatcher(load_knowledge_base(sample_root), default_lang="en")

    clear = matcher.search("gdzie mogę zaparkować rower przed biurem?")
    # One word reads as Polish as easily as English: a guess, not a sure language.
    thin = matcher.search("laptop")
    asked = matcher.search("laptop", "en")

    assert (clear.lang, clear.lang_sure) == ("pl", True)
    assert matcher.search("which wine goes best with grilled salmon?").lang_sure
    assert not thin.lang_sure
    assert (asked.lang, asked.lang_sure) == ("en", True)
    assert matcher.search("где можно оставить велосипед?").lang_sure
