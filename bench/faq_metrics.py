"""The faq-k10 metrics, computed from each query's ranked results."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.faq_data import Query
from core.faq.calibrate import best_threshold


@dataclass(frozen=True)
class Prediction:
    ids: tuple[str, ...]  # best first, at most 3
    top_score: float  # -inf when there are no results
    decision: str | None  # the system's own decision, None for baselines without one


def top_k_accuracy(queries: Sequence[Query], predictions: Sequence[Prediction], k: int) -> float:
    pairs = [(q, p) for q, p in zip(queries, predictions, strict=True) if q.gold is not None]
    return sum(q.gold in p.ids[:k] for q, p in pairs) / len(pairs)


def choose_threshold(queries: Sequence[Query], predictions: Sequence[Prediction]) -> float:
    return best_threshold(
        [p.top_score for p in predictions],
        [
            q.gold is not None and p.ids[:1] == (q.gold,)
            for q, p in zip(queries, predictions, strict=True)
        ],
        [q.gold is not None for q in queries],
    )


def with_abstention(
    queries: Sequence[Query], predictions: Sequence[Prediction], answered: Sequence[bool]
) -> tuple[float, float]:
    """(in-scope accuracy, out-of-scope recall) when only ``answered`` queries get an answer."""
    in_scope = right = oos = rejected = 0
    for q, p, a in zip(queries, predictions, answered, strict=True):
        if q.gold is None:
            oos += 1
            rejected += not a
        else:
            in_scope += 1
            right += a and p.ids[:1] == (q.gold,)
    return right / max(in_scope, 1), rejected / max(oos, 1)


def auroc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """Area under the ROC curve (Mann-Whitney U); ties count one half."""
    values = np.asarray([*positive, *negative], dtype=np.float64)
    values[~np.isfinite(values)] = np.finfo(np.float64).min
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    while start < len(values):  # average ranks over runs of ties
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    n_pos, n_neg = len(positive), len(negative)
    u = ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def percentile(values: Sequence[float], pct: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]
