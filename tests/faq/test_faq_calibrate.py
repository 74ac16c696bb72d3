import json
import math
import shutil
from pathlib import Path

import pytest

from core.faq.calibrate import (
    CalibrationError,
    LabelledQuery,
    ScoredQuery,
    best_threshold,
    calibrate,
    calibrate_knowledge_base,
    self_calibration_queries,
)
from core.faq.embedder import CachedEmbedder
from core.faq.kb import load_knowledge_base
from core.faq.service import FaqService
from core.faq.train import save_model, train
from tests.faq.fakes import HashingEmbedder


def test_best_threshold_balances_answers_and_rejections() -> None:
    scores = [0.9, 0.8, 0.7, 0.3, 0.2, 0.6]
    right = [True, True, False, False, False, False]
    in_scope = [True, True, True, False, False, False]

    # t=0.7 answers both right ones (2/3) and rejects all three out-of-scope (3/3);
    # so does t=0.8 (a wrong answer costs nothing in this objective): ties go lowest.
    assert best_threshold(scores, right, in_scope) == 0.7
    assert best_threshold([*scores, 0.75], [*right, False], [*in_scope, False]) == 0.8


def test_best_threshold_ties_go_to_the_lowest_and_inf_is_a_candidate() -> None:
    assert best_threshold([0.5, 0.4], [True, True], [True, True]) == 0.4
    assert best_threshold([0.5, 0.4], [False, False], [False, False]) == math.inf


def test_calibrate_needs_enough_queries() -> None:
    with pytest.raises(CalibrationError):
        calibrate([ScoredQuery("a", 0.5, True, True)], "too little")


def test_calibrate_orders_suggest_below_answer() -> None:
    scored = [ScoredQuery("a", 0.8, True, True) for _ in range(10)]
    scored += [ScoredQuery("a", 0.45, False, True) for _ in range(10)]
    scored += [ScoredQuery(None, 0.5, False, False) for _ in range(5)]
    scored += [ScoredQuery(None, 0.3, False, False) for _ in range(5)]

    result = calibrate(scored, "synthetic")

    assert result.thresholds.answer == 0.8
    assert result.thresholds.suggest == 0.45
    assert result.oos_recall == 1.0 and result.answered_accuracy == 0.5
    assert result.thresholds.decide(0.5) == "suggest"


def test_self_calibration_holds_out_questions_and_whole_entries(sample_root: Path) -> None:
    kb = load_knowledge_base(sample_root)

    splits = self_calibration_queries(kb, folds=4)

    assert len(splits) == 4
    for held_kb, queries in splits:
        kept_ids = {e.id for lang in held_kb.languages for e in held_kb.entries(lang)}
        for query in queries:
            assert query.gold is None or query.gold in kept_ids
            if query.gold is not None:  # the held-out question is not in its entry anymore
                entry = held_kb.get(query.gold, query.lang or "en")
                assert entry is not None and query.text not in entry.questions
        assert all(e.questions for lang in held_kb.languages for e in held_kb.entries(lang))
    assert any(q.gold is None for _, queries in splits for q in queries)


def test_calibrate_knowledge_base_writes_thresholds_the_service_uses(
    sample_root: Path, tmp_path: Path
) -> None:
    root = tmp_path / "faq"
    for source in sample_root.rglob("*.md"):
        target = root / source.relative_to(sample_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")

    result = calibrate_knowledge_base(root)

    stored = json.loads((root / "thresholds.json").read_text(encoding="utf-8"))["lexical"]
    assert stored["answer"] == result.thresholds.answer
    assert stored["source"].startswith("self-calibration")
    assert 0.0 <= result.thresholds.suggest <= result.thresholds.answer
    assert FaqService(root, "en").matcher.thresholds == result.thresholds


def test_calibrate_with_labelled_queries(sample_root: Path, tmp_path: Path) -> None:
    queries = [LabelledQuery("I forgot my password", "password-reset", "en")] * 10
    queries += [LabelledQuery("printer is broken", "printer-setup", "en")] * 10
    queries += [LabelledQuery("what is the weather in Paris", None, "en")] * 10

    result = calibrate_knowledge_base(sample_root, queries, save=False)

    assert result.in_scope == 20 and result.out_of_scope == 10
    assert result.answered_accuracy == 1.0 and result.oos_recall == 1.0
    assert not (sample_root / "thresholds.json").exists()


def test_labelled_queries_calibrate_the_thresholds_the_trained_matcher_answers_with(
    sample_root: Path, tmp_path: Path
) -> None:
    root = tmp_path / "faq"
    shutil.copytree(sample_root, root)
    embedder = CachedEmbedder(HashingEmbedder())
    kb = load_knowledge_base(root)
    trained = train(kb, embedder)
    assert trained is not None
    save_model(root, trained, kb, embedder)
    queries = [LabelledQuery("I forgot my password", "password-reset", "en")] * 10
    queries += [LabelledQuery("printer is broken", "printer-setup", "en")] * 10
    queries += [LabelledQuery("what is the weather in Paris", None, "en")] * 10

    result = calibrate_knowledge_base(root, queries, embedder=embedder, trained=trained)

    stored = json.loads((root / "thresholds.json").read_text(encoding="utf-8"))
    assert set(stored) == {"trained"}
    matcher = FaqService(root, "en", semantic=True, embedder=embedder).matcher
    assert matcher.scorer == "trained"
    assert matcher.thresholds == result.thresholds != trained.thresholds
