"""The sentence-embedding view, fused with the lexical score."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.faq.classifier import ClassifierSettings, SoftmaxClassifier, fit_classifier
from core.faq.embedder import Embedder, embed_query
from core.faq.index import TextLayout, indexed_texts
from core.faq.model import FaqEntry
from core.faq.vectors import FloatArray


@dataclass(frozen=True)
class SemanticWeights:
    """How the fused score is made.

    With two entries or more, an entry classifier trained on the knowledge base's texts
    (core/faq/classifier.py) gives P(entry | query), and the lexical score is added with
    weight ``lexical``: fused = (P + lexical * L) / (1 + lexical). With a single entry
    there is nothing to tell apart, and the score is the centred cosine with the entry's
    profile (mean of its title and questions) and nearest text, beside the lexical one.
    Cosines are taken after centring every vector on the knowledge base's mean (e5 puts
    all sentences in a narrow cone; centring spreads them). Chosen on CLINC150 val +
    oos_val (bench/faq_quality.py), never on a test split.
    """

    lexical: float = 0.3
    # Weight of a learned phrasing as the classifier's example. 0: learned phrasings count
    # only as texts a query may be nearest to (the lexical nearest view and the confidence
    # model's "similarity"). On the learning replay (bench/faq_learning.py) weights 0.3 and
    # 1 cost Polish precision 8-10 points and English top-1 3-5 points: a few long chatty
    # messages per entry teach the classifier chattiness, not the entry.
    learned: float = 0.0
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)
    # the single-entry fallback
    cosine_lexical: float = 0.2
    profile: float = 1.0
    nearest: float = 0.25


@dataclass(frozen=True)
class SemanticViews:
    profile: FloatArray  # centred cosine with every entry's profile
    nearest: FloatArray  # ... with its nearest text, learned phrasings included
    probability: FloatArray | None  # the classifier's P(entry | query); None with one entry


class SemanticIndex:
    def __init__(
        self,
        entries: Sequence[FaqEntry],
        embedder: Embedder,
        weights: SemanticWeights | None = None,
    ) -> None:
        self.embedder = embedder
        self.weights = weights or SemanticWeights()
        texts = [text for entry in entries for text in indexed_texts(entry)]
        layout = TextLayout.of(entries)
        self._starts = layout.starts
        rows = embedder.embed(texts) if texts else np.zeros((0, 1))
        own = rows[layout.own]
        # The centre and the profiles are the files' texts: learned phrasings (chatty,
        # many for popular entries) would tilt both.
        self._mean = own.mean(axis=0) if len(own) else np.zeros(rows.shape[1])
        self._texts = _unit(rows - self._mean)
        own_texts = self._texts[layout.own]
        sums = (
            np.add.reduceat(own_texts, layout.own_starts, axis=0) if len(own_texts) else own_texts
        )
        self._profiles = _unit(sums)
        self._classifier: SoftmaxClassifier | None = None
        if len(entries) > 1:
            labels = np.repeat(
                np.arange(len(entries)), np.diff(np.append(self._starts, len(texts)))
            )
            examples = np.where(layout.own, 1.0, self.weights.learned)
            self._classifier = fit_classifier(
                self._texts, labels, len(entries), examples, settings=self.weights.classifier
            )

    def views(self, query: str) -> SemanticViews:
        vector = _unit(embed_query(self.embedder, query) - self._mean)
        profile = self._profiles @ vector
        nearest = np.maximum.reduceat(self._texts @ vector, self._starts)
        probability = self._classifier.probabilities(vector) if self._classifier else None
        return SemanticViews(profile, nearest, probability)

    def fuse(self, lexical: FloatArray, query: str) -> tuple[FloatArray, FloatArray]:
        """The fused score of every entry, and the centred cosine with its nearest text."""
        if not len(lexical):
            return lexical, lexical
        seen = self.views(query)
        w = self.weights
        nearest = np.clip(seen.nearest, 0.0, 1.0)
        if seen.probability is not None:
            fused = (seen.probability + w.lexical * lexical) / (1.0 + w.lexical)
        else:
            fused = (
                w.cosine_lexical * lexical
                + w.profile * np.clip(seen.profile, 0.0, 1.0)
                + w.nearest * nearest
            ) / (w.cosine_lexical + w.profile + w.nearest)
        return np.clip(fused, 0.0, 1.0), nearest


def _unit(rows: FloatArray) -> FloatArray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)
