"""What the desk needs from outside the database: the FAQ."""

from __future__ import annotations

from typing import Protocol

from core.faq.model import FaqEntry, SearchResult


class FaqPort(Protocol):
    def search(self, query: str, lang: str | None = None) -> SearchResult: ...

    def entry(self, entry_id: str, lang: str) -> FaqEntry | None: ...
