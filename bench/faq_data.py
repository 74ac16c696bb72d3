"""The faq-k10 protocol's data: CLINC150 and BANKING77 read from the shared datasets folder.

Data is read in place and knowledge bases are written to a temporary directory;
nothing from the datasets is copied into the repository.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

K_SHOT = 10  # the protocol's "k10": the first 10 training utterances of each intent
OOS = "oos"


@dataclass(frozen=True)
class Query:
    text: str
    gold: str | None  # None: out of scope, the right behaviour is not to answer


@dataclass(frozen=True)
class BenchDataset:
    name: str
    intents: dict[str, tuple[str, ...]]  # intent -> its K_SHOT example questions, in file order
    test: tuple[Query, ...]
    calibration: tuple[Query, ...]  # empty when the dataset has no calibration split

    @property
    def has_oos(self) -> bool:
        return any(q.gold is None for q in self.test)


def clean(text: str) -> str:
    """The protocol's only normalisation: whitespace runs become one space."""
    return " ".join(text.split())


def _first_k(rows: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    intents: dict[str, list[str]] = {}
    for text, intent in rows:
        bucket = intents.setdefault(intent, [])
        if len(bucket) < K_SHOT:
            bucket.append(clean(text))
    return {intent: tuple(texts) for intent, texts in intents.items()}


def load_clinc150(data_dir: Path) -> BenchDataset:
    raw = json.loads((data_dir / "clinc150" / "data_full.json").read_text(encoding="utf-8"))

    def queries(*splits: str) -> tuple[Query, ...]:
        return tuple(
            Query(clean(text), None if intent == OOS else intent)
            for split in splits
            for text, intent in raw[split]
        )

    return BenchDataset(
        name="CLINC150",
        intents=_first_k([(text, intent) for text, intent in raw["train"]]),
        test=queries("test", "oos_test"),
        calibration=queries("val", "oos_val"),
    )


def _read_banking_csv(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["category"]) for row in csv.DictReader(handle)]


def load_banking77(data_dir: Path) -> BenchDataset:
    folder = data_dir / "banking77"
    return BenchDataset(
        name="BANKING77",
        intents=_first_k(_read_banking_csv(folder / "train.csv")),
        test=tuple(Query(clean(t), c) for t, c in _read_banking_csv(folder / "test.csv")),
        calibration=(),
    )


def write_knowledge_base(dataset: BenchDataset, root: Path, lang: str = "en") -> Path:
    """One ``<root>/<lang>/<intent>.md`` per intent, exactly as the protocol spells it."""
    folder = root / lang
    folder.mkdir(parents=True, exist_ok=True)
    for intent, questions in dataset.intents.items():
        title = intent.replace("_", " ")
        lines = ["---", f"id: {json.dumps(intent)}", f"title: {json.dumps(title)}", "questions:"]
        lines += [f"  - {json.dumps(q, ensure_ascii=False)}" for q in questions]
        lines += ["tags: []", "category: general", "---", f"Answer for {title}.", ""]
        (folder / f"{intent}.md").write_text("\n".join(lines), encoding="utf-8")
    return root


LOADERS = {"clinc150": load_clinc150, "banking77": load_banking77}


def scale_dataset(data_dir: Path, entries: int, questions: int) -> BenchDataset:
    """A larger knowledge base for build-time measurements: CLINC150 training utterances
    cut into ``entries`` entries of ``questions`` each (no queries)."""
    raw = json.loads((data_dir / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    by_intent: dict[str, list[str]] = {}
    for text, intent in raw["train"]:
        by_intent.setdefault(intent, []).append(clean(text))
    intents: dict[str, tuple[str, ...]] = {}
    for intent, texts in by_intent.items():
        for chunk in range(len(texts) // questions):
            intents[f"{intent}_{chunk}"] = tuple(texts[chunk * questions : (chunk + 1) * questions])
    chosen = dict(list(intents.items())[:entries])
    return BenchDataset(name=f"scale-{len(chosen)}", intents=chosen, test=(), calibration=())
