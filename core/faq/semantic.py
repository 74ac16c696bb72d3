"""The sentence-embedding view, fused with the lexical score."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from core.faq.classifier import ClassifierSettings, FittedClassifiers, SoftmaxClassifier
from core.faq.diacritics import DiacriticRestorer
from core.faq.embedder import Embedder, block_infos, blocks_for, blocks_of, embed_in, embed_query
from core.faq.index import TextLayout, entry_texts, indexed_texts
from core.faq.model import FaqEntry
from core.faq.normalize import fold
from core.faq.spread import EntrySpread
from core.faq.vectors import FloatArray, IntArray


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
    # Weight of each further embedder's classifier (USE) beside the first one's (e5, or
    # MiniLM in English), which is 1. On CLINC150 val and BANKING77 train questions past the
    # first ten, 0.5 gave 88.6 % and 82.1 % top-1 with the lexical score beside e5, against
    # 88.3 % and 81.1 % with e5 alone; beside MiniLM 0.5 gave 89.8 % and 86.3 %, 0.25 gave
    # 89.5 % and 86.2 % (bench/README.md).
    ensemble: float = 0.5
    # Weight of a learned phrasing as the classifier's example. 0: learned phrasings count
    # only as texts a query may be nearest to (the lexical nearest view and the confidence
    # model's "similarity"). On the learning replay (bench/faq_learning.py) weights 0.3 and
    # 1 cost Polish precision 8-10 points and English top-1 3-5 points: a few long chatty
    # messages per entry teach the classifier chattiness, not the entry.
    learned: float = 0.0
    # Weight of the entry's texts in the knowledge base's other languages as the classifier's
    # examples: the embedders are multilingual, so a Polish entry also learns from its
    # English and Russian questions. Half: another language is a weaker example than one's own.
    translations: float = 0.5
    # Weight of a copy of each text without diacritics ("haslo" for "hasło"): people type
    # that way on phones, and the embedders place the two spellings apart.
    folded: float = 1.0
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)
    # the single-entry fallback
    cosine_lexical: float = 0.2
    profile: float = 1.0
    nearest: float = 0.25


@dataclass(frozen=True)
class SemanticViews:
    profile: FloatArray  # centred cosine with every entry's profile
    nearest: FloatArray  # ... with its nearest text, learned phrasings included
    # the same nearest-text cosine in the further embedders' spaces (USE), averaged; equal
    # to ``nearest`` with a single embedder
    nearest_elsewhere: FloatArray
    probability: FloatArray | None  # the classifier's P(entry | query); None with one entry
    votes: FloatArray  # share of the classifiers (one per embedder) ranking each entry first
    # Mahalanobis distance to each entry's texts (core/faq/spread.py), the embedders' averaged
    distance: FloatArray


class SemanticIndex:
    def __init__(
        self,
        entries: Sequence[FaqEntry],
        embedder: Embedder,
        weights: SemanticWeights | None = None,
        translations: Sequence[Sequence[str]] = (),
        classifiers: FittedClassifiers | None = None,
    ) -> None:
        """``translations``: per entry, its texts in the knowledge base's other languages;
        ``classifiers``: those fitted before, reused when fitted on the same examples."""
        self.embedder = embedder
        self.weights = weights or SemanticWeights()
        texts = [text for entry in entries for text in indexed_texts(entry)]
        layout = TextLayout.of(entries)
        self._starts = layout.starts
        # The blocks of the models that speak the entries' language, the primary one first.
        self.lang = entries[0].lang if entries else ""
        rows = embed_in(embedder, texts, self.lang) if texts else np.zeros((0, 1))
        bounds = list(pairwise(np.cumsum((0, *(blocks_of(embedder) or (rows.shape[1],))))))
        infos = block_infos(embedder)
        spoken = [
            (slice(int(bounds[i][0]), int(bounds[i][1])), infos[i])
            for i in blocks_for(infos, self.lang)
        ]
        self._slices = [part for part, _ in spoken]
        self._shares = [1.0] + [self.weights.ensemble] * (len(spoken) - 1)
        # A model for some languages only learns from the entry's texts in the index's own.
        own_language_only = [info.languages is not None for _, info in spoken]
        # Centring and profiles use the files' texts: learned phrasings (chatty, many for
        # popular entries) would tilt both.
        self._means = [_centre(rows[:, part], layout.own) for part in self._slices]
        own_rows = rows[layout.own]
        own_texts = _unit(own_rows[:, self._slices[0]] - self._means[0])
        sums = (
            np.add.reduceat(own_texts, layout.own_starts, axis=0) if len(own_texts) else own_texts
        )
        self._profiles = _unit(sums)
        own_entries = np.repeat(np.arange(len(entries)), [len(entry_texts(e)) for e in entries])
        self._spreads = [
            EntrySpread.of(_unit(own_rows[:, part] - mean), own_entries, len(entries))
            for part, mean in zip(self._slices, self._means, strict=True)
        ]
        # A query typed without diacritics is nearest to the folded copy of its text.
        near_rows, self._near_starts = (
            _with_folded_copies(entries, rows, embedder, self.lang)
            if self.weights.folded > 0
            else (rows, self._starts)
        )
        # One nearest-text table per embedder: each model judges closeness its own way, and
        # two models finding the query close to the entry is better evidence than one.
        self._near = [
            _unit(near_rows[:, part] - mean)
            for part, mean in zip(self._slices, self._means, strict=True)
        ]
        # Each entry's misses (core/faq/learned.py), as the first embedder sees them.
        self._missed: dict[int, FloatArray] = {}
        missed = [text for item in entries for text in item.missed]
        if missed:
            owners = np.repeat(np.arange(len(entries)), [len(item.missed) for item in entries])
            rows_missed = embed_in(embedder, missed, self.lang)
            vectors = _unit(rows_missed[:, self._slices[0]] - self._means[0])
            for entry in np.unique(owners):
                self._missed[int(entry)] = vectors[owners == entry]
        self._restorer = DiacriticRestorer(
            text for entry in entries for text in (*indexed_texts(entry), entry.answer)
        )
        self._classifiers: list[SoftmaxClassifier] = []
        if len(entries) > 1:
            examples = _Examples.of(entries, self.weights, translations)
            example_rows = embed_in(embedder, examples.texts, self.lang)
            fitted = classifiers or FittedClassifiers()
            for part, mean, only_own in zip(
                self._slices, self._means, own_language_only, strict=True
            ):
                keep = ~examples.translated if only_own else np.ones(len(examples.texts), bool)
                self._classifiers.append(
                    fitted.fit(
                        _unit(example_rows[keep, part] - mean),
                        examples.labels[keep],
                        len(entries),
                        examples.weights[keep],
                        self.weights.classifier,
                        key=(
                            embedder.name,
                            part.start,
                            part.stop,
                            *(t for t, kept in zip(examples.texts, keep, strict=True) if kept),
                        ),
                    )
                )

    def spelled(self, query: str) -> str:
        """``query`` as the knowledge base spells its words: the text that is embedded."""
        return self._restorer.restore(query)

    def nearer_a_miss(self, query: str, entry: int) -> bool:
        """Is ``query`` closer in meaning to one of the entry's misses than to every text of
        the entry itself (its title, questions and learned phrasings)?"""
        missed = self._missed.get(entry)
        if missed is None:
            return False
        row = embed_query(self.embedder, self.spelled(query), self.lang)
        vector = _unit(row[self._slices[0]] - self._means[0])
        first = int(self._near_starts[entry])
        last = int(self._near_starts[entry + 1]) if entry + 1 < len(self._near_starts) else None
        own = self._near[0][first:last] @ vector
        return bool(len(own)) and float((missed @ vector).max()) > float(own.max())

    def views(self, query: str) -> SemanticViews:
        row = embed_query(self.embedder, self.spelled(query), self.lang)
        vectors = [
            _unit(row[part] - mean) for part, mean in zip(self._slices, self._means, strict=True)
        ]
        profile = self._profiles @ vectors[0]
        nearest, *elsewhere = [
            np.maximum.reduceat(texts @ vector, self._near_starts)
            for texts, vector in zip(self._near, vectors, strict=True)
        ]
        nearest_elsewhere = np.mean(elsewhere, axis=0) if elsewhere else nearest
        distance = np.mean(
            [spread.distances(v) for spread, v in zip(self._spreads, vectors, strict=True)], axis=0
        )
        probability: FloatArray | None = None
        votes = np.zeros(len(self._starts))
        if self._classifiers:
            shares = self._shares
            probability = np.zeros(len(self._starts))
            for share, model, vector in zip(shares, self._classifiers, vectors, strict=True):
                own = model.probabilities(vector)
                probability += share * own
                votes[int(np.argmax(own))] += 1.0 / len(self._classifiers)
            probability /= sum(shares)
        elif len(votes):
            votes[int(np.argmax(profile))] = 1.0
        return SemanticViews(profile, nearest, nearest_elsewhere, probability, votes, distance)

    def fuse(self, lexical: FloatArray, query: str) -> tuple[FloatArray, SemanticViews]:
        """The fused score of every entry, and the views it was made of (``nearest`` clipped
        to [0, 1])."""
        if not len(lexical):
            return lexical, SemanticViews(lexical, lexical, lexical, None, lexical, lexical)
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
        elsewhere = np.clip(seen.nearest_elsewhere, 0.0, 1.0)
        return np.clip(fused, 0.0, 1.0), replace(seen, nearest=nearest, nearest_elsewhere=elsewhere)


@dataclass(frozen=True)
class _Examples:
    """What the entry classifiers learn from: each text, its entry and its weight (> 0)."""

    texts: list[str]
    labels: IntArray
    weights: FloatArray
    translated: npt.NDArray[np.bool_]  # the entry's text in another language of the KB

    @classmethod
    def of(
        cls,
        entries: Sequence[FaqEntry],
        weights: SemanticWeights,
        translations: Sequence[Sequence[str]],
    ) -> "_Examples":
        texts: list[str] = []
        labels: list[int] = []
        shares: list[float] = []

        def add(text: str, entry: int, weight: float) -> None:
            if weight > 0:
                texts.append(text)
                labels.append(entry)
                shares.append(weight)

        for entry, item in enumerate(entries):
            for text in entry_texts(item):
                add(text, entry, 1.0)
                if fold(text) != text:
                    add(fold(text), entry, weights.folded)
            for text in item.learned:
                add(text, entry, weights.learned)
        own = len(texts)
        for entry, others in enumerate(translations):
            for text in others:
                add(text, entry, weights.translations)
        translated = np.arange(len(texts)) >= own
        return cls(texts, np.asarray(labels, dtype=np.int64), np.asarray(shares), translated)


def _with_folded_copies(
    entries: Sequence[FaqEntry], rows: FloatArray, embedder: Embedder, lang: str
) -> tuple[FloatArray, IntArray]:
    """``rows`` (of the entries' indexed texts) with the diacritic-free copy of each text that
    has diacritics placed among its entry's, and where each entry starts."""
    entry_of = [entry for entry, item in enumerate(entries) for _ in indexed_texts(item)]
    copies = [
        (entry, fold(text))
        for entry, item in enumerate(entries)
        for text in indexed_texts(item)
        if fold(text) != text
    ]
    labels = np.asarray(entry_of + [entry for entry, _ in copies], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(np.bincount(labels, minlength=len(entries)))[:-1]))
    if not copies:
        return rows, starts.astype(np.int64)
    extra = embed_in(embedder, [text for _, text in copies], lang)
    order = np.argsort(labels, kind="stable")
    return np.vstack([rows, extra])[order], starts.astype(np.int64)


def _centre(rows: FloatArray, own: npt.NDArray[np.bool_]) -> FloatArray:
    mean: FloatArray = rows[own].mean(axis=0) if own.any() else np.zeros(rows.shape[1])
    return mean


def _unit(rows: FloatArray) -> FloatArray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)
