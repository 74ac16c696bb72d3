"""The embedding view, with a fake embedder (and the bundled one when it loads)."""

from pathlib import Path

import pytest

from core.faq.embedder import semantic_available
from core.faq.kb import load_knowledge_base
from core.faq.matcher import FaqMatcher
from core.faq.semantic import SemanticWeights
from core.faq.service import FaqService
from core.faq.thresholds import Thresholds, save_thresholds
from tests.faq.fakes import HashingEmbedder


def test_semantic_view_is_fused_into_scores(sample_root: Path) -> None:
    kb = load_knowledge_base(sample_root)
    embedder = HashingEmbedder()
    lexical = FaqMatcher(kb)
    hybrid = FaqMatcher(kb, embedder=embedder, semantic_weights=SemanticWeights(lexical=0.3))

    plain = lexical.search("I forgot my password", "en")
    fused = hybrid.search("I forgot my password", "en")

    assert hybrid.scorer == "semantic"
    assert fused.results[0].entry_id == "password-reset"
    assert fused.results[0].score != plain.results[0].score
    assert all(0.0 <= m.score <= 1.0 for m in fused.results)


def test_chit_chat_skips_the_embedder(sample_root: Path) -> None:
    embedder = HashingEmbedder()
    matcher = FaqMatcher(load_knowledge_base(sample_root), embedder=embedder)
    calls = embedder.calls

    assert matcher.search("thanks!", "en").decision == "none"
    assert embedder.calls == calls


def test_each_scorer_reads_its_own_thresholds(sample_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "faq"
    (root / "en").mkdir(parents=True)
    for source in (sample_root / "en").glob("*.md"):
        (root / "en" / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    save_thresholds(root, Thresholds(answer=0.9, suggest=0.1), "lexical")

    assert FaqService(root, "en").matcher.thresholds == Thresholds(answer=0.9, suggest=0.1)
    if semantic_available():
        semantic = FaqService(root, "en", semantic=True).matcher
        assert semantic.thresholds != Thresholds(answer=0.9, suggest=0.1)


@pytest.mark.skipif(not semantic_available(), reason="the semantic extra is not installed")
def test_bundled_embedder_understands_paraphrases(sample_root: Path) -> None:
    service = FaqService(sample_root, "en", semantic=True)

    assert service.search("I can't remember my login secret", "en").results[0].entry_id == (
        "password-reset"
    )
    assert service.search("Не могу вспомнить пароль", "ru").results[0].entry_id == "password-reset"


def test_many_questions_are_embedded_in_one_batch_with_the_same_answers(
    sample_root: Path,
) -> None:
    embedder = HashingEmbedder()
    service = FaqService(sample_root, "en", semantic=True, embedder=embedder)
    questions = [
        "I forgot my password",
        "Hi team, the VPN drops every evening. Could you help? Thanks, Anna",
        "thanks!",
        "how do I book a meeting room",
    ]
    one_by_one = [
        FaqService(sample_root, "en", semantic=True, embedder=HashingEmbedder()).search(q)
        for q in questions
    ]
    service.search("warm up")
    calls = embedder.calls

    together = service.search_many(questions)

    assert together == one_by_one
    assert embedder.calls == calls + 1
