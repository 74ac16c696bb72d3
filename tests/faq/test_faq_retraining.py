"""A running bot reloads and retrains off the serving path: after an edit questions are
answered at once from the previous version, then from the new files judged by the previous
model, then by the new model."""

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from core.faq.embedder import CachedEmbedder
from core.faq.kb import load_knowledge_base
from core.faq.learned import LearnedPhrasing
from core.faq.service import FaqService, Job
from core.faq.train import kb_fingerprint, load_model, model_path
from tests.faq.fakes import HashingEmbedder

NEW_QUESTION = "Printer shows paper jam"
WriteEntry = Callable[..., Path]  # the write_entry fixture, see conftest.py


def _copy(sample_root: Path, tmp_path: Path) -> Path:
    """The sample's entries without a model (other tests' services may have stored one)."""
    root = tmp_path / "faq"
    shutil.copytree(sample_root, root)
    model_path(root).unlink(missing_ok=True)
    return root


def _add_question(root: Path, entry: str, question: str) -> None:
    path = root / "en" / f"{entry}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("questions:\n", f'questions:\n  - "{question}"\n', 1))
    stat = path.stat()  # a later mtime than the first load saw, however fast the test runs
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def _running_bot(
    sample_root: Path, tmp_path: Path
) -> tuple[Path, HashingEmbedder, list[Job], FaqService]:
    """A copy of the sample served as a running bot serves it, its jobs kept to run by hand."""
    root = _copy(sample_root, tmp_path)
    embedder = HashingEmbedder()
    jobs: list[Job] = []
    service = FaqService(
        root, "en", semantic="on", embedder=embedder, check_interval=0, train_with=jobs.append
    )
    service.search("vpn", "en")
    jobs.pop()()  # its first model (a new knowledge base suggests until it is trained)
    return root, embedder, jobs, service


def _questions(service: FaqService, entry_id: str) -> tuple[str, ...]:
    entry = service.entry(entry_id, "en")
    assert entry is not None
    return entry.questions


def _in_use(service: FaqService, root: Path, embedder: HashingEmbedder) -> bool:
    """The model answering was trained on the knowledge base as its files now stand."""
    trained = service.matcher.trained
    return trained is not None and trained.fingerprint == kb_fingerprint(
        load_knowledge_base(root), CachedEmbedder(embedder)
    )


def test_an_edit_is_answered_at_once_and_the_new_model_takes_over_when_trained(
    sample_root: Path, tmp_path: Path
) -> None:
    root, embedder, jobs, service = _running_bot(sample_root, tmp_path)
    first = service.matcher.trained
    assert first is not None and not jobs

    _add_question(root, "printer-setup", NEW_QUESTION)
    service.search(NEW_QUESTION, "en")  # answered at once, from the files as they were
    assert NEW_QUESTION not in _questions(service, "printer-setup")
    service.search("printer jam", "en")
    assert len(jobs) == 1  # the reload, elsewhere; one for one edit

    jobs.pop()()

    result = service.search(NEW_QUESTION, "en")
    assert result.results[0].entry_id == "printer-setup"  # the new question is known
    assert service.matcher.trained is first  # judged by the previous model meanwhile
    service.search("printer jam", "en")
    assert len(jobs) == 1  # the training; one, however many questions arrive

    jobs.pop()()

    assert _in_use(service, root, embedder)
    assert service.search(NEW_QUESTION, "en").results[0].entry_id == "printer-setup"
    stored = load_model(root, load_knowledge_base(root), CachedEmbedder(HashingEmbedder()))
    assert stored is not None and stored == service.matcher.trained
    service.search("printer jam", "en")
    assert not jobs  # nothing left to reload or train


def test_edits_waiting_for_a_training_are_trained_once_newest_first(
    sample_root: Path, tmp_path: Path
) -> None:
    root, embedder, jobs, service = _running_bot(sample_root, tmp_path)

    _add_question(root, "printer-setup", NEW_QUESTION)
    service.search("printer jam", "en")
    jobs.pop()()  # reloaded; its training waits
    _add_question(root, "vpn-access", "VPN keeps dropping at home")
    service.search("vpn", "en")
    jobs.pop()()  # reloaded again before the first training ran
    assert service.search("VPN keeps dropping at home", "en").results[0].entry_id == "vpn-access"
    assert len(jobs) == 1  # the two edits share one training, of the newest files

    jobs.pop()()

    assert _in_use(service, root, embedder)
    assert not jobs


