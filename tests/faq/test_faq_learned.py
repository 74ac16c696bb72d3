"""Learned phrasings: extra texts of their entry, given to the service as data."""

import os
from collections.abc import Callable
from pathlib import Path

from core.faq.kb import load_knowledge_base
from core.faq.learned import LearnedPhrasing, with_learned
from core.faq.service import FaqService

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py

PHRASING = LearnedPhrasing("vpn", "en", "the tunnel keeps dropping every evening")


def _two_entries(write_entry: WriteEntry) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    write_entry("en", "printer", "Printing", ["How do I print a document?"])


def test_a_learned_phrasing_joins_its_entrys_learned_texts(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    _two_entries(write_entry)
    kb = load_knowledge_base(kb_root)
    unknown = LearnedPhrasing("nope", "en", "whatever")
    polish = LearnedPhrasing("printer", "pl", "jak wydrukować")

    learned = with_learned(kb, [PHRASING, PHRASING, unknown, polish])

    vpn = learned.get("vpn", "en")
    assert vpn is not None and vpn.learned == (PHRASING.text,)
    assert vpn.questions == ("How do I connect to the VPN?",)  # the file's own, unchanged
    printer = learned.get("printer", "en")
    assert printer is not None and printer.learned == ("jak wydrukować",)
    assert with_learned(kb, []) is kb


def test_the_service_matches_learned_phrasings_and_forgets_removed_ones(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    _two_entries(write_entry)
    service = FaqService(kb_root, "en")
    assert service.search(PHRASING.text, "en").decision != "answer"

    assert service.learn(PHRASING)
    assert not service.learn(PHRASING)
    result = service.search(PHRASING.text, "en")
    assert result.results[0].entry_id == "vpn"
    assert result.decision == "answer"

    assert service.set_learned([])
    assert service.learned == ()
    vpn = service.entry("vpn", "en")
    assert vpn is not None and PHRASING.text not in vpn.learned


def test_learned_phrasings_survive_a_reload_of_the_files(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    _two_entries(write_entry)
    service = FaqService(kb_root, "en", check_interval=0)
    service.set_learned([PHRASING])
    path = write_entry("en", "wifi", "Wi-Fi", ["How do I join the Wi-Fi?"])
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))

    assert service.entry("wifi", "en") is not None
    assert service.search(PHRASING.text, "en").results[0].entry_id == "vpn"
