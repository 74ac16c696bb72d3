"""The project's own evaluation set (``faq/eval/*.jsonl`` on the sample knowledge base).

A section of ``bench.faq_quality``: the same numbers as ``helpdesk faq eval``, asked with
no language hint, with the matcher's shipped decisions.
"""

import shutil
import tempfile
from pathlib import Path

from core.faq.embedder import EnglishModel
from core.faq.evaluate import eval_files, evaluate, load_eval_file
from core.faq.service import FaqService


def own_eval_set(
    faq_dir: Path, semantic: bool, english_model: EnglishModel = "minilm"
) -> dict[str, object]:
    """On a copy of ``faq_dir``: another English model retrains, and must not rewrite the
    knowledge base's stored model."""
    with tempfile.TemporaryDirectory(prefix="faq-eval-") as tmp:
        copy = Path(tmp) / "faq"
        shutil.copytree(faq_dir, copy)
        service = FaqService(copy, "en", semantic=semantic, english_model=english_model)
        kb = service.kb
        results: dict[str, object] = {}
        for path in eval_files(copy):
            ids = frozenset(e.id for e in kb.entries(path.stem)) or kb.ids()
            report = evaluate(path.stem, load_eval_file(path, ids), service.search)
            results[path.stem] = report.as_dict()
    return {"faq_dir": str(faq_dir), "scorer": service.scorer, "results": results}


def _pct(value: object) -> str:
    return "    -" if not isinstance(value, float) else f"{100 * value:5.1f}"


def print_eval_set(section: dict[str, object]) -> None:
    results = section["results"]
    assert isinstance(results, dict)
    if not results:
        print(f"own evaluation set: no files in {section['faq_dir']}/eval")
        return
    print(f"\nown evaluation set ({section['scorer']} scorer, no language hint)")
    header = (
        f"{'file':6} {'in':>4} {'OOS':>4} {'prec':>5} {'ansOK':>5} {'OOSans':>6} "
        f"{'top1':>5} {'top3':>5} {'p50ms':>6} {'p95ms':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:6} {r['in_scope']:4} {r['out_of_scope']:4} {_pct(r['precision'])} "
            f"{_pct(r['answered_correct'])} {_pct(r['oos_answered_rate']):>6} "
            f"{_pct(r['top1'])} {_pct(r['top3'])} "
            f"{r['latency_p50_ms']:6.2f} {r['latency_p95_ms']:6.2f}"
        )
    print(
        "prec: right direct answers / direct answers; ansOK: right direct answers / in-scope;"
        "\nOOSans: out-of-scope questions answered anyway; top1/top3: in-scope, any decision."
    )
