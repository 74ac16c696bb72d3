"""Decision thresholds, stored beside the knowledge base as ``thresholds.json``.

The file holds one section per scorer ("lexical", "semantic"), because scores of
the two are not on the same scale:
``{"lexical": {"answer": 0.41, "suggest": 0.27, ...how it was calibrated...}}``.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

from core.faq.layout import THRESHOLDS_FILE
from core.faq.model import Decision


class ThresholdsError(ValueError):
    """thresholds.json exists but cannot be used."""


@dataclass(frozen=True)
class Thresholds:
    """``answer`` when the top score >= answer, ``suggest`` when >= suggest, else ``none``."""

    answer: float
    suggest: float

    def __post_init__(self) -> None:
        if math.isnan(self.answer) or not (0.0 <= self.suggest <= self.answer):
            raise ThresholdsError(
                f"need 0 <= suggest <= answer, got suggest={self.suggest} answer={self.answer}"
            )

    def decide(self, top_score: float | None) -> Decision:
        if top_score is None or top_score < self.suggest:
            return "none"
        return "answer" if top_score >= self.answer else "suggest"


# Used until `helpdesk faq calibrate` writes thresholds.json. They are not guesses:
# they are what `python -m bench.faq_quality` calibrated on CLINC150 val + oos_val
# (see bench/README.md); a knowledge base of another shape should calibrate its own.
_DEFAULTS = {
    "lexical": Thresholds(answer=0.3612, suggest=0.265),
    "semantic": Thresholds(answer=0.5425, suggest=0.506),
}


def default_thresholds(scorer: str) -> Thresholds:
    return _DEFAULTS.get(scorer, _DEFAULTS["lexical"])


def thresholds_path(root: Path) -> Path:
    return root / THRESHOLDS_FILE


def load_thresholds(root: Path, scorer: str = "lexical") -> Thresholds | None:
    """The calibrated thresholds for a knowledge base and scorer, None when never calibrated."""
    section = _read(thresholds_path(root)).get(scorer)
    if section is None:
        return None
    try:
        assert isinstance(section, dict)
        return Thresholds(answer=float(section["answer"]), suggest=float(section["suggest"]))
    except (AssertionError, KeyError, TypeError, ValueError) as exc:
        raise ThresholdsError(
            f'{thresholds_path(root)}: expected {{"{scorer}": {{"answer": x, "suggest": y}}}}'
        ) from exc


def save_thresholds(
    root: Path,
    thresholds: Thresholds,
    scorer: str = "lexical",
    info: dict[str, object] | None = None,
) -> Path:
    """Write (or replace) the scorer's section; ``info`` records how it was calibrated."""
    path = thresholds_path(root)
    try:
        payload = _read(path)
    except ThresholdsError:
        payload = {}  # an unreadable file is being replaced anyway
    payload[scorer] = {"answer": thresholds.answer, "suggest": thresholds.suggest, **(info or {})}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)  # atomic: a reloading service never reads half a file
    return path


def _read(path: Path) -> dict[str, object]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ThresholdsError(f"{path}: cannot read thresholds: {exc}") from exc
    if not isinstance(raw, dict):
        raise ThresholdsError(f"{path}: expected a JSON object")
    return raw
