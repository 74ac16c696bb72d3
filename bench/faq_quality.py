"""FAQ matching quality on the faq-k10 protocol (CLINC150, BANKING77): ``make bench-faq``.

Builds each dataset's 10-shot knowledge base in a temporary directory, calibrates our
thresholds on CLINC150 val + oos_val only, then scores the test splits with our
matcher and two baselines in the same run; prints a table and writes JSON.

    python -m bench.faq_quality [--data ../shared/datasets] [--out bench/results/faq_quality.json]
        [--semantic auto|on|off] [--english-models minilm,mpnet] [--cli] [--limit N]
"""

import argparse
import json
import math
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import get_args

from bench.faq_data import LOADERS, BenchDataset, Query, scale_dataset, write_knowledge_base
from bench.faq_evalset import own_eval_set, print_eval_set
from bench.faq_metrics import (
    Prediction,
    auroc,
    choose_threshold,
    percentile,
    top_k_accuracy,
    with_abstention,
)
from bench.faq_systems import (
    CharTfidfBaseline,
    OurMatcher,
    System,
    TokenSortBaseline,
    default_cli_command,
    run_cli,
)
from bots.progress import progress_bar
from core.faq.calibrate import LabelledQuery, calibrate_knowledge_base
from core.faq.embedder import EnglishModel, semantic_available
from core.faq.kb import load_knowledge_base
from core.faq.matcher import FaqMatcher

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class SystemReport:
    name: str
    top1: float
    top3: float
    latency_p50_ms: float
    latency_p95_ms: float
    build_seconds: float
    cpu_p50_ms: float = 0.0  # process CPU time per query (time.process_time)
    cpu_p95_ms: float = 0.0
    in_scope_accuracy: float | None = None  # CLINC150, with abstention at the calibrated t
    oos_recall: float | None = None
    threshold: float | None = None
    shipped_in_scope_accuracy: float | None = None  # CLINC150, own "answer" decisions
    shipped_oos_recall: float | None = None
    auroc: float | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _timed(
    system: System, queries: Sequence[Query], tick: Callable[[], None]
) -> tuple[list[Prediction], list[float], list[float]]:
    """Predictions, wall milliseconds and CPU milliseconds (this process) of each query."""
    predictions, latencies, cpu = [], [], []
    for query in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        predictions.append(system.predict(query.text))
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        tick()  # outside the timed span
    return predictions, latencies, cpu


def evaluate(
    dataset: BenchDataset,
    system: System,
    build_seconds: float,
    limit: int | None,
    tick: Callable[[], None] = lambda: None,
) -> SystemReport:
    test = dataset.test[:limit] if limit else dataset.test
    predictions, latencies, cpu = _timed(system, test, tick)
    report = SystemReport(
        name=system.name,
        top1=top_k_accuracy(test, predictions, 1),
        top3=top_k_accuracy(test, predictions, 3),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        cpu_p50_ms=percentile(cpu, 50),
        cpu_p95_ms=percentile(cpu, 95),
        build_seconds=build_seconds,
    )
    if dataset.has_oos and dataset.calibration:
        fill_abstention(report, dataset, system, test, predictions)
    return report


def fill_abstention(
    report: SystemReport,
    dataset: BenchDataset,
    system: System,
    test: Sequence[Query],
    predictions: Sequence[Prediction],
) -> None:
    calibration = [system.predict(q.text) for q in dataset.calibration]
    t = choose_threshold(dataset.calibration, calibration)
    answered = [p.top_score >= t for p in predictions]
    report.threshold = t if math.isfinite(t) else None
    report.in_scope_accuracy, report.oos_recall = with_abstention(test, predictions, answered)
    report.auroc = auroc(
        [p.top_score for q, p in zip(test, predictions, strict=True) if q.gold is not None],
        [p.top_score for q, p in zip(test, predictions, strict=True) if q.gold is None],
    )
    if all(p.decision is not None for p in predictions):
        shipped = [p.decision == "answer" for p in predictions]
        report.shipped_in_scope_accuracy, report.shipped_oos_recall = with_abstention(
            test, predictions, shipped
        )


def calibrate_lexical(dataset: BenchDataset, root: Path) -> dict[str, object]:
    """Store thresholds.json in the KB from the calibration split (CLINC: val + oos_val)."""
    if not dataset.calibration:
        return {}
    labelled = [LabelledQuery(q.text, q.gold, "en") for q in dataset.calibration]
    calibration = calibrate_knowledge_base(root, labelled)
    return {
        "answer": calibration.thresholds.answer,
        "suggest": calibration.thresholds.suggest,
        **calibration.info(),
    }


