"""all-MiniLM-L6-v2 as the English-only third embedder: checked weights, and a view that
never sways another language's answers."""

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.faq import embedder as embedders
from core.faq import minilm
from core.faq.embedder import BlockEmbedder
from core.faq.kb import load_knowledge_base
from core.faq.matcher import FaqMatcher
from core.faq.vectors import FloatArray
from tests.faq.fakes import HashingEmbedder


def _carrier_installed() -> bool:
    try:
        return minilm.model_folder().is_dir()
    except ImportError:
        return False


needs_weights = pytest.mark.skipif(
    not _carrier_installed(), reason="all-MiniLM-L6-v2's weights are not installed"
)


class NoiseEmbedder:
    """An English-only model that places every text at random: were it consulted outside
    English, it would scramble the ranking."""

    name = "noise-en"
    languages = frozenset({"en"})

    def __init__(self) -> None:
        self._random = np.random.default_rng(7)

    def embed(self, texts: Sequence[str]) -> FloatArray:
        rows = self._random.normal(size=(len(texts), 32))
        unit: FloatArray = rows / np.linalg.norm(rows, axis=1, keepdims=True)
        return unit


def test_an_english_only_model_leaves_other_languages_answers_alone(sample_root: Path) -> None:
    kb = load_knowledge_base(sample_root)
    alone = FaqMatcher(kb, embedder=HashingEmbedder())
    with_noise = FaqMatcher(
        kb, embedder=BlockEmbedder((HashingEmbedder(), NoiseEmbedder()), (64, 32))
    )

    for query, lang in (("Zapomniałem hasła do komputera", "pl"), ("Как сбросить пароль?", "ru")):
        before = alone.search(query, lang).results
        after = with_noise.search(query, lang).results
        assert [(m.entry_id, round(m.score, 9)) for m in after] == [
            (m.entry_id, round(m.score, 9)) for m in before
        ]
    english = "I forgot my password"
    assert with_noise.search(english, "en").results[0].score != (
        alone.search(english, "en").results[0].score
    )


def test_weights_that_are_not_the_published_ones_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    (tmp_path / "tokenizer.json").write_text("{}", encoding="utf-8")

    with pytest.raises(ValueError, match="not all-MiniLM-L6-v2's published weights"):
        minilm.MiniLmEncoder(tmp_path)


def test_the_desk_matches_without_minilm_when_its_weights_are_missing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(minilm, "CARRIER", "no_such_weights_package")
    embedders.load_embedder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            loaded = embedders.load_embedder()
    finally:
        embedders.load_embedder.cache_clear()

    if loaded is None:
        pytest.skip("e5 itself does not load here")
    assert "minilm-l6-v2" not in loaded.name
    assert any("MiniLM embeddings unavailable" in r.getMessage() for r in caplog.records)


@needs_weights
def test_minilm_puts_paraphrases_together_and_apart_from_other_questions() -> None:
    encoder = minilm.MiniLmEncoder()
    rows = encoder.encode(
        [
            "How do I reset my password?",
            "I forgot my password, how can I change it?",
            "Where can I park my car at the office?",
        ]
    )

    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    assert rows[0] @ rows[1] > 0.8
    assert rows[0] @ rows[2] < 0.3
    # batching by length gives every text the row it gets alone
    alone = encoder.encode(["Where can I park my car at the office?"])[0]
    assert np.allclose(alone, rows[2], atol=1e-5)
