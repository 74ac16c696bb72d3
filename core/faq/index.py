"""Lexical retrieval over one language's entries: char n-grams + word stems, fused."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from core.faq.entry_words import EntryWords
from core.faq.features import word_ngrams
from core.faq.model import FaqEntry
from core.faq.normalize import fold, normalize, normalize_folded
from core.faq.stemming import stem_variants
from core.faq.typos import TypoCorrector
from core.faq.vectors import (
    FloatArray,
    IntArray,
    Postings,
    TfidfSpace,
    centroids,
    select_rows,
)


@dataclass(frozen=True)
class LexicalWeights:
    """How much each view counts in the fused score (a weighted mean, so it stays in [0, 1]).

    "profile" compares the query with all of an entry's texts at once (the centroid of
    its title and questions); "nearest" with its single closest text. Profiles
    generalise better; the nearest text rewards a near-verbatim hit. Chosen by a grid
    search on CLINC150 val + oos_val (top-1 and the abstention objective), never on a
    test split; neighbouring weights score within half a point.
    """

    char_profile: float = 1.0
    word_profile: float = 1.0
    char_nearest: float = 0.5
    word_nearest: float = 0.5

    @property
    def total(self) -> float:
        return self.char_profile + self.word_profile + self.char_nearest + self.word_nearest


def entry_texts(entry: FaqEntry) -> tuple[str, ...]:
    """What the entry's file says about it: its title and questions."""
    return (entry.title, *entry.questions)


def indexed_texts(entry: FaqEntry) -> tuple[str, ...]:
    """Every text a query may be nearest to: the file's, then the learned phrasings."""
    return (*entry_texts(entry), *entry.learned)


@dataclass(frozen=True)
class TextLayout:
    """Where each entry's texts are in the flat list of ``indexed_texts`` of all entries."""

    starts: IntArray  # first text of each entry
    own: npt.NDArray[np.bool_]  # the text is the file's (title or question), not learned

    @classmethod
    def of(cls, entries: Sequence[FaqEntry]) -> "TextLayout":
        sizes = [len(indexed_texts(entry)) for entry in entries]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        own = [flag for e in entries for flag in _own_flags(e)]
        return cls(starts, np.asarray(own, dtype=np.bool_))

    @property
    def own_starts(self) -> IntArray:
        """``starts`` counted over the file's texts only."""
        before = np.concatenate(([0], np.cumsum(self.own)))
        return before[self.starts].astype(np.int64)


def _own_flags(entry: FaqEntry) -> list[bool]:
    return [True] * len(entry_texts(entry)) + [False] * len(entry.learned)


class _View:
    """One TF-IDF space with postings over single texts and over entry profiles.

    Profiles are made of the file's texts only; learned phrasings count as single texts.
    """

    def __init__(
        self,
        docs: Sequence[Sequence[str]],
        expand: Callable[[str], Sequence[str]],
        layout: TextLayout,
    ) -> None:
        # IDF counts entries, not texts: a word in every question of one entry
        # ("vpn") is that entry's signature, not a common word.
        starts = layout.starts
        groups = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(docs))))
        self.space = TfidfSpace(docs, expand, groups)
        self.texts = Postings(self.space.rows)
        own = select_rows(self.space.rows, layout.own)
        self.profiles = Postings(centroids(own, layout.own_starts))
        self.starts = starts

    def scores(self, tokens: Sequence[str]) -> tuple[FloatArray, FloatArray]:
        vector = self.space.query(tokens)
        nearest = np.maximum.reduceat(self.texts.dot(vector), self.starts)
        return self.profiles.dot(vector), nearest


class LexicalIndex:
    def __init__(
        self, entries: Sequence[FaqEntry], lang: str, weights: LexicalWeights | None = None
    ) -> None:
        self.entries = tuple(entries)
        self.lang = lang
        self.weights = weights or LexicalWeights()
        texts = [text for entry in self.entries for text in indexed_texts(entry)]
        layout = TextLayout.of(self.entries)
        normal = [normalize(text) for text in texts]
        folded = [fold(text) for text in normal]
        self.typos = TypoCorrector(word for text in folded for word in text.split())
        self._chars = _View([text.split() for text in folded], word_ngrams, layout)
        self._words = _View([text.split() for text in normal], self._stems, layout)
        self._wording = EntryWords(
            [
                [normalize(text) for text in (*entry_texts(entry), entry.answer)]
                for entry in self.entries
            ],
            self._stems,
        )

    def __len__(self) -> int:
        return len(self.entries)

    def nearer_a_miss(self, normal_query: str, entry: int) -> bool:
        """Is ``normal_query`` more like one of the entry's misses (core/faq/learned.py) than
        like every text of the entry itself? (rapidfuzz's token sort ratio, diacritics folded)"""
        item = self.entries[entry]
        if not item.missed:
            return False
        query = fold(normal_query)

        def likeness(texts: Sequence[str]) -> float:
            return max(fuzz.token_sort_ratio(query, normalize_folded(text)) for text in texts)

        return likeness(item.missed) > likeness(indexed_texts(item))

    def scores(self, normal_query: str) -> FloatArray:
        """Fused score in [0, 1] of every entry for an already normalised query."""
        if not self.entries:
            return np.zeros(0)
        folded = fold(normal_query)
        words = self._spelled(normal_query)
        char_profile, char_nearest = self._chars.scores(folded.split())
        word_profile, word_nearest = self._words.scores(words)
        w = self.weights
        fused = (
            w.char_profile * char_profile
            + w.word_profile * word_profile
            + w.char_nearest * char_nearest
            + w.word_nearest * word_nearest
        ) / w.total
        return np.clip(fused, 0.0, 1.0)

    def coverage(self, normal_query: str) -> float:
        """Share of the query's words the knowledge base uses (typos forgiven).

        A question about something the FAQ never mentions shares few words with it,
        however close its embedding lands.
        """
        words = fold(normal_query).split()
        if not words:
            return 0.0
        known = self.typos.known
        return sum(self.typos.correct(w) in known for w in words) / len(words)

    def wording(self, normal_query: str) -> FloatArray:
        """Per entry, the share of the query's words (weighted by rarity) that the entry's
        file uses, its answer included (core/faq/entry_words.py)."""
        return self._wording.shares(self._spelled(normal_query))

    def _spelled(self, normal_query: str) -> list[str]:
        return [
            self._spell(word, raw)
            for word, raw in zip(fold(normal_query).split(), normal_query.split(), strict=True)
        ]

    def _stems(self, word: str) -> tuple[str, ...]:
        return stem_variants(word, self.lang)

    def _spell(self, folded_word: str, raw_word: str) -> str:
        corrected = self.typos.correct(folded_word)
        # Keep the diacritics when the word is known: the stemmer works better with them.
        return raw_word if corrected == folded_word else corrected
