"""Query -> ranked FAQ entries and a decision (answer / suggest / none)."""

from collections.abc import Mapping

import numpy as np

from core.faq.chitchat import is_chit_chat
from core.faq.index import LexicalIndex, LexicalWeights
from core.faq.kb import KnowledgeBase
from core.faq.langdetect import LanguageGuesser
from core.faq.model import MAX_RESULTS, Match, SearchResult
from core.faq.normalize import fold, normalize
from core.faq.embedder import Embedder
from core.faq.semantic import SemanticIndex, SemanticWeights
from core.faq.thresholds import Thresholds, default_thresholds
from core.faq.vectors import FloatArray


class FaqMatcher:
    """Builds one index per language of ``kb`` up front; ``search`` is then read-only.

    Scores are a weighted mean of lexical views (and of the semantic one when an
    ``embedder`` is given), so they lie in [0, 1]; the decision compares the best
    score with calibrated ``thresholds``.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: Thresholds | None = None,
        *,
        default_lang: str | None = None,
        embedder: Embedder | None = None,
        lexical_weights: LexicalWeights | None = None,
        semantic_weights: SemanticWeights | None = None,
    ) -> None:
        self.kb = kb
        self.scorer = "semantic" if embedder is not None else "lexical"
        self.thresholds = thresholds or default_thresholds(self.scorer)
        languages = kb.languages or ("en",)
        self.default_lang = default_lang if default_lang in languages else languages[0]
        self._lexical: Mapping[str, LexicalIndex] = {
            lang: LexicalIndex(kb.entries(lang), lang, lexical_weights) for lang in kb.languages
        }
        self._semantic: Mapping[str, SemanticIndex] = (
            {
                lang: SemanticIndex(kb.entries(lang), embedder, semantic_weights)
                for lang in kb.languages
            }
            if embedder is not None
            else {}
        )
        self._guesser = LanguageGuesser(
            {
                lang: [text for e in kb.entries(lang) for text in (e.title, *e.questions)]
                for lang in kb.languages
            }
        )

    def detect_language(self, query: str) -> str:
        return self._guesser.guess(query, self.default_lang)

    def search(self, query: str, lang: str | None = None) -> SearchResult:
        lang = lang or self.detect_language(query)
        normal = normalize(query)
        if not normal or is_chit_chat(fold(normal)):
            return SearchResult(query, lang, "none", ())
        index_lang = lang if lang in self._lexical else self.default_lang
        scores = self.scores(query, normal, index_lang)
        if scores is None:
            return SearchResult(query, lang, "none", ())
        index = self._lexical[index_lang]
        top = _top(scores, MAX_RESULTS)
        results = tuple(
            Match(index.entries[i].id, index.entries[i].title, round(float(scores[i]), 4))
            for i in top
            if scores[i] > 0
        )
        decision = self.thresholds.decide(results[0].score if results else None)
        return SearchResult(query, lang, decision, results)

    def scores(self, query: str, normal: str, lang: str) -> FloatArray | None:
        """Fused scores of every entry of ``lang`` (in its index order), None if it has none."""
        index = self._lexical.get(lang)
        if index is None or not len(index):
            return None
        lexical = index.scores(normal)
        semantic = self._semantic.get(lang)
        return lexical if semantic is None else semantic.fuse(lexical, query)


def _top(scores: FloatArray, count: int) -> list[int]:
    """Indices of the best scores, best first; ties keep index (file) order."""
    if len(scores) > count:
        candidates = np.argpartition(-scores, count - 1)[:count]
    else:
        candidates = np.arange(len(scores))
    return sorted(candidates.tolist(), key=lambda i: (-scores[i], i))
