"""How sure the matcher is that its first entry is the right one: a small logistic model.

The ranking comes from the fused score; whether to answer comes from this model, which
looks at more than the top score: the margin to the second entry, whether the lexical
view agrees with the fused ranking, how many of the query's words the knowledge base
knows at all and how many of them the first entry itself uses. It is fitted per
knowledge base (core/faq/train.py), on questions the matcher did not see, so its output
is a probability of being right, not a raw score.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.faq.thresholds import Thresholds
from core.faq.vectors import FloatArray

FEATURES = (
    "top",
    "margin",
    "lexical_top",
    "lexical_agrees",
    "coverage",
    "wording",
    "similarity",
    "similarity_elsewhere",
    "models_agree",
    "words",
)
L2 = 1.0  # ridge penalty on the standardised weights: a few hundred rows, ten features
# A question farther from every entry than all but this share of the knowledge base's own
# held-out questions loses confidence in proportion (``ConfidenceModel.far``). CLINC150 dev
# (bench/faq_dev.py), AUROC of the confidence: no gate 0.966; 0.05 -> 0.975, 0.1 -> 0.976,
# 0.2 -> 0.977, 0.3 -> 0.977; in-scope accuracy at 90 % out-of-scope recall 84.9 -> 85.4,
# 85.8, 85.9, 85.9. The smallest share that takes most of the gain: the fewer everyday
# questions the gate touches, the less it can cost on a knowledge base unlike CLINC150.
FAR_SHARE = 0.1
# How steeply confidence falls past that share: a question only p of them are as far as keeps
# (p / FAR_SHARE) ** FAR_POWER. CLINC150 dev through the service (bench/faq_dev.py), power
# 1 -> 2: AUROC 0.9728 -> 0.9737, in scope at 90 % out-of-scope recall 85.57 -> 86.10. With
# the threshold the faq-k10 protocol would choose on val + one of the two OOS splits (offline,
# whole messages), the other split's OOS recall 90 -> 92 and 93 -> 94 %, in scope 85.5 ->
# 85.3 and 84.1 -> 83.4 %. Share 0.05 with power 2 or 3 was no better on both.
FAR_POWER = 2.0
FAR_POINTS = 101  # quantiles kept of the held-out questions' distances
# The least a question keeps, however far: the first entry stays listed, and the logistic
# part still orders such questions among themselves.
FAR_FLOOR = 0.01


@dataclass(frozen=True)
class Evidence:
    """What the model sees of one query, for the entry ranked first."""

    top: float  # fused score of the first entry
    margin: float  # ... minus the second entry's
    lexical_top: float  # lexical score of the first entry
    lexical_agrees: bool  # the lexical view ranks the same entry first
    coverage: float  # share of the query's words found in the knowledge base
    wording: float  # share of the query's words (rare ones weigh more) the first entry uses
    similarity: float  # how close the query's meaning is to the first entry's nearest text
    similarity_elsewhere: float  # ... as the further embedders see it (USE beside e5)
    models_agree: float  # share of the embedders' classifiers that rank the first entry first
    words: int  # how many words the query has
    # Mahalanobis distance to the nearest entry (core/faq/spread.py), 0 without embeddings;
    # not a feature of the logistic part: it feeds the far gate (ConfidenceModel.gate)
    distance_best: float = 0.0

    def row(self) -> list[float]:
        return [
            self.top,
            self.margin,
            self.lexical_top,
            float(self.lexical_agrees),
            self.coverage,
            self.wording,
            self.similarity,
            self.similarity_elsewhere,
            self.models_agree,
            float(np.log1p(self.words)),
        ]


def evidence(
    fused: FloatArray,
    lexical: FloatArray,
    coverage: float,
    wording: FloatArray,
    similarity: FloatArray,
    similarity_elsewhere: FloatArray,
    votes: FloatArray,
    words: int,
    distance: FloatArray | None = None,
) -> Evidence:
    """``similarity``: of every entry; the embeddings' cosine, or the lexical score without them.
    A classifier's probability says which entry is likeliest, not how close any is.
    ``similarity_elsewhere``: the same as the further embedders see it. An out-of-scope
    question is far from every text in both spaces, while one model alone is sometimes
    fooled by shared wording (CLINC150 val + oos_val + oos_train: AUROC 0.9605 -> 0.9618).
    ``votes``: of every entry, the share of the classifiers (one per embedder) ranking it first;
    two models trained apart that pick the same entry are right more often than either."""
    order = np.argsort(-fused, kind="stable")
    first = int(order[0])
    second = float(fused[order[1]]) if len(order) > 1 else 0.0
    return Evidence(
        top=float(fused[first]),
        margin=float(fused[first]) - second,
        lexical_top=float(lexical[first]),
        lexical_agrees=int(np.argmax(lexical)) == first,
        coverage=coverage,
        wording=float(wording[first]),
        similarity=float(similarity[first]),
        similarity_elsewhere=float(similarity_elsewhere[first]),
        models_agree=float(votes[first]),
        words=words,
        distance_best=float(distance.min()) if distance is not None and len(distance) else 0.0,
    )


@dataclass(frozen=True)
class ConfidenceModel:
    """P(first entry is right) = sigmoid(w . standardised evidence + b), times the far gate.

    The logistic part learns from the knowledge base's folds, whose unknown questions are
    held-out entries: near neighbours of the entries kept, so it learns little about
    questions far from every entry. The gate adds that from the in-scope side alone: with
    ``far`` the quantiles of the held-out in-scope questions' distance to their nearest
    entry, a question that only ``p`` of them are as far as keeps
    ``min(1, p / FAR_SHARE) ** FAR_POWER`` of its confidence (at least ``FAR_FLOOR``). Everyday
    questions (nine in ten) are untouched.
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    far: tuple[float, ...] = ()

    def probability(self, item: Evidence) -> float:
        x = (np.asarray(item.row()) - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(_sigmoid(float(x @ np.asarray(self.weights)) + self.bias)) * self.gate(item)

    def gate(self, item: Evidence) -> float:
        if not self.far or item.distance_best <= 0:
            return 1.0
        share_closer = float(np.interp(item.distance_best, self.far, _QUANTILES))
        kept: float = min(1.0, (1.0 - share_closer) / FAR_SHARE) ** FAR_POWER
        return max(FAR_FLOOR, kept)

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "far": list(self.far),
        }

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> "ConfidenceModel":
        if raw.get("features") != list(FEATURES):
            raise ValueError("features differ from this version's")
        return cls(
            weights=_floats(raw["weights"]),
            bias=float(raw["bias"]),  # type: ignore[arg-type]
            mean=_floats(raw["mean"]),
            scale=_floats(raw["scale"]),
            far=tuple(float(v) for v in raw.get("far") or ()),  # type: ignore[attr-defined]
        )


