"""A softmax (multinomial logistic regression) classifier over sentence embeddings.

Trained per knowledge base on its own texts, one class per entry: it learns which
directions of the embedding space tell this knowledge base's entries apart, where a
plain cosine weighs every direction alike. Weakly regularised and fitted by a fixed
number of momentum gradient steps from zero, so the same texts always give the same
weights. The settings were chosen on CLINC150 val (bench/README.md).
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

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

    def arrays(self) -> tuple[FloatArray, FloatArray, float]:
        return self._weights, self._bias, self._scale


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


class FittedClassifiers:
    """Classifiers fitted before, by what they were fitted on: a restart or a reload reuses
    them instead of refitting (seconds per language). ``arrays``/``restore`` keep them in
    the knowledge base's model file (core/faq/train.py)."""

    def __init__(self, capacity: int = 64) -> None:
        self._fitted: dict[str, SoftmaxClassifier] = {}
        self._capacity = capacity
        self.changed = False  # fitted a classifier itself rather than reusing one

    def fit(
        self,
        rows: FloatArray,
        labels: IntArray,
        classes: int,
        sample_weights: FloatArray,
        settings: ClassifierSettings,
        *,
        key: tuple[object, ...],
    ) -> SoftmaxClassifier:
        """``key`` names the rows (e.g. the embedder and the texts), which are not hashed."""
        digest = _digest(key, labels, classes, sample_weights, settings)
        found = self._fitted.pop(digest, None)
        if found is None:
            found = fit_classifier(rows, labels, classes, sample_weights, settings)
            self.changed = True
        self._fitted[digest] = found  # most recently used last
        while len(self._fitted) > self._capacity:
            del self._fitted[next(iter(self._fitted))]
        return found

    def arrays(self) -> dict[str, FloatArray]:
        """Every classifier as arrays named ``classifier.<digest>.<part>``, for ``np.savez``."""
        stored: dict[str, FloatArray] = {}
        for digest, model in self._fitted.items():
            weights, bias, scale = model.arrays()
            stored[f"classifier.{digest}.weights"] = weights.astype(np.float32)
            stored[f"classifier.{digest}.bias"] = bias.astype(np.float32)
            stored[f"classifier.{digest}.scale"] = np.asarray([scale])
        return stored

    def restore(self, arrays: Mapping[str, FloatArray]) -> None:
        for name in arrays:
            prefix, digest, part = [*name.split("."), "", ""][:3]
            if prefix != "classifier" or part != "weights" or digest in self._fitted:
                continue
            self._fitted[digest] = SoftmaxClassifier(
                np.asarray(arrays[name], dtype=np.float64),
                np.asarray(arrays[f"classifier.{digest}.bias"], dtype=np.float64),
                float(arrays[f"classifier.{digest}.scale"][0]),
            )


def _digest(
    key: tuple[object, ...],
    labels: IntArray,
    classes: int,
    sample_weights: FloatArray,
    settings: ClassifierSettings,
) -> str:
    digest = hashlib.sha256(json.dumps([list(map(str, key)), classes, asdict(settings)]).encode())
    digest.update(np.ascontiguousarray(labels, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(sample_weights, dtype=np.float64).tobytes())
    return digest.hexdigest()[:32]