def test_a_restart_after_an_edit_answers_with_the_stored_model_while_it_retrains(
    sample_root: Path, tmp_path: Path
) -> None:
    root = _copy(sample_root, tmp_path)
    FaqService(root, "en", semantic="on", embedder=HashingEmbedder()).search("vpn", "en")
    stored = load_model(root, load_knowledge_base(root), CachedEmbedder(HashingEmbedder()))
    assert stored is not None
    _add_question(root, "printer-setup", NEW_QUESTION)  # edited while the bot was stopped

    embedder = HashingEmbedder()
    jobs: list[Job] = []
    service = FaqService(root, "en", semantic="on", embedder=embedder, train_with=jobs.append)
    result = service.search(NEW_QUESTION, "en")

    assert result.results[0].entry_id == "printer-setup"
    assert service.matcher.trained == stored and len(jobs) == 1
    jobs.pop()()
    assert _in_use(service, root, embedder)


def test_one_shot_commands_still_wait_for_the_new_model(sample_root: Path, tmp_path: Path) -> None:
    root = _copy(sample_root, tmp_path)
    embedder = HashingEmbedder()
    service = FaqService(root, "en", semantic="on", embedder=embedder, check_interval=0)
    service.search("vpn", "en")

    _add_question(root, "printer-setup", NEW_QUESTION)
    service.search(NEW_QUESTION, "en")

    assert _in_use(service, root, embedder)


def test_a_knowledge_base_never_trained_suggests_until_its_first_model_is_ready(
    sample_root: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = _copy(sample_root, tmp_path)
    jobs: list[Job] = []
    service_embedder = HashingEmbedder()
    service = FaqService(
        root, "en", semantic="on", embedder=service_embedder, train_with=jobs.append
    )

    meanwhile = service.search("How do I connect to the VPN?", "en")

    assert meanwhile.decision == "suggest"  # its own question: offered, never answered untrained
    assert meanwhile.results[0].entry_id == "vpn-access"
    assert len(jobs) == 1
    service.check_interval = 0
    _add_question(root, "printer-setup", NEW_QUESTION)  # edited before the first model is ready
    service.search("printer jam", "en")
    jobs.pop()()  # the reload
    assert service.search("How do I connect to the VPN?", "en").decision == "suggest"
    jobs.pop()()  # the training, of the files as they now stand
    assert _in_use(service, root, service_embedder)
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [m.split(":")[0] for m in said] == [
        f"no FAQ model for {root} yet",
        f"FAQ model for {root} trained",
    ]
    trained = service.search("How do I connect to the VPN?", "en")
    assert service.matcher.scorer == "trained"
    assert (trained.decision, trained.results[0].entry_id) == ("answer", "vpn-access")


def test_a_knowledge_base_too_small_to_train_is_tried_once(
    kb_root: Path, write_entry: WriteEntry
) -> None:
    write_entry("en", "vpn", "Connecting to the VPN", ["How do I connect to the VPN?"])
    jobs: list[Job] = []
    service = FaqService(
        kb_root, "en", semantic="on", embedder=HashingEmbedder(), train_with=jobs.append
    )
    service.search("vpn connect", "en")
    jobs.pop()()

    result = service.search("How do I connect to the VPN?", "en")

    assert service.matcher.scorer == "semantic"
    waited = FaqService(kb_root, "en", semantic="on", embedder=HashingEmbedder())
    assert result == waited.search("How do I connect to the VPN?", "en")  # no longer held back
    service.learn(LearnedPhrasing("vpn", "en", "tunnel to the office"))  # a rebuild
    assert not jobs  # not tried again
    assert service.search("How do I connect to the VPN?", "en").decision == result.decision
