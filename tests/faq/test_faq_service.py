import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from core.faq.kb import KnowledgeBaseError
from core.faq.service import FaqService
from core.faq.thresholds import Thresholds, load_thresholds, save_thresholds

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


def _touch_later(path: Path) -> None:
    # Filesystems with coarse mtimes would otherwise hide a quick second write.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_search_and_entry(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    service = FaqService(kb_root, "en")

    result = service.search("how do i connect to the vpn")

    assert result.lang == "en"
    assert result.results[0].entry_id == "vpn"
    entry = service.entry("vpn", "pl")
    assert entry is not None and entry.lang == "en"


def test_reloads_when_files_change(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    service = FaqService(kb_root, "en", check_interval=0)
    assert service.entry("printer", "en") is None

    path = write_entry("en", "printer", "Printing", ["How do I print?"])
    _touch_later(path)

    assert service.entry("printer", "en") is not None
    assert service.search("how do I print").results[0].entry_id == "printer"

    path.unlink()
    assert service.entry("printer", "en") is None


def test_broken_edit_keeps_last_good_version(
    kb_root: Path, write_entry: WriteEntry, caplog: pytest.LogCaptureFixture
) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    service = FaqService(kb_root, "en", check_interval=0)
    service.search("vpn")

    broken = write_entry("en", "vpn", raw="---\nid: vpn\ntitle: [oops\n---\n")
    _touch_later(broken)
    with caplog.at_level(logging.ERROR):
        result = service.search("how do I connect to the VPN")

    assert result.results[0].entry_id == "vpn"
    assert "still serving the previous version" in caplog.text


def test_broken_knowledge_base_at_start_raises(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "vpn", raw="---\nid: vpn\n")

    with pytest.raises(KnowledgeBaseError):
        FaqService(kb_root, "en").search("vpn")


def test_uses_thresholds_stored_beside_the_knowledge_base(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    save_thresholds(kb_root, Thresholds(answer=0.99, suggest=0.01), "lexical", {"source": "test"})

    service = FaqService(kb_root, "en")

    assert service.matcher.thresholds == Thresholds(answer=0.99, suggest=0.01)
    assert load_thresholds(kb_root) == Thresholds(answer=0.99, suggest=0.01)
    assert json.loads((kb_root / "thresholds.json").read_text())["lexical"]["source"] == "test"
    assert load_thresholds(kb_root, "semantic") is None
