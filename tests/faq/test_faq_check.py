from collections.abc import Callable
from pathlib import Path

from core.faq.check import Problem, check_knowledge_base, has_errors

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


def _find(problems: list[Problem], text: str) -> Problem:
    found = [p for p in problems if text in p.message]
    assert found, f"no problem mentioning {text!r} in {[str(p) for p in problems]}"
    return found[0]


def test_clean_knowledge_base_has_no_problem(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "vpn", "VPN", ["How do I connect to the VPN?"])
    write_entry("pl", "vpn", "VPN", ["Jak połączyć się z VPN?"])

    assert check_knowledge_base(kb_root) == []


def test_reports_file_and_line_of_each_problem(kb_root: Path, write_entry: WriteEntry) -> None:
    broken = write_entry("en", "broken", raw="---\nid: broken\ntitle: [oops\n---\nx\n")
    empty = write_entry(
        "en",
        "empty",
        raw="---\nid: empty\ntitle: Empty\nquestions:\n  - fine\n  - ''\ncategory: it\n---\nx\n",
    )
    missing = write_entry("en", "missing", raw="---\nid: missing\ntitle: M\ncategory: it\n---\nx\n")
    renamed = write_entry(
        "en",
        "renamed",
        raw="---\nid: other\ntitle: R\nquestions: [r]\ncategory: it\n---\nx\n",
    )
    typo = write_entry(
        "en",
        "typo",
        raw="---\nid: typo\ntitle: T\nquestion: [t]\nquestions: [u]\ncategory: it\n---\nx\n",
    )

    problems = check_knowledge_base(kb_root)

    assert has_errors(problems)
    assert (
        _find(problems, "invalid YAML").path,
        _find(problems, "invalid YAML").line,
    ) == (broken, 3)
    assert (
        _find(problems, "empty question").path,
        _find(problems, "empty question").line,
    ) == (
        empty,
        6,
    )
    assert _find(problems, "missing 'questions'").path == missing
    mismatch = _find(problems, "does not match the file name")
    assert (mismatch.path, mismatch.line, mismatch.severity) == (renamed, 2, "error")
    unknown = _find(problems, "unknown key 'question'")
    assert (unknown.path, unknown.line, unknown.severity) == (typo, 4, "warning")


def test_ids_consistent_across_languages(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "vpn", "VPN", ["vpn?"])
    write_entry("pl", "vpn", "VPN", ["vpn?"], category="network")
    write_entry("en", "only-english", "Only", ["only english"])

    problems = check_knowledge_base(kb_root)

    untranslated = _find(problems, "no translation in: pl")
    assert untranslated.severity == "warning"
    assert untranslated.path.name == "only-english.md" and untranslated.line == 2
    assert _find(problems, "different category").severity == "warning"


def test_duplicate_id_in_one_language(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "a", "A", ["first"])
    write_entry(
        "en",
        "b",
        raw="---\nid: a\ntitle: B\nquestions: [second]\ncategory: it\n---\nx\n",
    )

    problem = _find(check_knowledge_base(kb_root), "already used")

    assert problem.severity == "error" and problem.line == 2


def test_near_duplicate_questions_shared_by_two_entries(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    write_entry("en", "a", "A", ["How do I reset my password?", "unrelated one"])
    write_entry("en", "b", "B", ["something else", "how do I reset my password"])
    write_entry("en", "c", "C", ["How do I reset my passwords?"])
    write_entry("pl", "a", "A", ["How do I reset my password?"])  # other language: fine

    problems = check_knowledge_base(kb_root)

    identical = _find(problems, "identical to one of 'a'")
    assert identical.severity == "error"
    assert identical.path.name == "b.md" and identical.line == 6
    near = [p for p in problems if "nearly identical" in p.message]
    assert near and all(p.severity == "warning" for p in near)
    assert all(p.path.parent.name == "en" for p in problems if "identical" in p.message)


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    assert has_errors(check_knowledge_base(tmp_path / "nope"))
    assert has_errors(check_knowledge_base(tmp_path))


def test_problem_renders_as_file_line_severity_message(tmp_path: Path) -> None:
    problem = Problem(tmp_path / "en" / "a.md", 3, "error", "bad")

    assert str(problem) == f"{tmp_path / 'en' / 'a.md'}:3: error: bad"


def test_a_draft_placeholder_or_an_empty_answer_is_an_error(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    write_entry("en", "vpn", "VPN", ["How do I connect to the VPN?"])
    draft = write_entry(
        "en",
        "coffee",
        raw="---\nid: coffee\ntitle: Coffee\nquestions: [coffee machine leaks]\n"
        "category: facilities\n---\n(write the answer here)\n",
    )
    empty = write_entry(
        "en",
        "badge",
        raw="---\nid: badge\ntitle: Badge\nquestions: [badge beeps]\ncategory: facilities\n---\n",
    )

    problems = check_knowledge_base(kb_root)

    placeholder = _find(problems, "draft placeholder")
    assert (placeholder.path, placeholder.line, placeholder.severity) == (draft, 7, "error")
    blank = _find(problems, "answer (the Markdown after the front matter) is empty")
    assert (blank.path, blank.severity) == (empty, "error")
