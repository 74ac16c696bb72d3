"""Learned phrasings: extra texts of their entry, given to the service as data."""

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from core.faq.embedder import load_embedder
from core.faq.kb import load_knowledge_base
from core.faq.learned import LearnedPhrasing, surer_of, with_learned
from core.faq.model import Match, SearchResult
from core.faq.service import FaqService
from tests.faq.fakes import HashingEmbedder

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py

PHRASING = LearnedPhrasing("vpn", "en", "the tunnel keeps dropping every evening")
SHIPPED = Path(__file__).resolve().parents[2] / "faq"


def _two_entries(write_entry: WriteEntry) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    write_entry("en", "printer", "Printing", ["How do I print a document?"])


def test_a_learned_phrasing_joins_its_entrys_learned_texts(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    _two_entries(write_entry)
    kb = load_knowledge_base(kb_root)
    unknown = LearnedPhrasing("nope", "en", "whatever")
    polish = LearnedPhrasing("printer", "pl", "jak wydrukować")

    learned = with_learned(kb, [PHRASING, PHRASING, unknown, polish])

    vpn = learned.get("vpn", "en")
    assert vpn is not None and vpn.learned == (PHRASING.text,)
    assert vpn.questions == ("How do I connect to the VPN?",)  # the file's own, unchanged
    printer = learned.get("printer", "en")
    assert printer is not None and printer.learned == ("jak wydrukować",)
    assert with_learned(kb, []) is kb


def test_the_service_matches_learned_phrasings_and_forgets_removed_ones(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    _two_entries(write_entry)
    service = FaqService(kb_root, "en")
    assert service.search(PHRASING.text, "en").decision != "answer"

    assert service.learn(PHRASING)
    assert not service.learn(PHRASING)
    result = service.search(PHRASING.text, "en")
    assert result.results[0].entry_id == "vpn"
    assert result.decision == "answer"

    assert service.set_learned([])
    assert service.learned == ()
    vpn = service.entry("vpn", "en")
    assert vpn is not None and PHRASING.text not in vpn.learned


def test_learned_phrasings_survive_a_reload_of_the_files(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    _two_entries(write_entry)
    service = FaqService(kb_root, "en", check_interval=0)
    service.set_learned([PHRASING])
    path = write_entry("en", "wifi", "Wi-Fi", ["How do I join the Wi-Fi?"])
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))

    assert service.entry("wifi", "en") is not None
    assert service.search(PHRASING.text, "en").results[0].entry_id == "vpn"


def _result(decision: str, *ranked: tuple[str, float]) -> SearchResult:
    matches = tuple(Match(entry, entry, score) for entry, score in ranked)
    return SearchResult("q", "en", decision, matches)  # type: ignore[arg-type]


def test_learning_may_make_the_desk_surer_never_less_sure() -> None:
    surer = _result("answer", ("vpn", 0.9), ("wifi", 0.05))
    less_sure = _result("suggest", ("vpn", 0.5), ("wifi", 0.2))
    elsewhere = _result("suggest", ("wifi", 0.6), ("vpn", 0.3))

    assert surer_of(surer, less_sure) is surer
    assert surer_of(less_sure, surer) is surer  # the files alone were surer of the same entry
    # learning that moved another entry first is followed
    assert surer_of(elsewhere, surer) is elsewhere
    assert surer_of(_result("none"), surer).decision == "none"


def test_learned_phrasings_never_lower_the_confidence_in_an_entry_they_keep_first(
    tmp_path: Path,
) -> None:
    """Half the English evaluation set's in-scope questions learned, the rest asked: the
    confidence model, trained without learned phrasings, lowered 68 of these 152 before."""
    embedder = load_embedder()
    if embedder is None:
        pytest.skip("the bundled embedders are not installed")
    root = tmp_path / "faq"
    shutil.copytree(SHIPPED, root)  # its stored model, so nothing is trained here
    lines = (root / "eval" / "en.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    in_scope = [case for case in cases if case["expected"]]
    asked = [c["query"] for c in in_scope[1::2]] + [c["query"] for c in cases if not c["expected"]]
    plain = FaqService(root, "en", semantic="on", embedder=embedder)
    learning = FaqService(root, "en", semantic="on", embedder=embedder)
    learning.set_learned([LearnedPhrasing(c["expected"], "en", c["query"]) for c in in_scope[::2]])

    lowered = []
    for question in asked:
        before, after = plain.search(question).results, learning.search(question).results
        same_first = before and after and before[0].entry_id == after[0].entry_id
        if same_first and after[0].score < before[0].score:
            lowered.append((question, before[0].score, after[0].score))

    assert lowered == []


def test_with_learned_phrasings_many_questions_embed_in_one_batch_per_matcher(
    sample_root: Path,
) -> None:
    # The learned Polish words are spelled back with their diacritics by the learning
    # matcher only: the files-only matcher embeds the question as typed, in a batch too.
    questions = [
        "zapomnialem hasla",
        "tunel zrywa sie kazdego wieczoru",
        "czy tunel zrywa sie kazdego ranka?",
        "jak drukowac",
    ]
    learned = [LearnedPhrasing("vpn-access", "pl", "tunel zrywa się każdego wieczoru")]

    def service(embedder: HashingEmbedder) -> FaqService:
        built = FaqService(sample_root, "pl", semantic=True, embedder=embedder)
        built.set_learned(learned)
        return built

    one_by_one = [service(HashingEmbedder()).search(q) for q in questions]
    embedder = HashingEmbedder()
    batched = service(embedder)
    batched.search("warm up")
    calls = embedder.calls

    together = batched.search_many(questions)

    assert together == one_by_one
    assert embedder.calls == calls + 2  # one batch per matcher


MISS = LearnedPhrasing("vpn", "en", "how do I connect to the VPN on my own laptop?", miss=True)


def test_a_miss_joins_its_entrys_misses_until_the_entry_is_confirmed_for_it(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    _two_entries(write_entry)
    kb = load_knowledge_base(kb_root)
    own_question = LearnedPhrasing("vpn", "en", "How do I connect to the VPN?", miss=True)

    missed = with_learned(kb, [MISS, MISS, own_question])
    vpn = missed.get("vpn", "en")
    assert vpn is not None and vpn.missed == (MISS.text,) and vpn.learned == ()

    # An agent resolved that very question with the entry after all: it is a phrasing now.
    confirmed = with_learned(kb, [MISS, LearnedPhrasing("vpn", "en", MISS.text)])
    vpn = confirmed.get("vpn", "en")
    assert vpn is not None and vpn.missed == () and vpn.learned == (MISS.text,)
    # The same, confirmed on a knowledge base that already carries the miss.
    later = with_learned(missed, [LearnedPhrasing("vpn", "en", MISS.text)]).get("vpn", "en")
    assert later is not None and later.missed == () and later.learned == (MISS.text,)


@pytest.mark.parametrize("semantic", [False, True], ids=["lexical", "semantic"])
def test_a_question_nearer_a_miss_gets_a_choice_instead_of_that_answer(
    kb_root: Path, write_entry: WriteEntry, semantic: bool
) -> None:
    write_entry(
        "en",
        "vpn",
        "Connecting to the VPN",
        ["How do I connect to the VPN?", "the VPN does not work from home"],
    )
    write_entry("en", "printer", "Printing", ["How do I print a document?"])
    embedder = HashingEmbedder() if semantic else None
    service = FaqService(kb_root, "en", semantic=semantic, embedder=embedder)
    retyped = "how do i connect to the vpn on my own laptop"
    assert [service.search(q).decision for q in (MISS.text, retyped)] == ["answer", "answer"]

    service.learn(MISS)

    for question in (MISS.text, retyped):
        result = service.search(question)
        assert result.decision == "suggest"
        assert result.results[0].entry_id == "vpn"  # still offered, and ranked as before
    for own in ("How do I connect to the VPN?", "the VPN does not work from home"):
        assert service.search(own).decision == "answer"
    service.set_learned([])
    assert service.search(MISS.text).decision == "answer"


def test_a_miss_stops_the_shipped_desk_answering_a_close_question_with_that_entry(
    tmp_path: Path,
) -> None:
    """ "can I get a company car?" is answered with the parking permit (its answer speaks of
    cars); once someone asked for a human after that, it and a rewording get a choice."""
    embedder = load_embedder()
    if embedder is None:
        pytest.skip("the bundled embedders are not installed")
    root = tmp_path / "faq"
    shutil.copytree(SHIPPED, root)  # its stored model, so nothing is trained here
    service = FaqService(root, "en", semantic="on", embedder=embedder)
    asked = ["can I get a company car?", "could I have a company car"]
    parking = ["where do I get a parking permit?", "can I park my car at the office?"]
    before = {q: service.search(q) for q in asked + parking}
    assert all(r.decision == "answer" for r in before.values())
    assert {r.results[0].entry_id for r in before.values()} == {"parking-permit"}

    service.learn(LearnedPhrasing("parking-permit", "en", asked[0], miss=True))

    after = {q: service.search(q) for q in asked + parking}
    assert [after[q].decision for q in asked] == ["suggest", "suggest"]
    assert [after[q].decision for q in parking] == ["answer", "answer"]
    assert all(after[q].results == before[q].results for q in after)
