"""Choose the answer/suggest thresholds from data instead of guessing them.

With labelled queries (a query and its right entry id, or None for out of scope),
``calibrate`` picks:
- ``answer``: the top-1 score threshold maximising (in-scope accuracy + out-of-scope
  recall) / 2, where in-scope accuracy counts only answered queries with the right
  top result (the faq-k10 protocol's rule, ties to the lowest threshold);
- ``suggest``: the same balance with "the right entry among the 3 suggestions"
  instead of "the right first result", and out-of-scope rejection weighing half
  (a wrong suggestion costs the user a glance, a wrong answer a wrong reply), never
  above ``answer``.
A trained model's ``answer`` is chosen for precision instead (``precise_threshold``).

Without labelled queries, ``self_calibration_queries`` makes them from the knowledge
base: each fold holds out some example questions (in scope: their entry stays) and
some whole entries (their questions become out of scope), and rebuilds the matcher
without them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.faq.confidence import TrainedScorer
from core.faq.embedder import Embedder
from core.faq.kb import KnowledgeBase, load_knowledge_base
from core.faq.matcher import FaqMatcher
from core.faq.model import FaqEntry, SearchResult
from core.faq.thresholds import Thresholds, save_thresholds
from core.faq.vectors import FloatArray, IntArray

SELF_CALIBRATION_FOLDS = 5
SUGGEST_OOS_WEIGHT = 0.5
MIN_QUERIES = 20  # fewer labelled queries than this say nothing reliable
# A trained knowledge base answers directly only where its held-out questions say direct
# answers are right 95 % of the time, when a quarter of the questions asked are about
# something it does not cover (core/faq/train.py). A wrong answer costs a person more
# than a list of suggestions does.
ANSWER_PRECISION = 0.95
EXPECTED_OUT_OF_SCOPE = 0.25


class CalibrationError(ValueError):
    """Not enough data to calibrate."""


@dataclass(frozen=True)
class LabelledQuery:
    text: str
    gold: str | None  # the right entry id; None = out of scope, should not be answered
    lang: str | None = None


@dataclass(frozen=True)
class ScoredQuery:
    gold: str | None
    top_score: float  # -inf when nothing was returned
    top1_right: bool
    top3_right: bool


@dataclass(frozen=True)
class Calibration:
    thresholds: Thresholds
    in_scope: int
    out_of_scope: int
    answered_accuracy: float  # in-scope queries answered with the right entry, at `answer`
    oos_recall: float  # out-of-scope queries not answered, at `answer`
    source: str

    def info(self) -> dict[str, object]:
        return {
            "source": self.source,
            "in_scope_queries": self.in_scope,
            "out_of_scope_queries": self.out_of_scope,
            "answered_accuracy": round(self.answered_accuracy, 4),
            "oos_recall": round(self.oos_recall, 4),
        }


def score_queries(
    search: Callable[[str, str | None], SearchResult], queries: Sequence[LabelledQuery]
) -> list[ScoredQuery]:
    scored: list[ScoredQuery] = []
    for query in queries:
        result = search(query.text, query.lang)
        ids = [m.entry_id for m in result.results]
        top = result.results[0].score if result.results else float("-inf")
        right = query.gold is not None
        scored.append(
            ScoredQuery(
                query.gold, top, right and ids[:1] == [query.gold], right and query.gold in ids
            )
        )
    return scored


def best_threshold(
    scores: Sequence[float],
    right: Sequence[bool],
    in_scope: Sequence[bool],
    oos_weight: float = 1.0,
) -> float:
    """The threshold t maximising answered-and-right rate + oos_weight * out-of-scope rejection.

    Candidates: every distinct score plus +inf (answer nothing); ties go to the lowest t.
    """
    s = np.asarray(scores, dtype=np.float64)
    ok = np.asarray(right, dtype=bool) & np.asarray(in_scope, dtype=bool)
    oos = ~np.asarray(in_scope, dtype=bool)
    n_in, n_oos = max(int((~oos).sum()), 1), max(int(oos.sum()), 1)
    candidates = np.append(np.unique(s[np.isfinite(s)]), np.inf)
    # For each candidate t: right answers with score >= t, out-of-scope with score < t.
    answered_right = _at_or_above(s[ok], candidates)
    rejected = len(s[oos]) - _at_or_above(s[oos], candidates)
    objective = answered_right / n_in + oos_weight * rejected / n_oos
    return float(candidates[int(np.argmax(objective))])  # argmax: first, i.e. lowest, best t


def _at_or_above(scores: FloatArray, candidates: FloatArray) -> IntArray:
    """How many of ``scores`` are >= each candidate threshold."""
    ordered = np.sort(scores)
    counts: IntArray = len(ordered) - np.searchsorted(ordered, candidates, side="left")
    return counts


def precise_threshold(
    scored: Sequence[ScoredQuery], out_of_scope_share: float, precision: float
) -> float:
    """The lowest threshold at which direct answers are right at least ``precision`` of the
    time, when ``out_of_scope_share`` of the questions asked are about something the
    knowledge base does not cover; +inf when no threshold is that precise.

    Held-out folds contain about as many out-of-scope questions as in-scope ones, far more
    than a desk sees, so precision is estimated from the two groups' rates separately:
    right / (answered in scope + answered out of scope * share / (1 - share)), per in-scope
    question. The lowest such threshold answers the most questions.
    """
    s = np.asarray([q.top_score for q in scored], dtype=np.float64)
    in_scope = np.asarray([q.gold is not None for q in scored], dtype=bool)
    right = np.asarray([q.top1_right for q in scored], dtype=bool) & in_scope
    n_in, n_oos = max(int(in_scope.sum()), 1), max(int((~in_scope).sum()), 1)
    odds = out_of_scope_share / (1.0 - out_of_scope_share)
    candidates = np.unique(s[np.isfinite(s)])
    right_rate = _at_or_above(s[right], candidates) / n_in
    answered_rate = _at_or_above(s[in_scope], candidates) / n_in
    oos_rate = _at_or_above(s[~in_scope], candidates) / n_oos
    precise = (right_rate > 0) & (right_rate >= precision * (answered_rate + oos_rate * odds))
    return float(candidates[precise][0]) if precise.any() else float("inf")


def calibrate(
    scored: Sequence[ScoredQuery], source: str, *, out_of_scope_share: float | None = None
) -> Calibration:
    """With ``out_of_scope_share``, ``answer`` is the ``precise_threshold`` for
    ``ANSWER_PRECISION`` at that share of out-of-scope questions, not the balance."""
    in_scope = [q.gold is not None for q in scored]
    if len(scored) < MIN_QUERIES or not any(in_scope):
        raise CalibrationError(f"need at least {MIN_QUERIES} queries, some in scope")
    scores = [q.top_score for q in scored]
    answer = (
        best_threshold(scores, [q.top1_right for q in scored], in_scope)
        if out_of_scope_share is None
        else precise_threshold(scored, out_of_scope_share, ANSWER_PRECISION)
    )
    top3 = [q.top3_right for q in scored]
    suggest = min(best_threshold(scores, top3, in_scope, SUGGEST_OOS_WEIGHT), answer)
    answer_capped = min(answer, 1.0 + 1e-9)  # +inf means "never answer": keep it finite in JSON
    n_in = sum(in_scope)
    n_oos = len(scored) - n_in
    answered = sum(1 for q in scored if q.top1_right and q.top_score >= answer)
    rejected = sum(1 for q in scored if q.gold is None and q.top_score < answer)
    return Calibration(
        thresholds=Thresholds(answer=answer_capped, suggest=min(suggest, answer_capped)),
        in_scope=n_in,
        out_of_scope=n_oos,
        answered_accuracy=answered / n_in,
        oos_recall=rejected / n_oos if n_oos else 1.0,
        source=source,
    )


def self_calibration_queries(
    kb: KnowledgeBase, folds: int = SELF_CALIBRATION_FOLDS
) -> list[tuple[KnowledgeBase, list[LabelledQuery]]]:
    """Knowledge bases with parts held out, each with the queries made of those parts."""
    splits: list[tuple[KnowledgeBase, list[LabelledQuery]]] = []
    for fold in range(folds):
        kept: list[FaqEntry] = []
        queries: list[LabelledQuery] = []
        for lang in kb.languages:
            for position, entry in enumerate(kb.entries(lang)):
                if position % folds == fold:
                    queries += [LabelledQuery(q, None, lang) for q in entry.questions]
                    continue
                held = entry.questions[fold % max(len(entry.questions), 1) :: folds]
                if len(entry.questions) - len(held) < 1:
                    held = ()  # keep at least one question per entry
                queries += [LabelledQuery(q, entry.id, lang) for q in held]
                kept.append(
                    replace(entry, questions=tuple(q for q in entry.questions if q not in held))
                )
        splits.append((KnowledgeBase(kb.root, kept), queries))
    return splits


def calibrate_knowledge_base(
    root: Path,
    queries: Sequence[LabelledQuery] | None = None,
    *,
    embedder: Embedder | None = None,
    trained: TrainedScorer | None = None,
    save: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """What ``helpdesk faq calibrate`` runs: calibrate and store ``<root>/thresholds.json``.

    ``queries``: labelled real queries when there are some; otherwise the knowledge base
    calibrates on itself (held-out questions and entries), telling ``progress(done,
    total)`` after each held-out fold. With ``trained`` (and ``embedder``) the labelled
    queries calibrate the trained model's confidences, in the "trained" section the
    running matcher reads.
    """
    kb = load_knowledge_base(root)
    if trained is not None and embedder is not None:
        if not queries:
            raise CalibrationError("the trained model calibrates on labelled queries only")
        matcher = FaqMatcher(kb, embedder=embedder, trained=trained)
        calibration = calibrate(
            score_queries(matcher.search, queries), f"{len(queries)} labelled queries"
        )
        if save:
            save_thresholds(root, calibration.thresholds, "trained", calibration.info())
        return calibration
    if queries:
        matcher = FaqMatcher(kb, embedder=embedder)
        scored = score_queries(matcher.search, queries)
        source = f"{len(queries)} labelled queries"
    else:
        scored = []
        folds = list(self_calibration_queries(kb))
        for done, (held_kb, held_queries) in enumerate(folds):
            if progress is not None:
                progress(done, len(folds))
            matcher = FaqMatcher(held_kb, embedder=embedder)
            scored += score_queries(matcher.search, held_queries)
        if progress is not None:
            progress(len(folds), len(folds))
        source = (
            f"self-calibration: {SELF_CALIBRATION_FOLDS} folds of held-out questions and entries"
        )
    calibration = calibrate(scored, source)
    if save:
        scorer = "semantic" if embedder is not None else "lexical"
        save_thresholds(root, calibration.thresholds, scorer, calibration.info())
    return calibration
