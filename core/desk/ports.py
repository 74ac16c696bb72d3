"""What the desk needs from outside the database: the FAQ."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.faq.learned import LearnedPhrasing
from core.faq.model import FaqEntry, SearchResult


class FaqPort(Protocol):
    async def search_async(self, query: str, lang: str | None = None) -> SearchResult:
        """Off the event loop: embedding a query costs tens of milliseconds of CPU."""
        ...

    def entry(self, entry_id: str, lang: str) -> FaqEntry | None: ...

    def entries(self, lang: str) -> Sequence[FaqEntry]:
        """Every entry in `lang` (triage offers those of the chosen area)."""
        ...

    async def learn_async(self, phrasing: LearnedPhrasing) -> bool:
        """Index a confirmed phrasing as an extra question of its entry."""
        ...