def fit(
    items: Sequence[Evidence], right: Sequence[bool], in_scope: Sequence[bool] | None = None
) -> ConfidenceModel:
    """L2-regularised logistic regression by Newton's method (a handful of iterations);
    ``in_scope`` marks the items whose question the knowledge base answers (the far gate)."""
    x = np.asarray([item.row() for item in items], dtype=np.float64)
    y = np.asarray(right, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = _sigmoid(z @ w)
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return ConfidenceModel(
        weights=tuple(float(v) for v in w[:-1]),
        bias=float(w[-1]),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        far=_far_quantiles([i for i, known in zip(items, in_scope, strict=True) if known])
        if in_scope is not None
        else (),
    )


_QUANTILES = np.linspace(0.0, 1.0, FAR_POINTS)


def _far_quantiles(items: Sequence[Evidence]) -> tuple[float, ...]:
    distances = [item.distance_best for item in items if item.distance_best > 0]
    if not distances:
        return ()  # no embeddings: the gate stays open
    return tuple(float(v) for v in np.quantile(distances, _QUANTILES))


def _sigmoid(value: FloatArray | float) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(value, -500, 500)))
    return result


def _floats(raw: object) -> tuple[float, ...]:
    if not isinstance(raw, list) or len(raw) != len(FEATURES):
        raise ValueError(f"expected {len(FEATURES)} numbers")
    return tuple(float(v) for v in raw)


@dataclass(frozen=True)
class TrainedScorer:
    """A knowledge base's confidence model and the thresholds chosen on its own folds."""

    model: ConfidenceModel
    thresholds: Thresholds
    fingerprint: str  # of the knowledge base it was trained on (core/faq/train.py)
    embedder: str
    info: dict[str, object]
