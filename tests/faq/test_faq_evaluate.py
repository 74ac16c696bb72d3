"""Scoring a matcher on an evaluation file: the counts, the rates and bad lines."""

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from core.faq.evaluate import EvalCase, EvalFileError, eval_files, evaluate, load_eval_file
from core.faq.model import Decision, Match, SearchResult
from core.faq.service import FaqService

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


def _result(query: str, decision: Decision, *ids: str) -> SearchResult:
    matches = tuple(Match(entry_id=i, title=i, score=0.5) for i in ids)
    return SearchResult(query=query, lang="en", decision=decision, results=matches)


def _steps(milliseconds: list[float]) -> Callable[[], float]:
    """A clock whose successive (start, stop) pairs are the given milliseconds apart."""
    times = itertools.accumulate(
        itertools.chain.from_iterable((0.0, ms / 1000.0) for ms in milliseconds)
    )
    return lambda: next(times)


def test_counts_every_view_of_the_answers() -> None:
    answers = {
        "right answer": _result("right answer", "answer", "vpn", "printer"),
        "wrong answer": _result("wrong answer", "answer", "printer", "vpn"),
        "suggested second": _result("suggested second", "suggest", "printer", "vpn"),
        "nothing": _result("nothing", "none"),
        "oos answered": _result("oos answered", "answer", "vpn"),
        "oos quiet": _result("oos quiet", "suggest", "vpn"),
    }
    cases = [
        EvalCase("right answer", "vpn", 1),
        EvalCase("wrong answer", "vpn", 2),
        EvalCase("suggested second", "vpn", 3),
        EvalCase("nothing", "vpn", 4),
        EvalCase("oos answered", None, 5),
        EvalCase("oos quiet", None, 6),
    ]

    report = evaluate("en", cases, answers.__getitem__, clock=_steps([1, 2, 3, 4, 5, 100]))

    assert (report.in_scope, report.out_of_scope) == (4, 2)
    assert (report.answered, report.answered_right, report.oos_answered) == (3, 1, 1)
    assert report.precision == pytest.approx(1 / 3)
    assert report.answered_correct == pytest.approx(1 / 4)
    assert report.oos_answered_rate == pytest.approx(1 / 2)
    assert (report.top1_rate, report.top3_rate) == (pytest.approx(1 / 4), pytest.approx(3 / 4))
    assert report.latency_p50_ms == pytest.approx(3.5)
    assert 5 < report.latency_p95_ms <= 100
    assert report.as_dict()["questions"] == 6


def test_rates_without_a_base_are_none() -> None:
    report = evaluate(
        "en", [EvalCase("hello", None, 1)], lambda q: _result(q, "none"), clock=_steps([1])
    )

    assert report.precision is None and report.answered_correct is None
    assert report.top1_rate is None and report.oos_answered_rate == 0.0


def test_a_tiny_knowledge_base_answers_its_own_questions(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    write_entry("en", "printer", "Printing in the office", ["How do I add a printer?"])
    eval_file = kb_root / "eval" / "en.jsonl"
    eval_file.parent.mkdir()
    rows = [
        {"query": "how do i connect to the vpn", "expected": "vpn"},
        {"query": "how do i add a printer", "expected": "printer"},
        {"query": "zebra giraffe penguin", "expected": None},
    ]
    eval_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    faq = FaqService(kb_root, "en")

    assert eval_files(kb_root) == [eval_file]
    report = evaluate("en", load_eval_file(eval_file, faq.kb.ids()), faq.search)

    assert (report.top1, report.answered_right, report.oos_answered) == (2, 2, 0)
    assert report.precision == 1.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "a JSON object"),
        ('{"query": "", "expected": null}', '"query" must be a non-empty string'),
        ('{"query": "vpn?"}', '"expected" is missing'),
        ('{"query": "vpn?", "expected": 3}', '"expected" must be an entry id or null'),
        ('{"query": "vpn?", "expected": "vnp"}', "unknown entry id 'vnp'"),
        ('{"query": "VPN?  ", "expected": null}', "duplicate query (first on line 1)"),
    ],
)
def test_a_bad_line_is_named_by_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "en.jsonl"
    path.write_text('{"query": "vpn?", "expected": "vpn"}\n\n' + line + "\n", encoding="utf-8")

    with pytest.raises(EvalFileError) as raised:
        load_eval_file(path, {"vpn"})

    assert str(raised.value).startswith(f"{path}:3: ")
    assert message in str(raised.value)
