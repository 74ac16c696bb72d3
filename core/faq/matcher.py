"""Query -> ranked FAQ entries and a decision (answer / suggest / none)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.faq.chitchat import MessageParts, split_message
from core.faq.classifier import FittedClassifiers
from core.faq.confidence import Evidence, TrainedScorer, evidence
from core.faq.embedder import CachedEmbedder, Embedder
from core.faq.index import LexicalIndex, LexicalWeights, entry_texts, indexed_texts
from core.faq.kb import KnowledgeBase
from core.faq.langdetect import LanguageGuesser
from core.faq.model import MAX_RESULTS, Match, SearchResult, SmallTalk
from core.faq.normalize import normalize
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
        trained: TrainedScorer | None = None,
        classifiers: FittedClassifiers | None = None,
    ) -> None:
        """With ``trained`` (needs ``embedder``), scores are its calibrated confidences;
        ``classifiers`` keeps the entry classifiers fitted for reuse."""
        self.kb = kb
        self._embedder = embedder
        self.trained = trained if embedder is not None else None
        self.scorer = (
            "trained" if self.trained else "semantic" if embedder is not None else "lexical"
        )
        self.thresholds = thresholds or (
            self.trained.thresholds if self.trained else default_thresholds(self.scorer)
        )
        languages = kb.languages or ("en",)
        self.default_lang = default_lang if default_lang in languages else languages[0]
        self._lexical: Mapping[str, LexicalIndex] = {
            lang: LexicalIndex(kb.entries(lang), lang, lexical_weights) for lang in kb.languages
        }
        self._semantic: Mapping[str, SemanticIndex] = (
            {
                lang: SemanticIndex(
                    kb.entries(lang),
                    embedder,
                    semantic_weights,
                    translations=[
                        [
                            text
                            for other in kb.translations(e.id, lang)
                            for text in entry_texts(other)
                        ]
                        for e in kb.entries(lang)
                    ],
                    classifiers=classifiers,
                )
                for lang in kb.languages
            }
            if embedder is not None
            else {}
        )
        self._guesser = LanguageGuesser(
            {
                lang: [text for e in kb.entries(lang) for text in indexed_texts(e)]
                for lang in kb.languages
            }
        )

    def entry_ids(self, lang: str) -> tuple[str, ...]:
        """Entry ids of ``lang`` in the order of the score arrays."""
        index = self._lexical.get(lang)
        return tuple(e.id for e in index.entries) if index else ()

    def detect_language(self, query: str) -> str:
        return self._guesser.guess(query, self.default_lang)

    def prefetch(self, queries: Sequence[str], lang: str | None = None) -> None:
        """Embed every text that searching ``queries`` (in ``lang``) will embed, in one batch."""
        if not isinstance(self._embedder, CachedEmbedder):
            return
        texts: dict[str, list[str]] = {}
        for query in queries:
            message = split_message(query)
            if message.only_chit_chat or not normalize(message.question):
                continue
            chosen = lang or self.detect_language(query)
            index_lang = chosen if chosen in self._semantic else self.default_lang
            semantic = self._semantic.get(index_lang)
            for text in (message.question, *message.parts):
                if normalize(text):
                    spelled = semantic.spelled(text) if semantic is not None else text
                    texts.setdefault(index_lang, []).append(spelled)
        for index_lang, batch in texts.items():
            self._embedder.prefetch_queries(batch, index_lang)

    def search(self, query: str, lang: str | None = None) -> SearchResult:
        """Small talk alone gets no entry (``chit_chat``); a long message is scored whole,
        without its greetings and thanks, and sentence by sentence: the whole message
        speaks, unless it is not sure enough to answer and one of its sentences is."""
        lang, lang_sure = (
            (lang, True) if lang is not None else self._guesser.read(query, self.default_lang)
        )
        message = split_message(query)
        if message.only_chit_chat or not normalize(message.question):
            return SearchResult(
                query, lang, "none", (), small_talk=_small_talk(query, message), lang_sure=lang_sure
            )
        index_lang = lang if lang in self._lexical else self.default_lang
        best = self._score(message.question, index_lang)
        # A sentence alone misses what the others say ("the ATM declined my card" + "it
        # still shows as pending"): it only speaks where the whole would not answer and it
        # would. On BANKING77 train questions past the first ten, letting the surest sentence
        # win whatever the whole said put the right entry first 0.3 points less often.
        # (No whole score means an empty index: no sentence gets one either.)
        sure_enough = self.thresholds.answer
        if best is not None and best.sureness < sure_enough:
            sure = [
                scored
                for scored in (self._score(text, index_lang) for text in message.parts)
                if scored is not None and scored.sureness >= sure_enough
            ]
            if sure:
                best = max(sure, key=lambda scored: scored.sureness)
        if best is None:
            return SearchResult(query, lang, "none", (), lang_sure=lang_sure)
        index = self._lexical[index_lang]
        top = _top(best.scores, MAX_RESULTS)
        results = tuple(
            Match(index.entries[i].id, index.entries[i].title, round(float(best.scores[i]), 4))
            for i in top
            if best.scores[i] > 0
        )
        decision = self.thresholds.decide(results[0].score if results else None)
        if decision == "answer" and underspecified(message.question):
            decision = "suggest"
        return SearchResult(query, lang, decision, results, lang_sure=lang_sure)

    def nearer_a_miss(self, query: str, lang: str, entry_id: str) -> bool:
        """Is the question of ``query`` nearer to one of the entry's misses than to the entry's
        own texts (core/faq/learned.py)? In meaning with an embedder, in wording without."""
        index_lang = lang if lang in self._lexical else self.default_lang
        index = self._lexical[index_lang]
        ids = self.entry_ids(index_lang)
        position = ids.index(entry_id) if entry_id in ids else None
        if position is None or not index.entries[position].missed:
            return False
        question = split_message(query).question
        if not normalize(question):
            return False
        semantic = self._semantic.get(index_lang)
        if semantic is not None:
            return semantic.nearer_a_miss(question, position)
        return index.nearer_a_miss(normalize(question), position)

    def scores(self, query: str, normal: str, lang: str) -> FloatArray | None:
        """Fused scores of every entry of ``lang`` (in its index order), None if it has none;
        without the evidence ``views`` gathers for the confidence model."""
        index = self._lexical.get(lang)
        if index is None or not len(index):
            return None
        lexical = index.scores(normal)
        semantic = self._semantic.get(lang)
        return lexical if semantic is None else semantic.fuse(lexical, query)[0]

    def views(self, query: str, normal: str, lang: str) -> tuple[FloatArray, Evidence] | None:
        """Fused scores of every entry of ``lang`` and the evidence about the first one."""
        index = self._lexical.get(lang)
        if index is None or not len(index):
            return None
        lexical = index.scores(normal)
        semantic = self._semantic.get(lang)
        words = len(normal.split())
        coverage = index.coverage(normal)
        wording = index.wording(normal)
        if semantic is None:
            votes = np.zeros(len(lexical))
            votes[int(np.argmax(lexical))] = 1.0
            return lexical, evidence(
                lexical, lexical, coverage, wording, lexical, lexical, votes, words
            )
        fused, seen = semantic.fuse(lexical, query)
        return fused, evidence(
            fused,
            lexical,
            coverage,
            wording,
            seen.nearest,
            seen.nearest_elsewhere,
            seen.votes,
            words,
            seen.distance,
        )

    def _score(self, text: str, lang: str) -> "_Scored | None":
        normal = normalize(text)
        if not normal:
            return None
        if self.trained is None:  # the fused score is the confidence: no evidence needed
            scores = self.scores(text, normal, lang)
            return None if scores is None else _Scored(scores, float(scores.max()))
        views = self.views(text, normal, lang)
        if views is None:
            return None
        fused, seen = views
        sure = self.trained.model.probability(seen)
        # The first entry gets the confidence; the others keep their place below it.
        scale = sure / seen.top if seen.top > 0 else 0.0
        return _Scored(np.clip(fused * scale, 0.0, sure), sure)


def _small_talk(query: str, message: MessageParts) -> SmallTalk | None:
    """A message with no words ("👍", "?!") is small talk too: a thumbs-up after an answer
    wants no ticket offer, and a lone "??" is asked to say what it needs."""
    if message.small_talk is not None or not query.strip():
        return message.small_talk
    return "greeting" if "?" in query else "ack"


SHORT_QUERY_WORDS = 2


def underspecified(question: str) -> bool:
    """One or two words ("password", "new account") name a topic, not a question: several
    entries fit them, so they get a choice of entries, never a direct answer."""
    return len(normalize(question).split()) <= SHORT_QUERY_WORDS


@dataclass(frozen=True)
class _Scored:
    scores: FloatArray
    sureness: float


def _top(scores: FloatArray, count: int) -> list[int]:
    """Indices of the best scores, best first; ties keep index (file) order."""
    if len(scores) > count:
        candidates = np.argpartition(-scores, count - 1)[:count]
    else:
        candidates = np.arange(len(scores))
    return sorted(candidates.tolist(), key=lambda i: (-scores[i], i))
