"""Train a knowledge base's confidence model on its own questions; store it beside the KB.

Folds hold out some questions (their entry stays: in scope) and some whole entries
(their questions become out of scope), the matcher is rebuilt without them, and the
held-out questions are scored. The confidence model learns from those rows what a
right first entry and an unknown question look like on *this* knowledge base; the
thresholds are chosen on the same rows. ``<root>/faq-model.npz`` keeps the model, the
knowledge base's content fingerprint (a stale file is ignored and retrained) and the
vectors of its texts, so a restart does not embed the knowledge base again.
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.faq.calibrate import (
    EXPECTED_OUT_OF_SCOPE,
    MIN_QUERIES,
    SELF_CALIBRATION_FOLDS,
    LabelledQuery,
    ScoredQuery,
    calibrate,
    self_calibration_queries,
)
from core.faq.classifier import FittedClassifiers
from core.faq.confidence import ConfidenceModel, Evidence, TrainedScorer, fit
from core.faq.embedder import CachedEmbedder, Embedder, embed_in
from core.faq.index import entry_texts
from core.faq.kb import KnowledgeBase
from core.faq.matcher import FaqMatcher
from core.faq.normalize import fold, normalize
from core.faq.thresholds import Thresholds

log = logging.getLogger(__name__)

MODEL_FILE = "faq-model.npz"
FORMAT = 9  # 9: the far gate falls with the square of the share (thresholds chosen with it)
# 8: the share of the query's words the first entry uses (its answer included)
# 7: the far gate (distance to the nearest entry, core/faq/confidence.py)
# 6: English indexes also weigh MiniLM's classifier and nearest-text similarity


def kb_fingerprint(kb: KnowledgeBase, embedder: Embedder) -> str:
    """Changes whenever a text the matcher indexes changes (answers do not count)."""
    digest = hashlib.sha256(f"{FORMAT}\n{embedder.name}\n".encode())
    for entry in sorted(kb.all_entries(), key=lambda e: (e.lang, e.id)):
        digest.update(json.dumps([entry.lang, entry.id, *entry_texts(entry)]).encode())
    return digest.hexdigest()


Progress = Callable[[int, int], None]
"""Told (done, total) as a long computation goes on: a terminal shows it as a bar."""


def _silent(done: int, total: int) -> None:
    return None


def train(
    kb: KnowledgeBase,
    embedder: Embedder,
    progress: Progress | None = None,
    classifiers: FittedClassifiers | None = None,
) -> TrainedScorer | None:
    """None when the knowledge base is too small to hold anything out.

    `progress(done, total)` is told after the embeddings and after each held-out fold.
    ``classifiers`` gets the whole knowledge base's entry classifiers, for ``save_model``.
    """
    started = time.perf_counter()
    folds = list(self_calibration_queries(kb))
    tell = progress or _silent
    tell(0, len(folds) + 1)
    # Every held-out question is a text of the knowledge base: embed each once, up front.
    for lang in kb.languages:
        embed_in(
            embedder, [text for entry in kb.entries(lang) for text in entry_texts(entry)], lang
        )
    tell(1, len(folds) + 1)
    rows: list[Evidence] = []
    scored: list[ScoredQuery] = []
    for done, (held_kb, queries) in enumerate(folds, start=2):
        tell(done - 1, len(folds) + 1)
        matcher = FaqMatcher(held_kb, embedder=embedder)
        for query, text in _as_typed(queries):
            lang = query.lang or matcher.default_lang
            views = matcher.views(text, normalize(text), lang)
            if views is None:
                continue
            fused, seen = views
            first = matcher.entry_ids(lang)[int(np.argmax(fused))]
            right = query.gold is not None and first == query.gold
            rows.append(seen)
            scored.append(ScoredQuery(query.gold, seen.top, right, right))
    tell(len(folds) + 1, len(folds) + 1)
    in_scope = sum(q.gold is not None for q in scored)
    if len(rows) < MIN_QUERIES or not any(q.top1_right for q in scored) or in_scope == len(rows):
        return None
    if classifiers is not None:
        FaqMatcher(kb, embedder=embedder, classifiers=classifiers)
    model = fit(rows, [q.top1_right for q in scored], [q.gold is not None for q in scored])
    confident = [
        ScoredQuery(q.gold, model.probability(row), q.top1_right, q.top3_right)
        for q, row in zip(scored, rows, strict=True)
    ]
    calibration = calibrate(
        confident,
        f"{SELF_CALIBRATION_FOLDS} folds of its own questions",
        out_of_scope_share=EXPECTED_OUT_OF_SCOPE,
    )
    info: dict[str, object] = {
        **calibration.info(),
        "train_seconds": round(time.perf_counter() - started, 2),
    }
    return TrainedScorer(
        model=model,
        thresholds=calibration.thresholds,
        fingerprint=kb_fingerprint(kb, embedder),
        embedder=embedder.name,
        info=info,
    )


def _as_typed(queries: Sequence[LabelledQuery]) -> list[tuple[LabelledQuery, str]]:
    """Each held-out question as written and, where it has diacritics, without them: many
    people type that way, and the model must know how sure to be of such a question."""
    return [(q, text) for q in queries for text in dict.fromkeys((q.text, fold(q.text)))]


def model_path(root: Path) -> Path:
    return root / MODEL_FILE


def save_model(
    root: Path,
    trained: TrainedScorer,
    kb: KnowledgeBase,
    embedder: Embedder,
    classifiers: FittedClassifiers | None = None,
) -> Path:
    """Writes the model, the vectors of the knowledge base's texts and ``classifiers``."""
    # The classifiers also learn from each text without diacritics: keep those vectors too.
    written = {text for entry in kb.all_entries() for text in entry_texts(entry)}
    texts = sorted(written | {fold(text) for text in written})
    # Half precision: a restart needs the directions, and the file stays small.
    # The blocks each text was embedded with (NaN for a model its languages do not use).
    known = embedder.known(texts) if isinstance(embedder, CachedEmbedder) else embedder.embed(texts)
    vectors = known.astype(np.float16) if texts else np.zeros((0, 1))
    meta = {
        "format": FORMAT,
        "fingerprint": trained.fingerprint,
        "embedder": trained.embedder,
        "model": trained.model.to_json(),
        "answer": trained.thresholds.answer,
        "suggest": trained.thresholds.suggest,
        "info": trained.info,
    }
    path = model_path(root)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        arrays: dict[str, npt.NDArray[Any]] = {
            "meta": np.array(json.dumps(meta)),
            "texts": np.array(texts),
            "vectors": vectors,
            **(classifiers.arrays() if classifiers is not None else {}),
        }
        np.savez(handle, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)  # atomic: another process may be loading it
    return path


