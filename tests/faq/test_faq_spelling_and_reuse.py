"""Queries typed without diacritics, entries learning across languages, classifiers reused."""

from collections.abc import Callable
from pathlib import Path

from core.faq.calibrate import ScoredQuery, precise_threshold
from core.faq.classifier import FittedClassifiers
from core.faq.diacritics import DiacriticRestorer
from core.faq.embedder import CachedEmbedder
from core.faq.kb import load_knowledge_base
from core.faq.matcher import FaqMatcher
from core.faq.train import load_model, save_model, train
from tests.faq.fakes import HashingEmbedder

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


def test_words_typed_without_diacritics_get_the_knowledge_bases_spelling() -> None:
    restorer = DiacriticRestorer(
        ["Jak zmienić hasło?", "Hasło wygasło", "nie pamietam hasla", "las za biurem", "las"]
    )

    assert restorer.restore("Haslo wygaslo, jak zmienic?") == "Hasło wygasło, jak zmienić?"
    # "las" is written plain more often than any spelling with diacritics: a word of its own
    assert restorer.restore("las") == "las"
    assert restorer.restore("hasla") == "hasla"  # only ever written plain
    assert restorer.restore("VPN does not work") == "VPN does not work"


def _matcher(root: Path) -> tuple[FaqMatcher, HashingEmbedder]:
    """A matcher on the knowledge base at ``root``, and the embedder that records its texts."""
    fake = HashingEmbedder()
    return FaqMatcher(load_knowledge_base(root), embedder=CachedEmbedder(fake)), fake


def test_the_matcher_embeds_a_polish_query_as_the_knowledge_base_spells_it(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    write_entry("pl", "password", "Zmiana hasła", ["Jak zmienić hasło?", "Hasło wygasło"])
    write_entry("pl", "vpn", "Łączenie z VPN", ["Jak połączyć się z VPN?", "vpn nie działa"])
    matcher, fake = _matcher(kb_root)

    result = matcher.search("jak zmienic haslo", "pl")

    assert "jak zmienić hasło" in fake.texts
    assert result.results[0].entry_id == "password"


def test_an_entry_learns_from_its_questions_in_other_languages(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    write_entry("en", "printer", "Printer", ["printer jammed paper stuck", "printer toner empty"])
    write_entry("en", "network", "VPN", ["vpn disconnects", "vpn client install"])
    write_entry("pl", "printer", "Drukarka", ["drukarka nie drukuje"])
    write_entry("pl", "network", "VPN", ["vpn się rozłącza"])
    matcher, fake = _matcher(kb_root)

    # Only the English questions mention toner; the Polish entry learnt from them.
    assert matcher.search("toner empty again", "pl").results[0].entry_id == "printer"
    assert {"printer jammed paper stuck", "printer toner empty"} <= set(fake.texts)


def test_a_restart_reuses_the_stored_classifiers(sample_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "faq"
    kb = load_knowledge_base(sample_root)
    fitted = FittedClassifiers()
    trained = train(kb, CachedEmbedder(HashingEmbedder()), classifiers=fitted)
    assert trained is not None and fitted.changed
    root.mkdir()
    save_model(root, trained, kb, CachedEmbedder(HashingEmbedder()), fitted)

    restored = FittedClassifiers()
    assert load_model(root, kb, CachedEmbedder(HashingEmbedder()), restored) == trained
    again = FaqMatcher(kb, embedder=CachedEmbedder(HashingEmbedder()), classifiers=restored)
    anew = FaqMatcher(kb, embedder=CachedEmbedder(HashingEmbedder()))

    assert not restored.changed  # nothing was fitted again
    query = "how do I connect to the VPN from home?"
    assert again.search(query, "en").results == anew.search(query, "en").results


def _scored(rows: list[tuple[float, bool | None]]) -> list[ScoredQuery]:
    """(score, right) in scope, or (score, None) out of scope."""
    return [
        ScoredQuery(None if right is None else "e", score, bool(right), bool(right))
        for score, right in rows
    ]


def test_the_answer_threshold_is_the_lowest_that_keeps_answers_precise() -> None:
    # In scope: right at 0.9, 0.8, 0.7, wrong at 0.6; out of scope: 0.75, 0.5.
    scored = _scored([(0.9, True), (0.8, True), (0.7, True), (0.6, False), (0.75, None)])
    scored += _scored([(0.5, None)])

    # With no question out of scope, 3 right of 4 answered at 0.6 is 75 %: 0.7 is needed.
    assert precise_threshold(scored, 0.0, 0.95) == 0.7
    # A quarter out of scope: at 0.7 half the out-of-scope ones are answered too, so
    # precision is 1 / (1 + 0.5 * 1/3 * 4/3) < 95 %; at 0.8 none is.
    assert precise_threshold(scored, 0.25, 0.95) == 0.8
    assert precise_threshold(_scored([(0.9, False), (0.2, None)]), 0.25, 0.95) == float("inf")
