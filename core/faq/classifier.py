"""A softmax (multinomial logistic regression) classifier over sentence embeddings.

Trained per knowledge base on its own texts, one class per entry: it learns which
directions of the embedding space tell this knowledge base's entries apart, where a
plain cosine weighs every direction alike. Weakly regularised and fitted by a fixed
number of momentum gradient steps from zero, so the same texts always give the same
weights. The settings were chosen on CLINC150 val (bench/README.md).
"""

from dataclasses import dataclass

import numpy as np

from core.faq.vectors import FloatArray, IntArray


@dataclass(frozen=True)
class ClassifierSettings:
    scale: float = 4.0  # inputs are unit vectors times this: sharper classes, faster steps
    l2: float = 1e-4
    steps: int = 300
    rate: float = 0.5
    momentum: float = 0.9


class SoftmaxClassifier:
    def __init__(self, weights: FloatArray, bias: FloatArray, scale: float) -> None:
        self._weights = weights
        self._bias = bias
        self._scale = scale

    def probabilities(self, vector: FloatArray) -> FloatArray:
        """P(entry | text) of every entry for one unit vector."""
        logits = (vector * self._scale) @ self._weights + self._bias
        logits -= logits.max()
        exp = np.exp(logits)
        result: FloatArray = exp / exp.sum()
        return result


def fit_classifier(
    rows: FloatArray,
    labels: IntArray,
    classes: int,
    sample_weights: FloatArray | None = None,
    settings: ClassifierSettings | None = None,
) -> SoftmaxClassifier:
    """``rows``: unit vectors; ``labels``: the class of each row, in ``range(classes)``."""
    s = settings or ClassifierSettings()
    x = rows * s.scale
    count, width = x.shape
    weights = np.ones(count) if sample_weights is None else sample_weights
    weights = weights / weights.sum()
    target = np.zeros((count, classes))
    target[np.arange(count), labels] = 1.0
    w = np.zeros((width, classes))
    b = np.zeros(classes)
    velocity_w = np.zeros_like(w)
    velocity_b = np.zeros_like(b)
    for _ in range(s.steps):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        error = (p - target) * weights[:, None]
        velocity_w = s.momentum * velocity_w - s.rate * (x.T @ error + s.l2 * w)
        velocity_b = s.momentum * velocity_b - s.rate * error.sum(axis=0)
        w += velocity_w
        b += velocity_b
    return SoftmaxClassifier(w, b, s.scale)
