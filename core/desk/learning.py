"""Learning from use: an entry confirmed for a question teaches the FAQ that phrasing.

An agent resolving a ticket with an entry sends the requester that entry's answer, and
"That helped" after a chosen suggestion confirms it; either way the question is stored
as a learned phrasing of the entry and the FAQ indexes it at once. A direct answer followed
by "Talk to a human" is stored as a miss of the entry: the FAQ stops answering that
question (and ones nearer to it than to the entry) with it.
"""

from __future__ import annotations

from core import errors
from core.desk.scope import CommandScope
from core.domain import SUPPORTED_LANGUAGES, Ticket
from core.events import FaqAnswer
from core.faq.learned import MISSED, LearnedPhrasing
from core.faq.model import FaqEntry

AGENT_DECISION = "agent"
"""How `faq_queries` records an answer an agent chose (not the matcher's decision)."""


def known_entry(scope: CommandScope, entry_id: str, lang: str) -> FaqEntry:
    entry = scope.faq.entry(entry_id.strip(), lang)
    if entry is None:
        raise errors.UnknownFaqEntry(entry_id=entry_id)
    return entry


async def _phrasing_lang(scope: CommandScope, text: str, fallback: str) -> str:
    """The language the question is written in (its entry's index in that language)."""
    detected = (await scope.faq.search_async(text, None)).lang
    return detected if detected in SUPPORTED_LANGUAGES else fallback


async def learn(
    scope: CommandScope,
    entry_id: str,
    text: str,
    *,
    lang: str,
    source: str,
    ticket_number: int | None = None,
    query_id: int | None = None,
) -> None:
    phrasing = LearnedPhrasing(
        entry_id=entry_id, lang=lang, text=" ".join(text.split()), miss=source == MISSED
    )
    stored = await scope.repo.add_learned(
        phrasing, source=source, ticket_number=ticket_number, query_id=query_id, now=scope.now
    )
    if stored:
        await scope.faq.learn_async(phrasing)


async def answer_ticket_with_entry(scope: CommandScope, ticket: Ticket, entry: FaqEntry) -> None:
    """The requester gets the entry as an FAQ answer; the ticket's question is learned."""
    requester = ticket.requester
    shown = scope.faq.entry(entry.id, requester.lang) or entry
    query_id = await scope.repo.record_faq_query(
        person=requester,
        platform=requester.platform,
        lang=requester.lang,
        text=ticket.text,
        decision=AGENT_DECISION,
        results=[{"id": shown.id, "title": shown.title, "score": 1.0}],
        now=scope.now,
    )
    scope.to_person(
        requester,
        FaqAnswer(
            query_id=query_id, entry_id=shown.id, title=shown.title, answer=shown.answer, score=1.0
        ),
    )
    lang = await _phrasing_lang(scope, ticket.text, requester.lang)
    await learn(
        scope, entry.id, ticket.text, lang=lang, source="resolved", ticket_number=ticket.number
    )
