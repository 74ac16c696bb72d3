"""Map a misspelt query word onto the knowledge base's vocabulary (rapidfuzz edit distance)."""

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 4  # shorter words have too many neighbours one edit away
_CACHE_LIMIT = 50_000


class TypoCorrector:
    def __init__(self, words: Iterable[str]) -> None:
        counts = Counter(words)
        self.known = frozenset(counts)
        # Most frequent first, so ties between equally close words go to the common one.
        self._vocabulary = [word for word, _ in counts.most_common() if len(word) >= MIN_LENGTH - 1]
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """The closest known word within 1 edit (2 for long words), else the word itself."""
        if word in self.known or len(word) < MIN_LENGTH or not word.isalpha():
            return word
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        limit = 1 if len(word) <= 6 else 2
        best = process.extractOne(word, self._vocabulary, scorer=OSA.distance, score_cutoff=limit)
        corrected = best[0] if best is not None else word
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[word] = corrected
        return corrected
