"""Learned phrasings: people's own words for an entry, indexed beside its questions.

They come from use (an agent resolved a ticket with the entry, or "That helped" after a
chosen suggestion) and live outside the knowledge base's files; the service is given
them as data and the matcher sees a knowledge base whose entries carry them in
``FaqEntry.learned``. They count as texts a query can be nearest to (the lexical nearest
view, and the embedding similarity the confidence model weighs), not in an entry's profile
nor as the entry classifier's examples: a long chatty message averaged into an entry, or
learned by its classifier, pulls it towards small talk every entry shares.

A learned phrasing may make the desk surer of an entry, never less sure
(``surer_of``): the confidence model learns from folds without learned phrasings, and
some of its features only contrast with others (the lexical score weighs negatively
beside the fused one), so a learned phrasing that brings its entry closer to a question
can lower that question's confidence.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from core.faq.chitchat import split_message
from core.faq.kb import KnowledgeBase
from core.faq.model import FaqEntry, SearchResult


@dataclass(frozen=True)
class LearnedPhrasing:
    entry_id: str
    lang: str
    text: str


def with_learned(kb: KnowledgeBase, phrasings: Iterable[LearnedPhrasing]) -> KnowledgeBase:
    """``kb`` with each phrasing added to its entry's learned texts (the entry in the phrasing's
    language, else the entry ``kb.get`` falls back to). Phrasings of unknown entries and
    phrasings the entry already has are left out."""
    extra: dict[tuple[str, str], list[str]] = {}
    for phrasing in phrasings:
        entry = kb.get(phrasing.entry_id, phrasing.lang)
        # What the matcher would match of the message: no greetings, thanks or signature.
        text = " ".join(split_message(phrasing.text).question.split())
        if entry is None or not text:
            continue
        known = extra.setdefault((entry.lang, entry.id), [])
        if text not in entry.questions and text not in entry.learned and text not in known:
            known.append(text)
    if not any(extra.values()):
        return kb
    entries: list[FaqEntry] = []
    for entry in kb.all_entries():
        added = extra.get((entry.lang, entry.id))
        entries.append(replace(entry, learned=entry.learned + tuple(added)) if added else entry)
    return KnowledgeBase(kb.root, entries)


def surer_of(learning: SearchResult, files_only: SearchResult) -> SearchResult:
    """The result with learned phrasings, unless the files alone rank the same entry first
    and are surer of it: learning may add confidence, not take it away."""
    if (
        learning.results
        and files_only.results
        and learning.results[0].entry_id == files_only.results[0].entry_id
        and files_only.results[0].score > learning.results[0].score
    ):
        return files_only
    return learning
