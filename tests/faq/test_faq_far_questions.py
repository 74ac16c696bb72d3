"""Questions far from every entry: the Mahalanobis distance and the confidence's far gate."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from core.faq.confidence import FAR_FLOOR, Evidence, fit
from core.faq.embedder import load_embedder
from core.faq.normalize import normalize
from core.faq.service import FaqService
from core.faq.spread import EntrySpread

SHIPPED = Path(__file__).resolve().parents[2] / "faq"


def _unit(rows: np.ndarray) -> np.ndarray:
    unit: np.ndarray = rows / np.linalg.norm(rows, axis=-1, keepdims=True)
    return unit


def test_a_question_off_every_entrys_spread_is_farther_than_the_entries_own_texts() -> None:
    rng = np.random.default_rng(0)
    width = 16
    # Two entries whose phrasings vary in the first four dimensions only.
    centres = np.zeros((2, width))
    centres[0, 8], centres[1, 9] = 1.0, 1.0
    noise = np.zeros((20, width))
    noise[:, :4] = rng.normal(scale=0.3, size=(20, 4))
    labels = np.repeat([0, 1], 10)
    rows = _unit(centres[labels] + noise)
    spread = EntrySpread.of(rows, labels, 2)

    own = np.array([spread.distances(row)[label] for row, label in zip(rows, labels, strict=True)])
    along = _unit(centres[0] + np.eye(width)[0] * 0.3)  # varies the way entry 0's texts do
    off = _unit(centres[0] + np.eye(width)[12] * 0.3)  # as far in a direction none varies in

    assert np.argmin(spread.distances(along)) == 0
    # As far in cosine, farther in the measure: the texts never vary that way.
    assert np.isclose(along @ _unit(centres[0]), off @ _unit(centres[0]))
    assert spread.distances(off)[0] > 1.05 * spread.distances(along)[0]
    assert spread.distances(off)[0] > np.median(own)


def test_entries_of_one_text_each_or_identical_texts_still_give_distances() -> None:
    rows = _unit(np.eye(3))
    for labels in (np.arange(3), np.zeros(3, dtype=np.int64)):
        spread = EntrySpread.of(rows, labels, int(labels.max()) + 1)
        assert np.isfinite(spread.distances(rows[0])).all()
    same = EntrySpread.of(np.tile(rows[:1], (4, 1)), np.zeros(4, dtype=np.int64), 1)
    assert np.isfinite(same.distances(rows[1])).all()


def _evidence(top: float, distance: float) -> Evidence:
    return Evidence(
        top=top,
        margin=top / 2,
        lexical_top=top,
        lexical_agrees=True,
        coverage=1.0,
        wording=1.0,
        similarity=top,
        similarity_elsewhere=top,
        models_agree=1.0,
        words=6,
        distance_best=distance,
    )


def test_the_far_gate_lowers_only_questions_farther_than_the_held_out_ones() -> None:
    rng = np.random.default_rng(1)
    tops = rng.uniform(0.2, 1.0, 400)
    held_out = [
        _evidence(float(t), float(d)) for t, d in zip(tops, rng.uniform(1, 3, 400), strict=True)
    ]
    model = fit(held_out, [bool(t > 0.6) for t in tops], [True] * 400)

    near, far, beyond = (_evidence(0.9, d) for d in (1.5, 2.9, 50.0))
    assert model.gate(near) == 1.0
    assert FAR_FLOOR < model.gate(far) < 1.0
    assert model.gate(beyond) == FAR_FLOOR
    assert model.probability(beyond) < model.probability(far) < model.probability(near)
    # Without embeddings there is no distance and the gate stays open.
    assert fit(held_out, [bool(t > 0.6) for t in tops]).gate(beyond) == 1.0


def test_questions_about_nothing_in_the_sample_lose_confidence_and_are_not_answered(
    tmp_path: Path,
) -> None:
    embedder = load_embedder()
    if embedder is None:
        pytest.skip("the bundled embedders are not installed")
    root = tmp_path / "faq"
    shutil.copytree(SHIPPED, root)  # its stored model, so nothing is trained here
    service = FaqService(root, "en", semantic="on", embedder=embedder, check_interval=0)
    trained = service.matcher.trained
    assert trained is not None and trained.model.far

    def gate(question: str, lang: str) -> float:
        views = service.matcher.views(question, normalize(question), lang)
        assert views is not None
        return trained.model.gate(views[1])

    for question, lang in (
        ("how do I connect to the VPN from home?", "en"),
        ("jak połączyć się z VPN z domu?", "pl"),
    ):
        assert gate(question, lang) == 1.0, question
    for question, lang in (
        ("which wine goes best with grilled salmon?", "en"),
        ("how many moons does jupiter have", "en"),
        ("какое вино подходит к жареному лососю?", "ru"),
    ):
        assert gate(question, lang) < 1.0, question
        assert service.search(question, lang).decision != "answer", question
