"""The knowledge base shipped in faq/ must pass its own check."""

from pathlib import Path

import pytest

from core.faq.check import check_knowledge_base
from core.faq.service import FaqService

SHIPPED = Path(__file__).resolve().parents[2] / "faq"


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="no sample knowledge base")
def test_shipped_knowledge_base_has_no_errors() -> None:
    errors = [str(p) for p in check_knowledge_base(SHIPPED) if p.severity == "error"]

    assert errors == []


@pytest.mark.skipif(not (SHIPPED / "en" / "vpn-access.md").is_file(), reason="no vpn-access entry")
@pytest.mark.parametrize(
    ("query", "lang"),
    [("my vpn is not working", "en"), ("nie działa mi vpn", "pl"), ("не работает впн", "ru")],
)
def test_shipped_knowledge_base_answers_vpn_in_each_language(query: str, lang: str) -> None:
    result = FaqService(SHIPPED, "en").search(query)

    assert result.lang == lang
    assert result.results[0].entry_id == "vpn-access"
