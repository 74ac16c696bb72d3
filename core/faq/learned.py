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

A miss is the other way round: a question the desk answered directly with an entry, after
which the person asked for a human. The desk does not answer a question with that entry
again when the question is nearer to one of its misses than to the entry's own texts
(``FaqMatcher.nearer_a_miss``): it offers the entry among others instead. Misses change no
score and no ranking, and an entry's miss that is also one of its questions or learned
phrasings (an agent resolved that very question with the entry) is dropped.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from core.faq.chitchat import split_message
from core.faq.kb import KnowledgeBase
from core.faq.model import FaqEntry, SearchResult

MISSED = "missed"
"""How a miss is recorded (``faq_learned.source``, beside "resolved" and "helped")."""


@dataclass(frozen=True)
class LearnedPhrasing:
    entry_id: str
    lang: str
    text: str
    # True: the entry was answered for ``text`` and did not help (a miss), not a phrasing of it
    miss: bool = False


def with_learned(kb: KnowledgeBase, phrasings: Iterable[LearnedPhrasing]) -> KnowledgeBase:
    """``kb`` with each phrasing added to its entry's learned texts, each miss to its misses
    (the entry in the phrasing's language, else the entry ``kb.get`` falls back to).
    Phrasings of unknown entries, texts the entry already has, and misses that are also the
    entry's questions or phrasings are left out."""
    extra: dict[tuple[str, str], list[str]] = {}
    missed: dict[tuple[str, str], list[str]] = {}
    for phrasing in phrasings:
        entry = kb.get(phrasing.entry_id, phrasing.lang)
        # What the matcher would match of the message: no greetings, thanks or signature.
        text = " ".join(split_message(phrasing.text).question.split())
        if entry is None or not text:
            continue
        if phrasing.miss:  # kept below unless the entry has it as a question or phrasing
            known = missed.setdefault((entry.lang, entry.id), [])
            had: tuple[str, ...] = entry.missed
        else:
            known = extra.setdefault((entry.lang, entry.id), [])
            had = (*entry.questions, *entry.learned)
        if text not in had and text not in known:
            known.append(text)
    if not any(extra.values()) and not any(missed.values()):
        return kb
    entries: list[FaqEntry] = []
    for entry in kb.all_entries():
        key = (entry.lang, entry.id)
        learned = entry.learned + tuple(extra.get(key, ()))
        wrong = tuple(
            text
            for text in (*entry.missed, *missed.get(key, ()))
            if text not in entry.questions and text not in learned
        )
        changed = learned != entry.learned or wrong != entry.missed
        entries.append(replace(entry, learned=learned, missed=wrong) if changed else entry)
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
