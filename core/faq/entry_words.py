"""How much of a query's wording each entry uses, its answer included.

A question next to an entry in meaning can still ask about something the entry does not
cover: "how do I book a train for a private trip?" shares "book", "train" and "trip" with
the business-travel entry, but the entry never speaks of private trips. The words a
question adds that its first entry never uses (in its title, questions or answer) are
evidence that it asks something else. Rare words weigh more (inverse entry frequency):
every entry says "how" and "I". Learned phrasings do not count: the words of one person's
message around the question (who is visiting, what broke first) are theirs, not the
entry's; on the learning replay (bench/faq_learning.py) counting them answered more
out-of-scope questions in English and Polish.
"""

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from core.faq.vectors import FloatArray


class EntryWords:
    def __init__(
        self, entries_texts: Sequence[Iterable[str]], variants: Callable[[str], Sequence[str]]
    ) -> None:
        """``entries_texts``: per entry, its normalised texts; ``variants``: the stems that
        stand for one word (core/faq/stemming.py)."""
        self._variants = variants
        self._count = len(entries_texts)
        users: dict[str, set[int]] = {}
        for entry, texts in enumerate(entries_texts):
            for text in texts:
                for word in text.split():
                    for stem in variants(word):
                        users.setdefault(stem, set()).add(entry)
        self._users = {stem: np.fromiter(found, dtype=np.int64) for stem, found in users.items()}

    def shares(self, words: Sequence[str]) -> FloatArray:
        """Per entry, the weighted share of ``words`` (normalised, typos corrected) it uses;
        1 for every entry when the query has no words."""
        if not words:
            return np.ones(self._count)
        used = np.zeros(self._count)
        total = 0.0
        for word in dict.fromkeys(words):
            entries = np.unique(
                np.concatenate(
                    [self._users.get(stem, _NONE) for stem in self._variants(word)] or [_NONE]
                )
            )
            # An unknown word weighs most; one in every entry still counts a little.
            weight = math.log((self._count + 1) / (len(entries) + 0.5))
            used[entries] += weight
            total += weight
        result: FloatArray = used / total
        return result


_NONE = np.zeros(0, dtype=np.int64)
