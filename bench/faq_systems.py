"""The matchers the benchmark compares: ours (in-process), two baselines, and our CLI."""

import json
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process, utils

from bench.faq_metrics import Prediction
from core.faq.embedder import EnglishModel
from core.faq.features import word_ngrams
from core.faq.kb import load_knowledge_base
from core.faq.service import FaqService
from core.faq.vectors import Postings, TfidfSpace


class System(Protocol):
    name: str

    def predict(self, query: str) -> Prediction: ...


class OurMatcher:
    """FaqService as the desk uses it, lang given.

    ``semantic=True`` is the default install: embeddings and the model trained on the
    knowledge base's own questions at start. ``False`` is the previous default, lexical,
    with thresholds.json from calibration.
    """

    def __init__(
        self, root: Path, *, semantic: bool = False, english_model: EnglishModel = "minilm"
    ) -> None:
        default = "ours (default)" if english_model == "minilm" else f"ours ({english_model})"
        self.name = default if semantic else "ours-lexical (before)"
        self.service = FaqService(root, "en", semantic=semantic, english_model=english_model)
        self.service.search("warm up")  # load and train outside the timed part

    def predict(self, query: str) -> Prediction:
        result = self.service.search(query, "en")
        ids = tuple(m.entry_id for m in result.results)
        top = result.results[0].score if result.results else -math.inf
        return Prediction(ids, top, result.decision)


@dataclass(frozen=True)
class _Questions:
    entry_ids: tuple[str, ...]
    texts: tuple[str, ...]
    starts: np.ndarray  # first text of each entry


def _questions(root: Path) -> _Questions:
    """Every entry's example questions only (no title), as the baselines are defined."""
    kb = load_knowledge_base(root)
    entries = [e for e in kb.entries("en") if e.questions]
    sizes = [len(e.questions) for e in entries]
    return _Questions(
        tuple(e.id for e in entries),
        tuple(q for e in entries for q in e.questions),
        np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64),
    )


def _rank(entry_ids: Sequence[str], scores: np.ndarray) -> Prediction:
    top = np.argsort(-scores, kind="stable")[:3]
    return Prediction(tuple(entry_ids[i] for i in top), float(scores[top[0]]), None)


class CharTfidfBaseline:
    """Character 3-5-gram TF-IDF cosine, lower-cased, entry = max over its questions."""

    name = "tfidf-char3-5"

    def __init__(self, root: Path) -> None:
        self.questions = _questions(root)
        self.space = TfidfSpace([self._text(q).split() for q in self.questions.texts], word_ngrams)
        self.postings = Postings(self.space.rows)

    @staticmethod
    def _text(text: str) -> str:
        return " ".join(text.lower().split())

    def predict(self, query: str) -> Prediction:
        # Textbook cosine: the query is normalised over its known n-grams only.
        vector = self.space.query(self._text(query).split(), count_unknown=False)
        dots = self.postings.dot(vector)
        return _rank(self.questions.entry_ids, np.maximum.reduceat(dots, self.questions.starts))


class TokenSortBaseline:
    """rapidfuzz token_sort_ratio, entry = max over its questions, score / 100."""

    name = "rapidfuzz-token_sort"

    def __init__(self, root: Path) -> None:
        self.questions = _questions(root)
        self.texts = [utils.default_process(q) for q in self.questions.texts]

    def predict(self, query: str) -> Prediction:
        scores = process.cdist(
            [utils.default_process(query)], self.texts, scorer=fuzz.token_sort_ratio
        )[0].astype(np.float64)
        return _rank(
            self.questions.entry_ids, np.maximum.reduceat(scores, self.questions.starts) / 100
        )


@dataclass(frozen=True)
class CliRun:
    predictions: list[Prediction]
    seconds: float
    queries_per_second: float
    cpu_seconds: float  # user + system time of the CLI process, start-up included
    load_average: tuple[float, float, float]  # of the machine when the run ended


def run_cli(
    root: Path,
    queries: Sequence[str],
    command: Sequence[str],
    semantic: str = "auto",
    english_model: EnglishModel = "minilm",
) -> CliRun:
    """Pipe all queries through `helpdesk faq search - --lang en --json`, start-up included."""
    env = {
        **os.environ,
        "HELPDESK_FAQ_DIR": str(root),
        "HELPDESK_FAQ_SEMANTIC": semantic,
        "HELPDESK_FAQ_ENGLISH_MODEL": english_model,
    }
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "faq", "search", "-", "--lang", "en", "--json"],
        input="\n".join(queries) + "\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    cpu_seconds = _children_cpu() - cpu_before
    if done.returncode != 0:
        raise RuntimeError(f"CLI failed ({done.returncode}): {done.stderr[-2000:]}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if len(lines) != len(queries):
        raise RuntimeError(f"CLI printed {len(lines)} lines for {len(queries)} queries")
    predictions = []
    for line in lines:
        row = json.loads(line)
        results = row.get("results") or []
        ids = tuple(r["id"] for r in results)
        top = float(results[0]["score"]) if results else -math.inf
        predictions.append(Prediction(ids, top, row.get("decision")))
    return CliRun(predictions, seconds, len(queries) / seconds, cpu_seconds, os.getloadavg())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def default_cli_command() -> list[str]:
    helpdesk = Path(sys.executable).with_name("helpdesk")
    return [str(helpdesk)] if helpdesk.exists() else [sys.executable, "-m", "bots"]
