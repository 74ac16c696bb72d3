"""`helpdesk faq calibrate --queries FILE`: the labelled queries, or one line naming the
file, the line and what is wrong with it."""

from __future__ import annotations

import json
from pathlib import Path

from core.faq.calibrate import LabelledQuery


class QueriesFileError(Exception):
    def __init__(self, path: Path, line: int, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


def read_labelled_queries(path: Path) -> list[LabelledQuery]:
    """One JSON object per line: {"text": ..., "id": entry id or null, "lang": optional}."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise QueriesFileError(path, 0, f"cannot read: {reason}") from None
    queries: list[LabelledQuery] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as error:
            raise QueriesFileError(path, number, f"not JSON: {error.msg}") from None
        if not isinstance(row, dict):
            raise QueriesFileError(path, number, 'expected a JSON object {"text": ..., "id": ...}')
        query = row.get("text")
        if not isinstance(query, str) or not query.strip():
            raise QueriesFileError(path, number, '"text" must be a non-empty string')
        gold = row.get("id")
        if gold is not None and not isinstance(gold, str):
            raise QueriesFileError(path, number, '"id" must be an entry id or null')
        lang = row.get("lang")
        if lang is not None and not isinstance(lang, str):
            raise QueriesFileError(path, number, '"lang" must be a language code')
        queries.append(LabelledQuery(text=query, gold=gold, lang=lang))
    if not queries:
        raise QueriesFileError(path, 0, "no queries")
    return queries
