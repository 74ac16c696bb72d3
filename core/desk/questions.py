"""Questions and the FAQ: answer, suggest or offer a ticket; what the person did next."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy.engine import RowMapping

from core import commands as c
from core import errors
from core.desk.checks import bounded, own_ticket, required_text
from core.desk.details import ask_next
from core.desk.learning import learn
from core.desk.scope import CommandScope
from core.desk.service import resume_if_waiting
from core.desk.tickets import create_ticket
from core.domain import (
    FILES_JOIN_SECONDS,
    MAX_ID,
    SUPPORTED_LANGUAGES,
    Author,
    Ticket,
    TicketState,
    Visibility,
)
from core.events import (
    FaqAnswer,
    FaqNoMatch,
    FaqOption,
    FaqSuggestions,
    Notice,
    WhichTicket,
)
from core.faq.learned import MISSED

CHITCHAT_DECISION = "chitchat"
"""How `faq_queries` records small talk ("hi", "thanks!"): logged, never a question."""


async def send_text(scope: CommandScope, cmd: c.SendText) -> None:
    """A question, or a message on one of the person's open tickets (see c.SendText).

    Files are never dropped: with open tickets, a message carrying some goes to one of
    them even where text alone would be a question; with none, a file alone opens the
    conversation (the FAQ cannot read it, so a ticket carrying it is offered), and files
    sent with a question stay with it in case it becomes a ticket.
    """
    if not cmd.text.strip() and not cmd.attachments:
        raise errors.EmptyText()
    if cmd.ticket_number is not None:
        ticket = await own_ticket(scope, cmd.ticket_number)
        await requester_message(scope, ticket, cmd, implicit=False)
        return
    active = await scope.repo.active_tickets(scope.actor.id)
    if cmd.question_first and cmd.text.strip() and not (cmd.attachments and active):
        await answer_question(scope, required_text(cmd.text), attachments=cmd.attachments)
        return
    if not active:
        if not cmd.text.strip():
            await offer_ticket_for_files(scope, cmd.attachments)
            return
        await answer_question(scope, required_text(cmd.text), attachments=cmd.attachments)
        return
    if len(active) == 1:
        await requester_message(scope, active[0], cmd, implicit=True)
        return
    text = bounded(cmd.text)
    held_id = await scope.repo.hold_message(
        scope.actor.id,
        text=text,
        attachments=cmd.attachments,
        platform_message_id=cmd.platform_message_id,
        now=scope.now,
    )
    scope.to_actor(
        WhichTicket(held_id=held_id, text=text, tickets=tuple(scope.view(t) for t in active))
    )


async def place_held(scope: CommandScope, cmd: c.PlaceHeld) -> None:
    """The person said where their held message goes: a ticket, or a new question."""
    ticket = await own_ticket(scope, cmd.number) if cmd.number is not None else None
    held = await scope.repo.take_held(cmd.held_id, scope.actor.id, scope.now)
    if held is None:
        raise errors.HeldMessageGone()
    if ticket is None:
        await answer_question(scope, required_text(held.text))
        return
    message = c.SendText(
        actor=cmd.actor,
        text=held.text,
        attachments=held.attachments,
        platform_message_id=held.platform_message_id,
    )
    await requester_message(scope, ticket, message, implicit=False)


async def add_to_ticket(scope: CommandScope, cmd: c.AddToTicket) -> None:
    """A question answered by the FAQ was meant for an open ticket after all."""
    row = await _own_query(scope, cmd.query_id)
    if row["outcome"] in ("human", "ticket"):
        raise errors.AlreadyEscalated(number=int(row["ticket_id"] or 0))
    ticket = await own_ticket(scope, cmd.number)
    message = c.SendText(actor=cmd.actor, text=str(row["text"]))
    await requester_message(scope, ticket, message, implicit=False)
    await scope.repo.set_faq_outcome(cmd.query_id, "ticket", ticket.number)


async def requester_message(
    scope: CommandScope, ticket: Ticket, cmd: c.SendText, *, implicit: bool
) -> None:
    """The requester's message, relayed to the agents of `ticket`.

    The first message after the ticket's own text is acknowledged, once per ticket;
    when the desk chose the ticket (`implicit`), that acknowledgement also says how
    to ask something new instead.
    """
    if ticket.state is TicketState.WAITING:
        ticket = await resume_if_waiting(scope, ticket)
    text = bounded(cmd.text)
    first = await scope.repo.count_messages(ticket.number, Author.REQUESTER) <= 1
    message_id = await scope.repo.add_message(
        ticket_number=ticket.number,
        author=scope.actor,
        role=Author.REQUESTER,
        visibility=Visibility.PUBLIC,
        text=text,
        attachments=cmd.attachments,
        platform_message_id=cmd.platform_message_id,
        now=scope.now,
    )
    scope.to_thread(ticket, scope.relay(ticket, message_id, "requester", text, cmd.attachments))
    if first:
        key = f"ticket.sent.{scope.actor.platform}" if implicit else "ticket.sent"
        scope.to_actor(Notice(key=key, params={"number": ticket.number}))


async def ask(scope: CommandScope, cmd: c.AskQuestion) -> None:
    await answer_question(scope, required_text(cmd.text))


async def offer_ticket_for_files(scope: CommandScope, attachments: tuple[str, ...]) -> None:
    """Files with no words and no open ticket: recorded as a question the FAQ could not
    read, with a ticket offered that will carry them. Files that follow a question sent
    with files (an album arrives as one message per file) within FILES_JOIN_SECONDS join
    it instead, without a second offer."""
    pending = await scope.repo.pending_files_query(
        scope.actor.id, scope.now - timedelta(seconds=FILES_JOIN_SECONDS)
    )
    if pending is not None:
        await scope.repo.add_faq_query_attachments(int(pending["id"]), attachments)
        return
    query_id = await scope.repo.record_faq_query(
        person=scope.actor,
        platform=scope.actor.platform,
        lang=scope.actor.lang,
        text="",
        decision="none",
        results=[],
        now=scope.now,
        attachments=attachments,
    )
    scope.to_actor(FaqNoMatch(query_id=query_id, question="", files=len(attachments)))


async def answer_question(
    scope: CommandScope, text: str, *, attachments: tuple[str, ...] = ()
) -> None:
    """The FAQ's answer, suggestions or offer of a ticket, in the question's language.

    A person who never chose a language is answered in the language they asked in
    from then on (when the knowledge base matched the question, or it is clearly written
    in that language); one who chose keeps theirs for everything but the FAQ's own answer.
    """
    result = await scope.faq.search_async(text, None)
    lang = scope.actor.lang
    top_match = result.results[0] if result.results and result.decision != "none" else None
    if (
        top_match is not None
        and result.lang in SUPPORTED_LANGUAGES
        and result.lang != lang
        and scope.faq.entry(top_match.entry_id, result.lang) is not None
    ):
        # The knowledge base answers in the question's language (a language it has, so
        # the detection is trusted); someone who never chose one speaks it from now on.
        lang = result.lang
        await scope.repo.follow_language(scope.actor.id, lang, scope.now)
    elif (
        top_match is None
        and result.lang_sure
        and result.lang in SUPPORTED_LANGUAGES
        and result.lang != lang
        and await scope.repo.follow_language(scope.actor.id, result.lang, scope.now)
    ):
        # Nothing matched, but the question is clearly in another language: someone who
        # never chose one gets the ticket offer in it (one who chose keeps theirs).
        lang = result.lang
    small_talk = result.chit_chat and not attachments  # a greeting with a screenshot is not
    query_id = await scope.repo.record_faq_query(
        person=scope.actor,
        platform=scope.actor.platform,
        lang=lang,
        text=text,
        # Small talk is logged apart: the report counts it, never as a question.
        decision=CHITCHAT_DECISION if small_talk else result.decision,
        results=[
            {"id": m.entry_id, "title": m.title, "score": round(m.score, 4)} for m in result.results
        ],
        now=scope.now,
        attachments=attachments,
    )
    if small_talk:
        # Small talk alone ("hi", "thanks!") is no question: a friendly word in kind, no
        # ticket offer, and nothing for the FAQ's record of unanswered questions.
        spoken = result.lang if result.lang in SUPPORTED_LANGUAGES else lang
        scope.to_actor(Notice(key=f"faq.small_talk.{result.small_talk}"), spoken)
        return
    open_tickets = tuple(t.number for t in await scope.repo.active_tickets(scope.actor.id))
    top = result.results[0] if result.results else None
    entry = scope.faq.entry(top.entry_id, lang) if top else None
    if result.decision == "answer" and top is not None and entry is not None:
        scope.to_actor(
            FaqAnswer(
                query_id=query_id,
                entry_id=entry.id,
                title=entry.title,
                answer=entry.answer,
                score=top.score,
                open_tickets=open_tickets,
            ),
            lang,
        )
    elif result.decision == "suggest" and result.results:
        options = []
        for match in result.results[:3]:
            suggested = scope.faq.entry(match.entry_id, lang)
            options.append(
                FaqOption(
                    entry_id=match.entry_id,
                    title=suggested.title if suggested else match.title,
                )
            )
        scope.to_actor(
            FaqSuggestions(query_id=query_id, options=tuple(options), open_tickets=open_tickets),
            lang,
        )
    else:
        scope.to_actor(
            FaqNoMatch(query_id=query_id, question=text, open_tickets=open_tickets), lang
        )


async def _own_query(scope: CommandScope, query_id: int) -> RowMapping:
    """The actor's own question; someone else's is unknown."""
    row = await scope.repo.faq_query(query_id) if 0 < query_id <= MAX_ID else None
    if row is None or row["person_id"] != scope.actor.id:
        raise errors.UnknownQuery()
    return row


async def faq_feedback(scope: CommandScope, cmd: c.FaqFeedback) -> None:
    """An answer that helped is recorded (a chosen suggestion's question is learned);
    wanting a human turns the question into a ticket."""
    row = await _own_query(scope, cmd.query_id)
    question = str(row["text"])
    if row["outcome"] in ("human", "ticket") and row["ticket_id"] is not None:
        raise errors.AlreadyEscalated(number=int(row["ticket_id"]))
    if row["outcome"] == "helped":
        raise errors.AlreadyAnswered()
    if cmd.helped:
        chosen = row["chosen_entry_id"] if row["outcome"] == "chose" else None
        await scope.repo.set_faq_outcome(cmd.query_id, "helped")
        if chosen and scope.faq.entry(str(chosen), str(row["lang"])) is not None:
            await learn(
                scope,
                str(chosen),
                question,
                lang=str(row["lang"]),
                source="helped",
                query_id=cmd.query_id,
            )
        scope.to_actor(Notice(key="faq.glad_it_helped"))
        return
    answered = str(row["top_entry_id"] or "")
    if (
        row["decision"] == "answer"
        and row["outcome"] is None
        and scope.faq.entry(answered, str(row["lang"])) is not None
    ):
        # The desk's own answer did not help: not this entry for this question next time.
        await learn(
            scope, answered, question, lang=str(row["lang"]), source=MISSED, query_id=cmd.query_id
        )
    ticket = await create_ticket(
        scope,
        question,
        category=None,
        priority=None,
        source_link=None,
        query_id=cmd.query_id,
        attachments=tuple(json.loads(row["attachments"] or "[]")),
    )
    await scope.repo.set_faq_outcome(cmd.query_id, "human", ticket.number)
    ask_next(scope, ticket)


async def choose_suggestion(scope: CommandScope, cmd: c.ChooseSuggestion) -> None:
    lang = str((await _own_query(scope, cmd.query_id))["lang"])
    entry = scope.faq.entry(cmd.entry_id, lang)
    if entry is None:
        raise errors.BadInput(detail=cmd.entry_id)
    await scope.repo.set_chosen_entry(cmd.query_id, entry.id)
    scope.to_actor(
        FaqAnswer(
            query_id=cmd.query_id,
            entry_id=entry.id,
            title=entry.title,
            answer=entry.answer,
            score=1.0,
        ),
        lang,
    )
