"""A deterministic stand-in for the bundled embedder: fast, and it counts what it embeds."""

import hashlib
from collections.abc import Sequence

import numpy as np

from core.faq.normalize import normalize_folded
from core.faq.vectors import FloatArray


class HashingEmbedder:
    """Bag of hashed words: similar texts get similar vectors, deterministically."""

    name = "hashing"

    def __init__(self) -> None:
        self.calls = 0
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> FloatArray:
        self.calls += 1
        self.texts += texts
        rows = np.zeros((len(texts), 64))
        for row, text in zip(rows, texts, strict=True):
            for word in normalize_folded(text).split():
                row[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms > 0, norms, 1.0)
