"""Per-language word stems (Snowball, through PyStemmer) that survive missing diacritics."""

import threading
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from core.faq.normalize import fold

# Snowball algorithm names for the languages the desk speaks; others are not stemmed.
SNOWBALL = {"en": "english", "pl": "polish", "ru": "russian"}
_local = threading.local()  # PyStemmer objects must not be shared between threads


def _stemmer(lang: str) -> "Stemmer.Stemmer | None":
    stemmers: dict[str, Stemmer.Stemmer | None] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if lang not in stemmers:
        algorithm = SNOWBALL.get(lang)
        try:
            stemmers[lang] = Stemmer.Stemmer(algorithm) if algorithm else None
        except KeyError:  # PyStemmer < 3.1 has no Polish: match on unstemmed words
            stemmers[lang] = None
    return stemmers[lang]


@lru_cache(maxsize=200_000)
def stem_variants(word: str, lang: str) -> tuple[str, ...]:
    """Stems of a normalised word, diacritics folded.

    Polish typed without diacritics stems differently (hasłem -> hasł, haslem -> haslem),
    so both "stem then fold" and "fold then stem" are returned; a query and an entry
    match when they share either.
    """
    stemmer = _stemmer(lang)
    if stemmer is None:
        return (fold(word),)
    first = fold(stemmer.stemWord(word))
    folded = fold(word)
    second = stemmer.stemWord(folded) if folded != word else first
    return (first,) if first == second else (first, second)


def stems(words: Iterable[str], lang: str) -> list[str]:
    return [variant for word in words for variant in stem_variants(word, lang)]
