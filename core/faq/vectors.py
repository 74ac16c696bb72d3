"""Sparse TF-IDF vectors and inverted postings on numpy arrays (no scipy needed)."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class QueryVector:
    ids: IntArray  # known features only
    weights: FloatArray  # L2-normalised together with the unknown features' mass


@dataclass(frozen=True)
class Rows:
    """A CSR matrix: row r holds indices[indptr[r]:indptr[r+1]] with their data."""

    indptr: IntArray
    indices: IntArray
    data: FloatArray

    @property
    def count(self) -> int:
        return len(self.indptr) - 1


class TfidfSpace:
    """Sublinear TF, smoothed IDF, L2-normalised rows: the usual TF-IDF recipe.

    Documents are token lists; ``expand`` turns a token into its features (its
    n-grams, its stems). Tokens repeat far more than they vary, so each distinct
    token is expanded and looked up once. With ``groups`` (the group of each
    document), document frequency counts groups instead of documents.
    """

    def __init__(
        self,
        docs: Sequence[Sequence[str]],
        expand: Callable[[str], Sequence[str]],
        groups: IntArray | None = None,
    ) -> None:
        self._expand = expand
        vocab: dict[str, int] = {}
        token_features: dict[str, list[int]] = {}
        doc_features: list[list[int]] = []
        for tokens in docs:
            ids: list[int] = []
            for token in tokens:
                features = token_features.get(token)
                if features is None:
                    features = [vocab.setdefault(f, len(vocab)) for f in expand(token)]
                    token_features[token] = features
                ids.extend(features)
            doc_features.append(ids)
        self.vocab = vocab
        self.doc_count = len(docs)
        width = max(len(vocab), 1)
        lengths = np.fromiter((len(ids) for ids in doc_features), dtype=np.int64, count=len(docs))
        flat = np.fromiter(
            chain.from_iterable(doc_features), dtype=np.int64, count=int(lengths.sum())
        )
        keys = np.repeat(np.arange(len(docs), dtype=np.int64), lengths) * width + flat
        unique_keys, counts = _run_lengths(np.sort(keys))
        rows, cols = np.divmod(unique_keys, width)
        if groups is None:
            df = np.bincount(cols, minlength=len(vocab)).astype(np.float64)
            n = self.doc_count
        else:
            group_features = _run_lengths(np.sort(groups[rows] * width + cols))[0] % width
            df = np.bincount(group_features, minlength=len(vocab)).astype(np.float64)
            n = int(groups.max()) + 1 if len(groups) else 0
        self.idf: FloatArray = np.log((1.0 + n) / (1.0 + df)) + 1.0
        # A feature never seen in the knowledge base weighs as much as the rarest one.
        self.unknown_idf = math.log(1.0 + n) + 1.0
        values = (1.0 + np.log(counts.astype(np.float64))) * self.idf[cols]
        self.rows = _normalised_rows(rows, cols, values, len(docs))

    def query(self, tokens: Sequence[str], *, count_unknown: bool = True) -> QueryVector:
        counts: dict[int, int] = {}
        unknown: dict[str, int] = {}
        for token in tokens:
            for feature in self._expand(token):
                index = self.vocab.get(feature)
                if index is None:
                    unknown[feature] = unknown.get(feature, 0) + 1
                else:
                    counts[index] = counts.get(index, 0) + 1
        ids = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        weights = tf * self.idf[ids]
        # Unknown features still count in the norm: a query mostly about something
        # the FAQ never mentions must not look like a perfect match.
        unknown_mass = (
            sum((1.0 + math.log(c)) ** 2 for c in unknown.values()) if count_unknown else 0.0
        )
        norm = math.sqrt(float(weights @ weights) + unknown_mass * self.unknown_idf**2)
        return QueryVector(ids, weights / norm if norm else weights)


def centroids(rows: Rows, group_starts: IntArray) -> Rows:
    """L2-normalised sum of the rows of each group (groups are contiguous row ranges)."""
    row_of_value = np.repeat(np.arange(rows.count), np.diff(rows.indptr))
    group_of_row = np.repeat(
        np.arange(len(group_starts)), np.diff(np.append(group_starts, rows.count))
    )
    groups = group_of_row[row_of_value]
    width = int(rows.indices.max()) + 1 if len(rows.indices) else 1
    keys = groups * width + rows.indices
    order = np.argsort(keys, kind="stable")
    unique_keys, counts = _run_lengths(keys[order])
    firsts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    sums = np.add.reduceat(rows.data[order], firsts) if len(order) else rows.data[:0]
    group_ids, cols = np.divmod(unique_keys, width)
    return _normalised_rows(group_ids, cols, sums, len(group_starts))


def select_rows(rows: Rows, keep: npt.NDArray[np.bool_]) -> Rows:
    """The rows where ``keep`` is True, in order."""
    lengths = np.diff(rows.indptr)[keep]
    values = np.repeat(keep, np.diff(rows.indptr))
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    return Rows(indptr, rows.indices[values], rows.data[values])


class Postings:
    """Inverted index of a Rows matrix: dot products of a query with every row at once."""

    def __init__(self, rows: Rows) -> None:
        self.row_count = rows.count
        order = np.argsort(rows.indices, kind="stable")
        row_of_value = np.repeat(np.arange(rows.count), np.diff(rows.indptr))
        self._rows = row_of_value[order]
        self._data = rows.data[order]
        width = int(rows.indices.max()) + 1 if len(rows.indices) else 0
        counts = np.bincount(rows.indices, minlength=width)
        self._starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def dot(self, vector: QueryVector) -> FloatArray:
        """Every row's dot product with `vector`, gathering all postings in one pass.

        The postings are visited feature by feature in the query's order, so the
        sums come out exactly as a loop over the features would add them.
        """
        known = vector.ids + 1 < len(self._starts)
        ids, weights = vector.ids[known], vector.weights[known]
        begins = self._starts[ids]
        lengths = self._starts[ids + 1] - begins
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(self.row_count)
        firsts = np.cumsum(lengths) - lengths  # where each feature's run starts in the gather
        positions = np.repeat(begins - firsts, lengths) + np.arange(total)
        values = self._data[positions] * np.repeat(weights, lengths)
        dots = np.bincount(self._rows[positions], weights=values, minlength=self.row_count)
        return dots.astype(np.float64, copy=False)


def _run_lengths(sorted_keys: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct values of a sorted array and how often each occurs.

    np.unique does the same, but sorts again and is several times slower here.
    """
    if not len(sorted_keys):
        return sorted_keys, sorted_keys
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    counts = np.diff(np.append(starts, len(sorted_keys)))
    return sorted_keys[starts], counts.astype(np.int64)


def _normalised_rows(rows: IntArray, cols: IntArray, values: FloatArray, count: int) -> Rows:
    """CSR from (row, col, value) triples sorted by row, each row scaled to unit length."""
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=count))
    scaled = values / np.where(norms > 0, norms, 1.0)[rows]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=count)))).astype(np.int64)
    return Rows(indptr, cols.astype(np.int64), scaled)
