"""Learning from use, replayed on the project's evaluation set (``faq/eval/*.jsonl``).

Each language's in-scope questions are split per entry into a "learned" half (as if
agents had resolved those tickets with the right entry) and a held-out half. The
held-out half plus every out-of-scope question is scored twice with the shipped
decisions and no language hint: by the knowledge base alone, and with the learned half
given to the service as learned phrasings (the trained model is not retrained: learned
phrasings join the index it scores, as in the running bot).

    python -m bench.faq_learning [--faq-dir faq] [--semantic auto|on|off] [--seed 0]
"""

import argparse
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from bots.progress import Advance, progress_bar
from core.faq.evaluate import (
    EvalCase,
    EvalReport,
    Search,
    eval_files,
    evaluate,
    load_eval_file,
)
from core.faq.learned import LearnedPhrasing
from core.faq.model import SearchResult
from core.faq.service import FaqService

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("precision", "answered_correct", "oos_answered_rate", "top1", "top3")


def split_cases(cases: Sequence[EvalCase], seed: int) -> tuple[list[EvalCase], list[EvalCase]]:
    """(learned, held out): every other in-scope question of each entry, after a shuffle;
    out-of-scope questions are all held out (nobody resolves a ticket with them)."""
    by_entry: dict[str, list[EvalCase]] = defaultdict(list)
    held: list[EvalCase] = []
    for case in cases:
        if case.expected is None:
            held.append(case)
        else:
            by_entry[case.expected].append(case)
    rng = random.Random(seed)
    learned: list[EvalCase] = []
    for entry_id in sorted(by_entry):
        group = by_entry[entry_id]
        rng.shuffle(group)
        learned.extend(group[0::2])
        held.extend(group[1::2])
    return learned, held


def _row(report: EvalReport) -> dict[str, object]:
    data = report.as_dict()
    return {key: data[key] for key in ("in_scope", "out_of_scope", *COLUMNS)}


def _counting(search: Search, advance: Advance, total: int) -> Search:
    """``search`` telling ``advance`` of each query it answers."""
    done = 0

    def counted(query: str) -> SearchResult:
        nonlocal done
        result = search(query)
        done += 1
        advance(done, total)
        return result

    return counted


def replay(
    faq_dir: Path, semantic: str, seed: int, advance: Advance | None = None
) -> dict[str, object]:
    service = FaqService(faq_dir, "en", semantic=semantic)  # type: ignore[arg-type]
    kb = service.kb
    splits: list[tuple[str, list[EvalCase], list[EvalCase]]] = []
    for path in eval_files(faq_dir):
        ids = frozenset(e.id for e in kb.entries(path.stem)) or kb.ids()
        splits.append((path.stem, *split_cases(load_eval_file(path, ids), seed)))
    # Every held-out question is asked twice: without and with the learned half.
    search = _counting(
        service.search, advance or _quiet, sum(2 * len(held) for _, _, held in splits)
    )
    results: dict[str, object] = {}
    for lang, learned, held in splits:
        service.set_learned([])
        without = evaluate(lang, held, search)
        service.set_learned(
            [LearnedPhrasing(str(c.expected), lang, c.query) for c in learned if c.expected]
        )
        with_learned = evaluate(lang, held, search)
        results[lang] = {
            "learned": len(learned),
            "without": _row(without),
            "with": _row(with_learned),
        }
    service.set_learned([])
    return {
        "faq_dir": str(faq_dir),
        "scorer": service.matcher.scorer,
        "seed": seed,
        "results": results,
    }


def _quiet(done: int, total: int) -> None:
    return None


def _pct(value: object) -> str:
    return f"{100 * value:5.1f}" if isinstance(value, float) else "    -"


def print_replay(section: dict[str, object]) -> None:
    results = section["results"]
    assert isinstance(results, dict)
    print(f"learning replay ({section['scorer']} scorer, seed {section['seed']}, no language hint)")
    header = f"{'lang':4} {'learned':>7} {'held':>4} {'':7} " + " ".join(
        f"{name:>6}" for name in ("prec", "ansOK", "OOSans", "top1", "top3")
    )
    print(header)
    print("-" * len(header))
    for lang, row in results.items():
        for label in ("without", "with"):
            scores = row[label]
            held = scores["in_scope"] + scores["out_of_scope"]
            print(
                f"{lang:4} {row['learned']:7} {held:4} {label:7} "
                + " ".join(f"{_pct(scores[key]):>6}" for key in COLUMNS)
            )
    print(
        "held: held-out in-scope questions + every out-of-scope one; prec: right direct"
        "\nanswers / direct answers; ansOK: right direct answers / in-scope; OOSans:"
        "\nout-of-scope answered anyway; top1/top3: in-scope, any decision."
    )


def replay_parser(description: str | None, results_name: str) -> argparse.ArgumentParser:
    """The options every replay of the evaluation set takes."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--faq-dir", type=Path, default=PROJECT_ROOT / "faq")
    parser.add_argument("--semantic", choices=("auto", "on", "off"), default="auto")
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "bench" / "results" / results_name
    )
    return parser


def write_results(out: Path, section: dict[str, object]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(section, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = replay_parser(__doc__, "faq_learning.json")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with progress_bar("learning replay") as advance:  # on a terminal only
        section = replay(args.faq_dir, args.semantic, args.seed, advance)
    print_replay(section)
    write_results(args.out, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
