"""Value types shared by the knowledge base, the matcher and the desk."""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Decision = Literal["answer", "suggest", "none"]
# What a message of only small talk is; the reply is in kind ("thanks!" -> "you're welcome").
SmallTalk = Literal["greeting", "thanks", "farewell", "ack", "about_bot"]

MAX_RESULTS = 3


@dataclass(frozen=True)
class FaqEntry:
    """One FAQ entry in one language, as written in ``<root>/<lang>/<id>.md``."""

    id: str
    lang: str
    title: str
    questions: tuple[str, ...]
    tags: tuple[str, ...]
    category: str
    answer: str  # Markdown; adapters render it for their platform
    path: Path
    learned: tuple[
        str, ...
    ] = ()  # phrasings learned from use (core/faq/learned.py), not in the file
    # questions the desk answered with this entry and the person still needed a human for
    # (core/faq/learned.py): a question nearer to one of them is not answered with it again
    missed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    entry_id: str
    title: str
    score: float  # in [0, 1]


@dataclass(frozen=True)
class SearchResult:
    query: str
    lang: str
    decision: Decision
    results: tuple[Match, ...]  # best first, at most MAX_RESULTS
    # only small talk ("hi", "thanks!"): reply briefly, in kind, and offer no ticket
    small_talk: SmallTalk | None = None
    # ``lang`` was asked for, or the question is clearly written in it (not a fallback)
    lang_sure: bool = False

    @property
    def chit_chat(self) -> bool:
        return self.small_talk is not None