def run_dataset(
    dataset: BenchDataset, args: argparse.Namespace, semantic: bool
) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix=f"faq-k10-{dataset.name.lower()}-") as tmp:
        # Each English model its own copy: each stores its trained model in the knowledge
        # base's folder, and must not find the other's there (the CLI would retrain).
        roots = {
            model: write_knowledge_base(dataset, Path(tmp) / model) for model in args.english_models
        }
        root = roots[args.english_models[0]]
        factories: list[tuple[str, Callable[[], System]]] = [
            ("lexical", lambda: OurMatcher(root)),
            ("tfidf", lambda: CharTfidfBaseline(root)),
            ("token_sort", lambda: TokenSortBaseline(root)),
        ]
        if semantic:
            for place, model in enumerate(args.english_models):
                factories.insert(place, (f"default-{model}", _ours(roots[model], model)))
        reports: list[SystemReport] = []
        calibrations: dict[str, object] = {}
        test_queries = len(dataset.test[: args.limit] if args.limit else dataset.test)
        with progress_bar(f"{dataset.name} queries") as advance:  # on a terminal only
            done = 0

            def tick() -> None:
                nonlocal done
                done += 1
                advance(done, test_queries * len(factories))

            for key, factory in factories:
                if key == "lexical":
                    # The previous default's practice; the default trains on the KB itself.
                    calibrations[key] = calibrate_lexical(dataset, root)
                started = time.perf_counter()
                system = factory()
                build = time.perf_counter() - started
                reports.append(evaluate(dataset, system, build, args.limit, tick))
                print(f"  {dataset.name}: {system.name} done", flush=True)
        result: dict[str, object] = {
            "entries": len(dataset.intents),
            "example_questions": sum(len(q) for q in dataset.intents.values()),
            "test_queries": len(dataset.test[: args.limit] if args.limit else dataset.test),
            "calibration_queries": len(dataset.calibration),
            "calibrated_thresholds": calibrations,
            "systems": {r.name: vars(r) for r in reports},
        }
        if args.cli:
            runs = [("auto", m) for m in args.english_models] if semantic else []
            result["cli"] = {
                mode if model == "minilm" else f"{mode} {model}": cli_report(
                    dataset, roots.get(model, root), args, mode, model
                )
                for mode, model in [*runs, ("off", "minilm")]
            }
        return result


def _ours(root: Path, model: EnglishModel) -> Callable[[], System]:
    return lambda: OurMatcher(root, semantic=True, english_model=model)


def cli_report(
    dataset: BenchDataset,
    root: Path,
    args: argparse.Namespace,
    mode: str,
    english: EnglishModel = "minilm",
) -> dict[str, object]:
    test = dataset.test[: args.limit] if args.limit else dataset.test
    command = args.cli_command or default_cli_command()
    run = run_cli(root, [q.text for q in test], command, semantic=mode, english_model=english)
    chosen = f"HELPDESK_FAQ_ENGLISH_MODEL={english} " if english != "minilm" else ""
    report: dict[str, object] = {
        "command": f"{chosen}HELPDESK_FAQ_SEMANTIC={mode} helpdesk faq search - --lang en --json",
        "queries_per_second": run.queries_per_second,
        "seconds": run.seconds,
        "cpu_ms_per_query": 1000 * run.cpu_seconds / max(len(test), 1),
        "load_average": run.load_average,
        "top1": top_k_accuracy(test, run.predictions, 1),
        "top3": top_k_accuracy(test, run.predictions, 3),
    }
    if dataset.has_oos:
        shipped = [p.decision == "answer" for p in run.predictions]
        report["shipped_in_scope_accuracy"], report["shipped_oos_recall"] = with_abstention(
            test, run.predictions, shipped
        )
    return report


def build_times(data_dir: Path, entries: int = 1000) -> dict[str, object]:
    """Seconds to load and index knowledge bases of ``entries`` entries (best of 3)."""
    report: dict[str, object] = {}
    for questions in (5, 10):
        dataset = scale_dataset(data_dir, entries, questions)
        with tempfile.TemporaryDirectory(prefix="faq-scale-") as tmp:
            root = write_knowledge_base(dataset, Path(tmp))
            loads, builds = [], []
            for _ in range(3):
                started = time.perf_counter()
                kb = load_knowledge_base(root)
                loaded = time.perf_counter()
                FaqMatcher(kb)
                loads.append(loaded - started)
                builds.append(time.perf_counter() - loaded)
        report[f"{len(dataset.intents)}x{questions}"] = {
            "entries": len(dataset.intents),
            "questions_per_entry": questions,
            "load_seconds": min(loads),
            "index_build_seconds": min(builds),
        }
    return report


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{100 * value:5.1f}"


