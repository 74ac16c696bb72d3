"""A message of several sentences: the whole speaks, a sentence only where the whole is unsure."""

from collections.abc import Callable
from pathlib import Path

from core.faq.kb import load_knowledge_base
from core.faq.matcher import FaqMatcher
from core.faq.thresholds import Thresholds

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


def _atm_matcher(kb_root: Path, write_entry: WriteEntry, answer: float) -> FaqMatcher:
    write_entry(
        "en",
        "card-declined",
        "Card declined at an ATM",
        ["the ATM declined my card", "cash machine rejected my card"],
    )
    write_entry(
        "en",
        "pending-withdrawal",
        "Cash withdrawal still pending",
        [
            "my cash withdrawal still shows as pending",
            "the ATM declined my card but the withdrawal is pending",
        ],
    )
    return FaqMatcher(load_knowledge_base(kb_root), Thresholds(answer=answer, suggest=0.2))


def test_a_sure_answer_to_the_whole_message_is_not_overridden_by_one_sentence(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    matcher = _atm_matcher(kb_root, write_entry, answer=0.5)
    first_sentence = matcher.search("The ATM declined my card.", "en")
    assert first_sentence.results[0].entry_id == "card-declined"

    result = matcher.search(
        "The ATM declined my card. The withdrawal still shows as pending.", "en"
    )

    # The first sentence alone matches "card declined" more closely than the whole message
    # matches anything, but only the whole says what happened: the withdrawal is pending.
    assert first_sentence.results[0].score > result.results[0].score
    assert result.decision == "answer"
    assert result.results[0].entry_id == "pending-withdrawal"


def test_a_sentence_answers_when_the_whole_message_is_not_sure_enough(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    matcher = _atm_matcher(kb_root, write_entry, answer=0.7)
    context = "Our team moved to the new office on Monday and nothing is unpacked yet."
    assert matcher.search(context, "en").decision != "answer"

    result = matcher.search(f"{context} The ATM declined my card.", "en")

    assert result.decision == "answer"
    assert result.results[0].entry_id == "card-declined"
