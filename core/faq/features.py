"""The two views of a text that retrieval works on: character n-grams and word stems."""

from functools import lru_cache

CHAR_NGRAMS = (3, 5)  # inclusive; within word boundaries, like scikit-learn's char_wb


@lru_cache(maxsize=100_000)
def word_ngrams(word: str) -> tuple[str, ...]:
    """Character n-grams of one space-padded word (cached: words repeat a lot).

    They match across inflection, compounds and typos where whole words do not.
    """
    low, high = CHAR_NGRAMS
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if size <= n:
            grams.append(padded)  # a short word counts once, whole
            break
        grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return tuple(grams)


def char_ngrams(folded: str) -> list[str]:
    """Character n-grams of every word of an already normalised, folded text."""
    return [gram for word in folded.split() for gram in word_ngrams(word)]