def print_table(results: dict[str, dict[str, object]]) -> None:
    header = (
        f"{'dataset':10} {'system':22} {'top1':>5} {'top3':>5} {'abstIS':>6} {'OOSrec':>6} "
        f"{'shipIS':>6} {'shipOR':>6} {'AUROC':>5} {'p50ms':>6} {'p95ms':>6} {'cpu95':>6} "
        f"{'build s':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, result in results.items():
        systems = result["systems"]
        assert isinstance(systems, dict)
        for r in systems.values():
            auc = "    -" if r["auroc"] is None else f"{r['auroc']:.3f}"
            print(
                f"{name:10} {r['name']:22} {_pct(r['top1'])} {_pct(r['top3'])} "
                f"{_pct(r['in_scope_accuracy']):>6} {_pct(r['oos_recall']):>6} "
                f"{_pct(r['shipped_in_scope_accuracy']):>6} {_pct(r['shipped_oos_recall']):>6} "
                f"{auc:>5} {r['latency_p50_ms']:6.2f} {r['latency_p95_ms']:6.2f} "
                f"{r['cpu_p95_ms']:6.2f} {r['build_seconds']:7.2f}"
            )
        clis = result.get("cli")
        for mode, cli in (clis if isinstance(clis, dict) else {}).items():
            label = f"CLI SEMANTIC={mode}"
            print(
                f"{name:10} {label:22} {_pct(cli['top1'])} {_pct(cli['top3'])} "
                f"{'':>6} {'':>6} {_pct(cli.get('shipped_in_scope_accuracy')):>6} "
                f"{_pct(cli.get('shipped_oos_recall')):>6}   {cli['queries_per_second']:.1f} queries/s, "
                f"{cli['cpu_ms_per_query']:.1f} ms CPU/query, load {cli['load_average'][0]:.1f}"
            )
    print(
        "top1/top3: in-scope accuracy; abstIS/OOSrec: CLINC with abstention at the threshold "
        "chosen on val+oos_val;\nshipIS/shipOR: the same with the matcher's own 'answer' "
        "decisions; latency: one query at a time, KB loaded (wall p50/p95, cpu95: CPU time p95)."
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT.parent / "shared" / "datasets")
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "bench" / "results" / "faq_quality.json"
    )
    parser.add_argument("--datasets", default="clinc150,banking77")
    parser.add_argument("--semantic", choices=("auto", "on", "off"), default="auto")
    parser.add_argument(
        "--english-models",
        default="minilm",
        help="the default system with each of these English models, side by side "
        "(HELPDESK_FAQ_ENGLISH_MODEL; e.g. minilm,mpnet)",
    )
    parser.add_argument(
        "--cli", action="store_true", help="also measure through `helpdesk faq search -`"
    )
    parser.add_argument("--cli-command", nargs="+", help="how to start the CLI (default: helpdesk)")
    parser.add_argument("--limit", type=int, help="only the first N test queries (smoke runs)")
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        help="every Nth test and calibration query (an even sample of in-scope and OOS)",
    )
    parser.add_argument(
        "--cores", type=int, default=1, help="CPU cores to pin the run to (0 = all)"
    )
    args = parser.parse_args(argv)
    args.english_models = [m.strip() for m in args.english_models.split(",") if m.strip()]
    unknown = set(args.english_models) - set(get_args(EnglishModel))
    if unknown or not args.english_models:
        parser.error(f"--english-models: choose from {', '.join(get_args(EnglishModel))}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cores])
        os.environ["OMP_NUM_THREADS"] = str(args.cores)  # the optional embedder's C engine
    semantic = args.semantic == "on" or (args.semantic == "auto" and semantic_available())
    if args.semantic == "on" and not semantic_available():
        raise SystemExit("--semantic on: the bundled embedders could not load (see the warning)")
    results: dict[str, dict[str, object]] = {}
    for key in args.datasets.split(","):
        dataset = LOADERS[key.strip().lower()](args.data)
        if args.every > 1:
            dataset = replace(
                dataset,
                test=dataset.test[:: args.every],
                calibration=dataset.calibration[:: args.every],
            )
        print(
            f"{dataset.name}: {len(dataset.intents)} entries, {len(dataset.test)} test queries",
            flush=True,
        )
        results[dataset.name] = run_dataset(dataset, args, semantic)
    scale = build_times(args.data)
    print()
    print_table(results)
    for key, row in scale.items():
        assert isinstance(row, dict)
        print(
            f"index of {key} entries x questions: load {row['load_seconds']:.2f} s, "
            f"build {row['index_build_seconds']:.2f} s"
        )
    eval_sets = {
        model: own_eval_set(PROJECT_ROOT / "faq", semantic, model) for model in args.english_models
    }
    for model, eval_set in eval_sets.items():
        if len(eval_sets) > 1:
            print(f"English model: {model}")
        print_eval_set(eval_set)
    eval_set = eval_sets[args.english_models[0]]
    payload = {
        "protocol": "faq-k10",
        "data": str(args.data),
        "limit": args.limit,
        "every": args.every,
        "cores": args.cores or os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "datasets": results,
        "build_times": scale,
        "eval_set": eval_set,
        "eval_sets": eval_sets,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
