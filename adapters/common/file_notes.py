"""The note that stands where a file from another platform could not be passed on."""

from __future__ import annotations

from core.files import FileUnavailable
from core.i18n import t


def not_passed_note(lang: str, problem: FileUnavailable) -> str:
    if problem.limit_mb is not None:
        return t(lang, "relay.file_too_large", file=problem.name, limit=problem.limit_mb)
    return t(lang, "relay.file_failed", file=problem.name, reason=problem.reason)
