"""Scoring the matcher on a labelled evaluation set: ``<faq dir>/eval/<lang>.jsonl``.

Each line is ``{"query": "...", "expected": "<entry id>" | null}``; null marks a question
the knowledge base does not answer. The numbers are what a user meets: how often a direct
answer is right, how many in-scope questions get one, how often an out-of-scope question
is answered anyway, and whether the right entry is ranked first or in the top three.
"""

import json
import statistics
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.faq.model import SearchResult

EVAL_DIR = "eval"
EVAL_SUFFIX = ".jsonl"

Search = Callable[[str], SearchResult]


@dataclass(frozen=True)
class EvalCase:
    query: str
    expected: str | None  # None: out of scope
    line: int


class EvalFileError(Exception):
    """A line of an evaluation file that cannot be used; str() is ``path:line: message``.

    ``line`` 0 is the file as a whole (unreadable, or empty) and is left out of str().
    """

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path = path
        self.line = line


def eval_files(faq_dir: Path) -> list[Path]:
    """The evaluation files of a knowledge base, one per language, in name order."""
    folder = faq_dir / EVAL_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(EVAL_SUFFIX))


def load_eval_file(path: Path, known_ids: Collection[str] | None = None) -> list[EvalCase]:
    """Every case in ``path``; raises EvalFileError on the first bad line.

    ``known_ids`` (when given) are the entry ids an ``expected`` may name, so a typo in an
    id fails loudly instead of counting as a wrong answer.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise EvalFileError(path, 0, f"cannot read: {error}") from error
    cases: list[EvalCase] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        case = _parse_line(path, number, raw, known_ids)
        key = " ".join(case.query.casefold().split())
        if key in first_line:
            raise EvalFileError(path, number, f"duplicate query (first on line {first_line[key]})")
        first_line[key] = number
        cases.append(case)
    if not cases:
        raise EvalFileError(path, 0, "no questions")
    return cases


def _parse_line(path: Path, number: int, raw: str, known_ids: Collection[str] | None) -> EvalCase:
    try:
        row = json.loads(raw)
    except json.JSONDecodeError as error:
        raise EvalFileError(path, number, f"not JSON: {error.msg}") from error
    if not isinstance(row, dict):
        raise EvalFileError(path, number, "expected a JSON object")
    query = row.get("query")
    if not isinstance(query, str) or not query.strip():
        raise EvalFileError(path, number, '"query" must be a non-empty string')
    if "expected" not in row:
        raise EvalFileError(path, number, '"expected" is missing (an entry id, or null)')
    expected = row["expected"]
    if expected is not None and not isinstance(expected, str):
        raise EvalFileError(path, number, '"expected" must be an entry id or null')
    if expected is not None and known_ids is not None and expected not in known_ids:
        raise EvalFileError(path, number, f"unknown entry id {expected!r}")
    return EvalCase(query=query, expected=expected, line=number)


@dataclass(frozen=True)
class EvalReport:
    """Counts for one evaluation file; the rates are None when their base is empty."""

    name: str
    in_scope: int
    out_of_scope: int
    answered: int  # direct answers, right or wrong, in scope or not
    answered_right: int
    oos_answered: int
    top1: int  # in-scope questions whose entry is ranked first, whatever the decision
    top3: int
    latency_p50_ms: float
    latency_p95_ms: float

    @property
    def precision(self) -> float | None:
        return _rate(self.answered_right, self.answered)

    @property
    def answered_correct(self) -> float | None:
        return _rate(self.answered_right, self.in_scope)

    @property
    def oos_answered_rate(self) -> float | None:
        return _rate(self.oos_answered, self.out_of_scope)

    @property
    def top1_rate(self) -> float | None:
        return _rate(self.top1, self.in_scope)

    @property
    def top3_rate(self) -> float | None:
        return _rate(self.top3, self.in_scope)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "questions": self.in_scope + self.out_of_scope,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            "answered": self.answered,
            "answered_right": self.answered_right,
            "oos_answered": self.oos_answered,
            "precision": self.precision,
            "answered_correct": self.answered_correct,
            "oos_answered_rate": self.oos_answered_rate,
            "top1": self.top1_rate,
            "top3": self.top3_rate,
            "latency_p50_ms": round(self.latency_p50_ms, 2),
            "latency_p95_ms": round(self.latency_p95_ms, 2),
        }


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def evaluate(
    name: str,
    cases: Sequence[EvalCase],
    search: Search,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> EvalReport:
    """Run every case through ``search`` (one call each, timed with ``clock`` in seconds)."""
    answered = answered_right = oos_answered = top1 = top3 = 0
    latencies: list[float] = []
    for case in cases:
        started = clock()
        result = search(case.query)
        latencies.append((clock() - started) * 1000.0)
        ranked = [m.entry_id for m in result.results]
        direct = result.decision == "answer"
        right = direct and bool(ranked) and ranked[0] == case.expected
        answered += direct
        answered_right += right
        if case.expected is None:
            oos_answered += direct
            continue
        top1 += ranked[:1] == [case.expected]
        top3 += case.expected in ranked[:3]
    in_scope = sum(1 for c in cases if c.expected is not None)
    return EvalReport(
        name=name,
        in_scope=in_scope,
        out_of_scope=len(cases) - in_scope,
        answered=answered,
        answered_right=answered_right,
        oos_answered=oos_answered,
        top1=top1,
        top3=top3,
        latency_p50_ms=_percentile(latencies, 50),
        latency_p95_ms=_percentile(latencies, 95),
    )


def _percentile(values: Sequence[float], percent: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    # quantiles(n=100) gives the 1st..99th percentiles; "inclusive" stays inside the data.
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
