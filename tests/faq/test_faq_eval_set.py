"""The evaluation set shipped in faq/eval/ is usable: valid lines, real ids, enough questions."""

from collections import Counter
from pathlib import Path

import pytest

from core.faq.evaluate import eval_files, load_eval_file
from core.faq.kb import load_knowledge_base
from core.faq.normalize import normalize_folded

SHIPPED = Path(__file__).resolve().parents[2] / "faq"
LANGS = ("en", "pl", "ru")

pytestmark = pytest.mark.skipif(not (SHIPPED / "eval").is_dir(), reason="no shipped evaluation set")


def test_there_is_one_file_per_language() -> None:
    assert [p.stem for p in eval_files(SHIPPED)] == list(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_line_is_valid_and_names_an_entry_of_its_language(lang: str) -> None:
    kb = load_knowledge_base(SHIPPED)
    ids = {entry.id for entry in kb.entries(lang)}

    cases = load_eval_file(SHIPPED / "eval" / f"{lang}.jsonl", ids)

    assert cases


@pytest.mark.parametrize("lang", LANGS)
def test_enough_questions_in_and_out_of_scope_spread_over_every_entry(lang: str) -> None:
    kb = load_knowledge_base(SHIPPED)
    cases = load_eval_file(SHIPPED / "eval" / f"{lang}.jsonl")
    per_entry = Counter(c.expected for c in cases if c.expected is not None)

    assert sum(per_entry.values()) >= 150
    assert sum(1 for c in cases if c.expected is None) >= 50
    assert set(per_entry) == {entry.id for entry in kb.entries(lang)}
    assert min(per_entry.values()) >= 3


@pytest.mark.parametrize("lang", LANGS)
def test_no_query_repeats_even_without_diacritics(lang: str) -> None:
    cases = load_eval_file(SHIPPED / "eval" / f"{lang}.jsonl")
    folded = Counter(normalize_folded(c.query) for c in cases)

    assert [q for q, n in folded.items() if n > 1] == []