def read_model(
    root: Path, embedder: Embedder, classifiers: FittedClassifiers | None = None
) -> TrainedScorer | None:
    """The stored model, whatever knowledge base it was trained on; None when there is no
    file or it was made by another embedder or format.

    The stored vectors and ``classifiers`` are taken whatever else changed: a reload embeds
    only the texts that are new, and refits only the languages whose examples changed.
    """
    path = model_path(root)
    try:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            texts, vectors = stored["texts"], stored["vectors"]
            fitted = {name: stored[name] for name in stored.files if name.startswith("classifier.")}
        if meta.get("embedder") != embedder.name:
            return None
        if classifiers is not None:
            classifiers.restore(fitted)
        if isinstance(embedder, CachedEmbedder) and len(texts) == len(vectors):
            embedder.remember([str(t) for t in texts], vectors)
        if meta.get("format") != FORMAT:
            return None
        return TrainedScorer(
            model=ConfidenceModel.from_json(meta["model"]),
            thresholds=Thresholds(answer=float(meta["answer"]), suggest=float(meta["suggest"])),
            fingerprint=meta["fingerprint"],
            embedder=meta["embedder"],
            info=dict(meta.get("info") or {}),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring %s: %s", path, error)
        return None


def load_model(
    root: Path,
    kb: KnowledgeBase,
    embedder: Embedder,
    classifiers: FittedClassifiers | None = None,
) -> TrainedScorer | None:
    """The stored model when it was trained on this very knowledge base, else None."""
    stored = read_model(root, embedder, classifiers)
    if stored is None or stored.fingerprint != kb_fingerprint(kb, embedder):
        return None
    return stored


def load_or_train(
    root: Path,
    kb: KnowledgeBase,
    embedder: Embedder,
    classifiers: FittedClassifiers | None = None,
) -> TrainedScorer | None:
    """What the service runs on start and on every reload that changed the knowledge base."""
    trained = load_model(root, kb, embedder, classifiers)
    if trained is not None:
        return trained
    return train_and_store(root, kb, embedder, classifiers)


def train_and_store(
    root: Path,
    kb: KnowledgeBase,
    embedder: Embedder,
    classifiers: FittedClassifiers | None = None,
) -> TrainedScorer | None:
    """``train``, and the model stored beside the knowledge base when the folder allows."""
    trained = train(kb, embedder, classifiers=classifiers)
    if trained is None:
        return None
    try:
        save_model(root, trained, kb, embedder, classifiers)
    except OSError as error:  # a read-only knowledge base still gets its model, in memory
        log.warning("cannot store the FAQ model in %s: %s", root, error)
    log.info("FAQ model trained for %s: %s", root, trained.info)
    return trained
