"""Guess a query's language among the knowledge base's languages.

A character n-gram (1-3) naive Bayes model trained on the knowledge base itself
plus a few common words per language: a query is compared only with the
languages the desk can answer in, which is what a general-purpose detector
cannot do, and it needs no model file.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from core.faq.normalize import normalize

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")
# Seed text so short knowledge bases still know each language's common words.
_SEED = {
    "en": "the a is are my i you how do does can what where when why not to of in on for with "
    "it this that have has get cannot can't doesn't don't work working need please help",
    "pl": "nie jak co gdzie kiedy dlaczego czy mam mogę się jest są mój moje moja w na do z "
    "dla to ten ta działa potrzebuję proszę pomoc zrobić mogę można jest już",
    "ru": "не как что где когда почему ли у меня я могу есть мой моя в на до с для это "
    "работает нужно пожалуйста помощь сделать можно уже",
}
_ORDERS = (1, 2, 3)
# Enough text to know a language; more only slows down building the matcher.
SAMPLE_CHARS = 20_000
MIN_MARGIN = 0.15  # log-likelihood gap per n-gram under which the guess is left to the default
# Fewer words (of two letters or more) than this do not make a language sure ("SAP",
# "laptop", "ok" read as Polish as easily as English), unless the script alone tells
# (Cyrillic with one Cyrillic language).
SURE_WORDS = 3


class LanguageGuesser:
    def __init__(self, samples: Mapping[str, Iterable[str]]) -> None:
        self.languages = tuple(sorted(samples))
        self._models: dict[str, tuple[Counter[str], int]] = {}
        self._cyrillic: set[str] = set()
        if len(self.languages) <= 1:
            return  # nothing to tell apart
        for lang in self.languages:
            texts = [_SEED.get(lang, ""), *_head(samples[lang], SAMPLE_CHARS)]
            counts: Counter[str] = Counter()
            for text in texts:
                counts.update(_grams(normalize(text)))
            self._models[lang] = (counts, sum(counts.values()))
            letters = "".join(texts)
            if len(_CYRILLIC.findall(letters)) > len(_LETTER.findall(letters)) / 2:
                self._cyrillic.add(lang)

    def guess(self, text: str, default: str) -> str:
        """The most likely language, or ``default`` when the text gives too little evidence."""
        return self.read(text, default)[0]

    def read(self, text: str, default: str) -> tuple[str, bool]:
        """``guess``, and whether the text is clearly written in that language (False for a
        fallback to ``default``, thin evidence, or a single language to tell apart)."""
        if len(self.languages) <= 1:
            return (self.languages[0] if self.languages else default), False
        normal = normalize(text)
        ranked = self._ranked(normal)
        if ranked is None:
            return default, False
        lang, margin, candidates = ranked
        if math.isinf(margin):
            return lang, True
        if margin < MIN_MARGIN:
            return (default if default in candidates else lang), False
        words = [word for word in normal.split() if len(word) > 1]
        return lang, len(words) >= SURE_WORDS

    def _ranked(self, normal: str) -> tuple[str, float, list[str]] | None:
        """The likeliest language of the (normalised) text's script, its log-likelihood lead
        over the next per n-gram (infinite when the script leaves one), and the script's
        languages."""
        letters = _LETTER.findall(normal)
        if not letters:
            return None
        cyrillic = len(_CYRILLIC.findall(normal)) > len(letters) / 2
        candidates = [lang for lang in self.languages if (lang in self._cyrillic) == cyrillic]
        if len(candidates) == 1:
            return candidates[0], math.inf, candidates
        if not candidates:
            return None
        grams = _grams(normal)
        scored = sorted(
            ((self._log_likelihood(lang, grams), lang) for lang in candidates), reverse=True
        )
        (best, lang), (second, _) = scored[0], scored[1]
        return lang, (best - second) / max(len(grams), 1), candidates

    def _log_likelihood(self, lang: str, grams: list[str]) -> float:
        counts, total = self._models[lang]
        vocabulary = len(counts) + 1
        return sum(math.log((counts.get(g, 0) + 1) / (total + vocabulary)) for g in grams)


def _head(texts: Iterable[str], limit: int) -> list[str]:
    taken: list[str] = []
    size = 0
    for text in texts:
        if size >= limit:
            break
        taken.append(text)
        size += len(text)
    return taken


def _grams(normal: str) -> list[str]:
    grams: list[str] = []
    for word in normal.split():
        padded = f" {word} "
        for n in _ORDERS:
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams
