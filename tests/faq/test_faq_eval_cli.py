"""`helpdesk faq eval`: a table or JSON per file, and one clear line for a bad file."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bots.cli import create_app

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


@pytest.fixture
def labelled_kb(kb_root: Path, write_entry: WriteEntry, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    write_entry("pl", "vpn", "Łączenie z VPN", ["Jak połączyć się z VPN?"])
    (kb_root / "eval").mkdir()
    for lang, query in (("en", "how do i connect to the vpn"), ("pl", "jak polaczyc sie z vpn")):
        rows = [{"query": query, "expected": "vpn"}, {"query": "zebra giraffe", "expected": None}]
        text = "".join(json.dumps(r) + "\n" for r in rows)
        (kb_root / "eval" / f"{lang}.jsonl").write_text(text, encoding="utf-8")
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(kb_root))
    monkeypatch.setenv("HELPDESK_FAQ_SEMANTIC", "off")  # the lexical matcher: exact, fast
    return kb_root


def test_json_has_one_result_per_language_file(labelled_kb: Path) -> None:
    result = CliRunner().invoke(create_app(), ["faq", "eval", "--json"])

    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["scorer"] == "lexical"
    assert [r["name"] for r in payload["results"]] == ["en", "pl"]
    assert all(r["top1"] == 1.0 and r["out_of_scope"] == 1 for r in payload["results"])


def test_table_names_every_file(labelled_kb: Path) -> None:
    result = CliRunner().invoke(create_app(), ["faq", "eval", str(labelled_kb / "eval/pl.jsonl")])

    assert result.exit_code == 0, result.output
    assert "pl" in result.output and "100.0%" in result.output


def test_a_bad_file_is_one_line_with_file_and_line(labelled_kb: Path) -> None:
    bad = labelled_kb / "eval" / "en.jsonl"
    bad.write_text('{"query": "vpn?", "expected": "vpn"}\n{"query": "x", "expected": "nope"}\n')

    result = CliRunner().invoke(create_app(), ["faq", "eval"])

    assert result.exit_code == 1
    assert result.output.strip() == f"{bad}:2: unknown entry id 'nope'"


def test_no_evaluation_files_is_an_error(
    kb_root: Path, write_entry: WriteEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(kb_root))

    result = CliRunner().invoke(create_app(), ["faq", "eval"])

    assert result.exit_code == 1
    assert "no evaluation files" in result.output
