"""Misses, replayed on the project's evaluation set (``faq/eval/*.jsonl``).

Each language's questions are asked once with the shipped decisions and no language
hint. Every wrong direct answer (an out-of-scope question answered, or the wrong entry)
is recorded as a miss of the entry given, as if the person had asked for a human after
it. Then every question is asked again, as written and retyped (lower case, no
punctuation, no diacritics), and the right and wrong direct answers are counted: the
misses should stop the wrong answers and cost no right one.

    python -m bench.faq_misses [--faq-dir faq] [--semantic auto|on|off]
"""

from collections.abc import Sequence
from pathlib import Path

from bench.faq_learning import replay_parser, write_results
from bots.progress import progress_bar
from core.faq.evaluate import EvalCase, eval_files, load_eval_file
from core.faq.learned import LearnedPhrasing
from core.faq.normalize import normalize_folded
from core.faq.service import FaqService


def _direct(service: FaqService, query: str) -> str | None:
    """The entry answered directly, or None."""
    result = service.search(query)
    return result.results[0].entry_id if result.decision == "answer" else None


def _ask(
    service: FaqService, cases: Sequence[EvalCase]
) -> dict[str, list[tuple[EvalCase, str | None]]]:
    """Each case with the entry answered directly (or None), as written and retyped."""
    return {
        "as written": [(case, _direct(service, case.query)) for case in cases],
        "retyped": [(case, _direct(service, normalize_folded(case.query))) for case in cases],
    }


def _counts(asked: dict[str, list[tuple[EvalCase, str | None]]]) -> dict[str, dict[str, int]]:
    """Right and wrong direct answers, as written and retyped."""
    return {
        how: {
            "right": sum(given is not None and given == case.expected for case, given in pairs),
            "wrong": sum(given is not None and given != case.expected for case, given in pairs),
        }
        for how, pairs in asked.items()
    }


def replay(faq_dir: Path, semantic: str) -> dict[str, object]:
    service = FaqService(faq_dir, "en", semantic=semantic)  # type: ignore[arg-type]
    kb = service.kb
    results: dict[str, object] = {}
    with progress_bar("misses replay") as advance:  # on a terminal only
        files = eval_files(faq_dir)
        for done, path in enumerate(files):
            advance(done, len(files))
            lang = path.stem
            ids = frozenset(e.id for e in kb.entries(lang)) or kb.ids()
            cases = load_eval_file(path, ids)
            service.set_learned([])
            asked = _ask(service, cases)
            misses = [
                LearnedPhrasing(given, lang, case.query, miss=True)
                for case, given in asked["as written"]
                if given is not None and given != case.expected
            ]
            service.set_learned(misses)
            results[lang] = {
                "questions": len(cases),
                "misses": len(misses),
                "before": _counts(asked),
                "after": _counts(_ask(service, cases)),
            }
        advance(len(files), len(files))
    service.set_learned([])
    return {"faq_dir": str(faq_dir), "scorer": service.matcher.scorer, "results": results}


def print_replay(section: dict[str, object]) -> None:
    results = section["results"]
    assert isinstance(results, dict)
    print(f"misses replay ({section['scorer']} scorer, no language hint)")
    header = f"{'lang':4} {'misses':>6} {'asked':10} {'right before':>12} {'after':>5}"
    header += f" {'wrong before':>12} {'after':>5}"
    print(header)
    print("-" * len(header))
    for lang, row in results.items():
        for asked in ("as written", "retyped"):
            before, after = row["before"][asked], row["after"][asked]
            print(
                f"{lang:4} {row['misses']:6} {asked:10} {before['right']:12} {after['right']:5}"
                f" {before['wrong']:12} {after['wrong']:5}"
            )
    print(
        "right/wrong: direct answers with the expected entry / another entry or to an"
        "\nout-of-scope question; retyped: lower case, no punctuation, no diacritics."
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = replay_parser(__doc__, "faq_misses.json").parse_args(argv)
    section = replay(args.faq_dir, args.semantic)
    print_replay(section)
    write_results(args.out, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
