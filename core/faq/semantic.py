"""The sentence-embedding view, fused with the lexical score."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.faq.embedder import Embedder, embed_query
from core.faq.index import entry_texts
from core.faq.model import FaqEntry
from core.faq.vectors import FloatArray


@dataclass(frozen=True)
class SemanticWeights:
    """Weights of the fused score: lexical (already a mean of its views) and embeddings.

    Cosines are taken after centring every vector on the knowledge base's mean (e5 puts
    all sentences in a narrow cone; centring spreads them), then clipped below at
    ``floor``. Chosen on CLINC150 val + oos_val (bench/faq_quality.py): the entry
    profile (mean of its title and questions) carries most of the signal.
    """

    lexical: float = 0.2
    profile: float = 1.0
    nearest: float = 0.25
    floor: float = 0.0


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
        rows = embedder.embed(texts) if texts else np.zeros((0, 1))
        self._mean = rows.mean(axis=0) if texts else np.zeros(rows.shape[1])
        self._texts = _unit(rows - self._mean)
        sums = np.add.reduceat(self._texts, self._starts, axis=0) if texts else self._texts
        self._profiles = _unit(sums)

    def views(self, query: str) -> tuple[FloatArray, FloatArray]:
        """Centred cosines of the query with every entry's profile and its nearest text."""
        vector = _unit(embed_query(self.embedder, query) - self._mean)
        profile = self._profiles @ vector
        nearest = np.maximum.reduceat(self._texts @ vector, self._starts)
        return profile, nearest

    def fuse(self, lexical: FloatArray, query: str) -> FloatArray:
        if not len(lexical):
            return lexical
        profile, nearest = self.views(query)
        w = self.weights
        fused = (
            w.lexical * lexical
            + w.profile * self._rescale(profile)
            + w.nearest * self._rescale(nearest)
        ) / (w.lexical + w.profile + w.nearest)
        return np.clip(fused, 0.0, 1.0)

    def _rescale(self, cosines: FloatArray) -> FloatArray:
        floor = self.weights.floor
        return np.clip((cosines - floor) / (1.0 - floor), 0.0, 1.0)


def _unit(rows: FloatArray) -> FloatArray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)
