from collections.abc import Callable
from pathlib import Path

import pytest

from core.faq.kb import KnowledgeBaseError, load_knowledge_base

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


def test_loads_entries_per_language(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "vpn-access", "Connecting to the VPN", ["How do I connect to the VPN?"])
    write_entry(
        "pl",
        "vpn-access",
        "Łączenie z VPN",
        ["Jak połączyć się z VPN?"],
        tags=["network"],
    )
    write_entry("en", "password-reset", "Resetting a password", ["I forgot my password"])

    kb = load_knowledge_base(kb_root)

    assert kb.languages == ("en", "pl")
    assert [e.id for e in kb.entries("en")] == ["password-reset", "vpn-access"]
    entry = kb.get("vpn-access", "pl")
    assert entry is not None
    assert entry.title == "Łączenie z VPN"
    assert entry.questions == ("Jak połączyć się z VPN?",)
    assert entry.tags == ("network",)
    assert entry.category == "it"
    assert entry.answer == "Do this."
    assert entry.path == kb_root / "pl" / "vpn-access.md"
    assert kb.entries("ru") == ()


def test_get_falls_back_to_another_language(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "password-reset", "Resetting a password", ["I forgot my password"])
    kb = load_knowledge_base(kb_root)

    fallback = kb.get("password-reset", "ru")

    assert fallback is not None and fallback.lang == "en"
    assert kb.get("no-such-entry", "en") is None


def test_ignores_files_outside_language_folders(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "a", "A", ["q"])
    (kb_root / "README.md").write_text("# not an entry", encoding="utf-8")
    (kb_root / "thresholds.json").write_text("{}", encoding="utf-8")
    (kb_root / "drafts").mkdir()
    (kb_root / "drafts" / "x.md").write_text("junk", encoding="utf-8")

    assert [e.id for e in load_knowledge_base(kb_root).all_entries()] == ["a"]


@pytest.mark.parametrize(
    ("raw", "line", "reason"),
    [
        ("no front matter\n", 1, "missing front matter"),
        ("---\nid: a\ntitle: A\n", 1, "not closed"),
        ("---\nid: a\ntitle: [unclosed\n---\nbody\n", 3, "invalid YAML"),
        ("---\n- a\n- b\n---\nbody\n", 2, "must be a mapping"),
        ("---\ntitle: A\nquestions: [q]\n---\nbody\n", 1, "missing required key 'id'"),
        ("---\nid: a\nquestions: [q]\n---\nbody\n", 1, "missing required key 'title'"),
        ("---\nid: a\ntitle: A\nquestions: just one\n---\nbody\n", 4, "must be a list"),
        ("---\nid: a\ntitle: A\ntags: {x: 1}\n---\nbody\n", 4, "'tags' must be a list"),
        (
            "---\nid: a\ntitle: A\nquestions:\n  - q\n bad: [\n---\nbody\n",
            6,
            "invalid YAML",
        ),
    ],
)
def test_invalid_file_names_file_line_and_reason(
    kb_root: Path, write_entry: WriteEntry, raw: str, line: int, reason: str
) -> None:
    path = write_entry("en", "a", raw=raw)

    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(kb_root)

    assert f"{path}:{line}:" in str(error.value)
    assert reason in str(error.value)


def test_undecodable_file_is_reported(kb_root: Path) -> None:
    (kb_root / "en").mkdir()
    path = kb_root / "en" / "a.md"
    path.write_bytes(b"---\nid: a\ntitle: \xff\xfe\n---\n")

    with pytest.raises(KnowledgeBaseError, match="not valid UTF-8") as error:
        load_knowledge_base(kb_root)
    assert str(path) in str(error.value)


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="does not exist"):
        load_knowledge_base(tmp_path / "nope")


def test_two_files_with_one_id_are_rejected(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "a", "A", ["q"])
    write_entry("en", "b", raw="---\nid: a\ntitle: B\nquestions: [r]\n---\nbody\n")

    with pytest.raises(KnowledgeBaseError, match="already used"):
        load_knowledge_base(kb_root)


def test_quality_problems_do_not_stop_loading(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "a", raw="---\nid: a\ntitle: A\nquestions:\n  -\n  - ok\n---\n")

    entry = load_knowledge_base(kb_root).get("a", "en")

    assert entry is not None and entry.questions == ("ok",) and entry.category == "general"
