"""The desk: every rule of the help desk, applied in transactions that do all or nothing.

`Desk.handle` records the update's platform id (a redelivery has no effect),
applies the command, and writes the resulting events to the outbox, all in one
transaction (the console). `Desk.apply_queued` does the same for a batch of
updates the inbox stored earlier (the platforms), removing them from the inbox
in that transaction. Refusals are typed `DeskError`s, answered to the actor as
error notices, so nothing is half-done and nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from core import commands as c
from core import errors
from core.domain import (
    SUPPORTED_LANGUAGES,
    Actor,
    Author,
    Person,
    PersonRef,
    Priority,
    Ticket,
    TicketState,
    Visibility,
    normalize_lang,
    subject_of,
)
from core.events import (
    Event,
    FaqAnswer,
    FaqNoMatch,
    FaqOption,
    FaqSuggestions,
    Notice,
    Payload,
    PersonTarget,
    Relay,
    RelayEdited,
    TicketCard,
    TicketList,
    TicketOpened,
    TicketResolved,
    TicketThreadTarget,
    TicketView,
)
from core.faq.model import FaqEntry, SearchResult
from core.redact import describe
from core.storage.db import Database
from core.storage.dedupe import record_new_updates
from core.storage.inbox_store import InboxRecords, QueuedUpdate
from core.storage.outbox_store import OutboxRecords
from core.storage.repository import Repository

log = logging.getLogger(__name__)

MAX_TEXT = 20_000
# Ticket numbers and FAQ query ids are 32-bit integer columns: a number typed
# beyond them names nothing, and must not reach the database as one.
MAX_ID = 2**31 - 1
ACTIVE = (TicketState.OPEN, TicketState.CLAIMED)
DEFAULT_CATEGORY = "general"


class FaqPort(Protocol):
    def search(self, query: str, lang: str | None = None) -> SearchResult: ...

    def entry(self, entry_id: str, lang: str) -> FaqEntry | None: ...


@dataclass(frozen=True)
class InboundKey:
    """The platform's own id of an update: (platform, update id)."""

    platform: str
    update_id: str


@dataclass
class Outcome:
    duplicate: bool = False
    events: list[Event] = field(default_factory=list)
    error: errors.DeskError | None = None
    ticket_number: int | None = None


@dataclass
class QueuedBatch:
    """What `Desk.apply_queued` did: rows applied, or where the batch stopped."""

    applied: int = 0
    failed_at: int | None = None
    row: QueuedUpdate | None = None
    error: BaseException | None = None
    taken_elsewhere: bool = False  # the row went to another worker meanwhile

    @property
    def found_nothing(self) -> bool:
        """Nothing was queued and due: the caller may wait for news."""
        return self.applied == 0 and self.failed_at is None and not self.taken_elsewhere


def _stored_command(row: QueuedUpdate) -> c.Command | ValueError:
    """The row's command, or the error that says why it cannot be read."""
    try:
        return c.command_from_json(row.command)
    except ValueError as error:
        return error


# Commands about an existing ticket or FAQ answer, refused when it moved on meanwhile.
_MAY_BE_REFUSED = (c.TicketCommand, c.EditMessage, c.FaqFeedback, c.ChooseSuggestion)


def _refusal(refusal: errors.DeskError) -> Handler:
    """A handler that only answers the actor with the refusal's notice."""
    notice = Notice(key=refusal.key, params=refusal.params, error=True)

    async def refuse(ctx: _Context) -> None:
        ctx.to_actor(notice)

    return refuse


class _BatchStopped(Exception):
    def __init__(self, index: int, row: QueuedUpdate, error: BaseException) -> None:
        super().__init__(f"queued update {row.id} failed: {error!r}")
        self.index, self.row, self.error = index, row, error


@dataclass(frozen=True)
class SlaPolicy:
    """When the agents are reminded: a ticket nobody claimed, a requester left waiting."""

    unclaimed: timedelta = timedelta(minutes=30)
    reply: timedelta = timedelta(hours=4)


def utc_now() -> datetime:
    return datetime.now(UTC)


def thread_event(ticket: Ticket, lang: str, payload: Payload) -> Event:
    """An event for the agents' conversation about `ticket`."""
    return Event(
        target=TicketThreadTarget(platform=ticket.platform, ticket_number=ticket.number),
        lang=lang,
        payload=payload,
    )


class _Context:
    """What one handler needs: the transaction's repository, the actor, the clock."""

    def __init__(
        self, repo: Repository, cmd: c.Command, actor: Person, now: datetime, agents_lang: str
    ) -> None:
        self.repo = repo
        self.cmd = cmd
        self.actor = actor
        self.now = now
        self.agents_lang = agents_lang
        self.events: list[Event] = []
        self.ticket_number: int | None = None

    def to_actor(self, payload: Payload, lang: str | None = None) -> None:
        self.events.append(
            Event(
                target=PersonTarget(
                    platform=self.actor.platform,
                    user_id=self.actor.user_id,
                    display_name=self.actor.display_name,
                    context=self.cmd.reply_context,
                ),
                lang=lang or self.actor.lang,
                payload=payload,
            )
        )

    def to_person(self, person: Person, payload: Payload) -> None:
        if person.id == self.actor.id:
            self.to_actor(payload)
            return
        self.events.append(
            Event(
                target=PersonTarget(
                    platform=person.platform,
                    user_id=person.user_id,
                    display_name=person.display_name,
                ),
                lang=person.lang,
                payload=payload,
            )
        )

    def to_thread(self, ticket: Ticket, payload: Payload) -> None:
        self.events.append(thread_event(ticket, self.agents_lang, payload))

    async def card(self, ticket: Ticket, change: str) -> None:
        self.to_thread(
            ticket,
            TicketCard(
                ticket=TicketView.of(ticket),
                change=change,
                actor_name=self.actor.display_name,
            ),
        )


Handler = Callable[[_Context], Awaitable[None]]


class Desk:
    def __init__(
        self,
        db: Database,
        faq: FaqPort,
        *,
        default_lang: str = "en",
        clock: Callable[[], datetime] = utc_now,
        on_enqueued: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.faq = faq
        self.default_lang = default_lang
        self.clock = clock
        self.on_enqueued = on_enqueued

    async def handle(self, cmd: c.Command, update: InboundKey | None = None) -> Outcome:
        """Apply one command in one transaction; a seen `update` is a no-op.

        A refusal rolls the whole transaction back and records the update with its
        error notice in a second one: the common path pays for no savepoint.
        """
        try:
            outcome = await self._unit_of_work(cmd, update, self._dispatch)
        except errors.DeskError as refusal:
            outcome = await self._unit_of_work(cmd, update, _refusal(refusal))
            outcome.error = refusal
        self._notify(outcome.events)
        return outcome

    def _notify(self, events: list[Event]) -> None:
        """Wake the dispatcher when something was queued."""
        if events and self.on_enqueued is not None:
            self.on_enqueued()

    async def _unit_of_work(
        self, cmd: c.Command, update: InboundKey | None, work: Handler
    ) -> Outcome:
        """One transaction: dedupe the update, know the actor, do `work`, queue its events."""
        now = self.clock()
        async with self.db.transaction() as conn:
            repo = Repository(conn, self.default_lang)
            if update is not None and not await record_new_updates(
                conn, [(update.platform, update.update_id)], now
            ):
                return Outcome(duplicate=True)
            ctx = await self._apply(repo, cmd, now, work)
            await OutboxRecords(conn).enqueue(ctx.events, now)
        return Outcome(events=ctx.events, ticket_number=ctx.ticket_number)

    async def _apply(
        self, repo: Repository, cmd: c.Command, now: datetime, work: Handler
    ) -> _Context:
        actor = await repo.upsert_person(cmd.actor, now)
        ctx = _Context(repo, cmd, actor, now, self.default_lang)
        await work(ctx)
        return ctx

    # queued updates (core.inbox)

    async def apply_queued(self, limit: int) -> QueuedBatch:
        """Apply up to `limit` queued updates, oldest first, in one transaction.

        One commit for many updates is what lets a worker keep up with a busy
        workspace. If the update at index k fails, the whole batch rolls back
        and `failed_at` says so: the caller applies the k before it as a batch,
        then the failing one alone. A refusal (DeskError) of an update applied
        alone is answered like `handle` answers it; any other error is the
        caller's to retry (`postpone_queued`).
        """
        now = self.clock()
        try:
            async with self.db.transaction() as conn:
                repo, queue = Repository(conn, self.default_lang), InboxRecords(conn)
                rows = await queue.claim(now, limit=limit)
                commands = [_stored_command(row) for row in rows]
                await repo.prefetch_people(
                    cmd.actor.ref for cmd in commands if isinstance(cmd, c.Command)
                )
                await repo.prefetch_active_tickets()
                events: list[Event] = []
                for index, (row, cmd) in enumerate(zip(rows, commands, strict=True)):
                    try:
                        if isinstance(cmd, Exception):
                            raise cmd
                        ctx = await self._apply_in_batch(conn, repo, cmd, now)
                    except Exception as error:
                        raise _BatchStopped(index, row, error) from error
                    events.extend(ctx.events)
                await queue.done([row.id for row in rows])
                await OutboxRecords(conn).enqueue(events, now)
        except _BatchStopped as stopped:
            if stopped.index == 0 and isinstance(stopped.error, errors.DeskError):
                return await self._refuse_queued(stopped.row, stopped.error)
            return QueuedBatch(failed_at=stopped.index, row=stopped.row, error=stopped.error)
        self._notify(events)
        return QueuedBatch(applied=len(rows))

    async def _apply_in_batch(
        self, conn: AsyncConnection, repo: Repository, cmd: c.Command, now: datetime
    ) -> _Context:
        """Apply one of a batch; an agent's command that may be refused gets a savepoint.

        A refusal then costs nothing to the rest of the batch, and no ticket
        number is used up by a rolled-back batch when two agents race for a claim.
        Plain messages, questions and new tickets (the bulk) need none.
        """
        if not isinstance(cmd, _MAY_BE_REFUSED):
            return await self._apply(repo, cmd, now, self._dispatch)
        savepoint = await conn.begin_nested()
        try:
            ctx = await self._apply(repo, cmd, now, self._dispatch)
        except errors.DeskError as refusal:
            await savepoint.rollback()
            repo.forget()  # what it read inside the savepoint may be gone
            return await self._apply(repo, cmd, now, _refusal(refusal))
        await savepoint.commit()
        return ctx

    async def _refuse_queued(self, row: QueuedUpdate, refusal: errors.DeskError) -> QueuedBatch:
        now = self.clock()
        async with self.db.transaction() as conn:
            repo, queue = Repository(conn, self.default_lang), InboxRecords(conn)
            if not await queue.claim(now, limit=1, only=[row.id]):
                return QueuedBatch(taken_elsewhere=True)
            ctx = await self._apply(repo, c.command_from_json(row.command), now, _refusal(refusal))
            await queue.done([row.id])
            await OutboxRecords(conn).enqueue(ctx.events, now)
        self._notify(ctx.events)
        return QueuedBatch(applied=1)

    async def postpone_queued(
        self, row: QueuedUpdate, error: BaseException, retry_at: datetime | None
    ) -> None:
        """Record a failed attempt at a queued update; `retry_at` None gives up on it."""
        async with self.db.transaction() as conn:
            await InboxRecords(conn).postpone(row.id, describe(error, 500), retry_at)

    async def _dispatch(self, ctx: _Context) -> None:
        handlers: dict[type[c.Command], Handler] = {
            c.SendText: self._send_text,
            c.AskQuestion: self._ask,
            c.FaqFeedback: self._faq_feedback,
            c.ChooseSuggestion: self._choose_suggestion,
            c.OpenTicket: self._open_ticket,
            c.Claim: self._claim,
            c.Assign: self._assign,
            c.Reply: self._reply,
            c.Note: self._note,
            c.Resolve: self._resolve,
            c.Reopen: self._reopen,
            c.Cancel: self._cancel,
            c.Rate: self._rate,
            c.SetPriority: self._set_priority,
            c.EditMessage: self._edit_message,
            c.ShowStatus: self._status,
            c.ShowQueue: self._queue,
            c.ShowMine: self._mine,
            c.SetLanguage: self._set_language,
            c.ShowHelp: self._help,
        }
        handler = handlers.get(type(ctx.cmd))
        if handler is None:
            raise errors.BadInput(detail=type(ctx.cmd).__name__)
        await handler(ctx)

    # shared checks

    @staticmethod
    def _text(text: str) -> str:
        cleaned = text.strip()
        if not cleaned:
            raise errors.EmptyText()
        if len(cleaned) > MAX_TEXT:
            raise errors.BadInput(detail=f"text longer than {MAX_TEXT} characters")
        return cleaned

    @staticmethod
    def _require_agent(ctx: _Context) -> None:
        if not ctx.actor.is_agent:
            raise errors.NotAllowed()

    async def _ticket(self, ctx: _Context, number: int) -> Ticket:
        ticket = await ctx.repo.get_ticket(number) if 0 < number <= MAX_ID else None
        if ticket is None:
            raise errors.UnknownTicket(number=number)
        ctx.ticket_number = number
        return ticket

    async def _own_or_agent(self, ctx: _Context, number: int) -> Ticket:
        """A ticket the actor may act on: their own, or any ticket for an agent.

        A requester asking about someone else's ticket hears "unknown ticket",
        so ticket numbers leak nothing about other people.
        """
        ticket = await self._ticket(ctx, number)
        if ctx.actor.is_agent or ticket.requester.id == ctx.actor.id:
            return ticket
        raise errors.UnknownTicket(number=number)

    async def _reload(self, ctx: _Context, number: int) -> Ticket:
        ticket = await ctx.repo.get_ticket(number)
        assert ticket is not None
        return ticket

    # questions and the FAQ

    async def _send_text(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.SendText)
        if not cmd.text.strip() and not cmd.attachments:
            raise errors.EmptyText()
        active = await ctx.repo.latest_active_ticket(ctx.actor.id)
        if active is None:
            await self._answer_question(ctx, self._text(cmd.text))
            return
        ctx.ticket_number = active.number
        text = cmd.text.strip()
        if len(text) > MAX_TEXT:
            raise errors.BadInput(detail=f"text longer than {MAX_TEXT} characters")
        message_id = await ctx.repo.add_message(
            ticket_number=active.number,
            author=ctx.actor,
            role=Author.REQUESTER,
            visibility=Visibility.PUBLIC,
            text=text,
            attachments=cmd.attachments,
            platform_message_id=cmd.platform_message_id,
            now=ctx.now,
        )
        ctx.to_thread(
            active,
            Relay(
                ticket_number=active.number,
                message_id=message_id,
                author_name=ctx.actor.display_name,
                author_role="requester",
                text=text,
                attachments=cmd.attachments,
            ),
        )

    async def _ask(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.AskQuestion)
        await self._answer_question(ctx, self._text(cmd.text))

    async def _answer_question(self, ctx: _Context, text: str) -> None:
        result = self.faq.search(text, None)
        lang = result.lang if result.lang in SUPPORTED_LANGUAGES else ctx.actor.lang
        query_id = await ctx.repo.record_faq_query(
            person=ctx.actor,
            platform=ctx.actor.platform,
            lang=lang,
            text=text,
            decision=result.decision,
            results=[
                {"id": m.entry_id, "title": m.title, "score": round(m.score, 4)}
                for m in result.results
            ],
            now=ctx.now,
        )
        top = result.results[0] if result.results else None
        entry = self.faq.entry(top.entry_id, lang) if top else None
        if result.decision == "answer" and top is not None and entry is not None:
            ctx.to_actor(
                FaqAnswer(
                    query_id=query_id,
                    entry_id=entry.id,
                    title=entry.title,
                    answer=entry.answer,
                    score=top.score,
                ),
                lang,
            )
        elif result.decision == "suggest" and result.results:
            options = []
            for match in result.results[:3]:
                suggested = self.faq.entry(match.entry_id, lang)
                options.append(
                    FaqOption(
                        entry_id=match.entry_id,
                        title=suggested.title if suggested else match.title,
                    )
                )
            ctx.to_actor(FaqSuggestions(query_id=query_id, options=tuple(options)), lang)
        else:
            ctx.to_actor(FaqNoMatch(query_id=query_id, question=text), lang)

    async def _own_query(self, ctx: _Context, query_id: int) -> tuple[str, str]:
        row = await ctx.repo.faq_query(query_id) if 0 < query_id <= MAX_ID else None
        if row is None or row["person_id"] != ctx.actor.id:
            raise errors.UnknownQuery()
        return str(row["text"]), str(row["lang"])

    async def _faq_feedback(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.FaqFeedback)
        question, _lang = await self._own_query(ctx, cmd.query_id)
        if cmd.helped:
            await ctx.repo.set_faq_outcome(cmd.query_id, "helped")
            ctx.to_actor(Notice(key="faq.glad_it_helped"))
            return
        ticket = await self._create_ticket(
            ctx, question, category=None, priority=None, source_link=None, query_id=cmd.query_id
        )
        await ctx.repo.set_faq_outcome(cmd.query_id, "human", ticket.number)

    async def _choose_suggestion(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.ChooseSuggestion)
        _question, lang = await self._own_query(ctx, cmd.query_id)
        entry = self.faq.entry(cmd.entry_id, lang)
        if entry is None:
            raise errors.BadInput(detail=cmd.entry_id)
        await ctx.repo.set_faq_outcome(cmd.query_id, "chose")
        ctx.to_actor(
            FaqAnswer(
                query_id=cmd.query_id,
                entry_id=entry.id,
                title=entry.title,
                answer=entry.answer,
                score=1.0,
            ),
            lang,
        )

    # tickets

    async def _open_ticket(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.OpenTicket)
        ticket = await self._create_ticket(
            ctx,
            self._text(cmd.text),
            category=cmd.category,
            priority=cmd.priority,
            source_link=cmd.source_link,
            query_id=cmd.from_query_id,
        )
        if cmd.from_query_id is not None:
            await self._own_query(ctx, cmd.from_query_id)
            await ctx.repo.set_faq_outcome(cmd.from_query_id, "ticket", ticket.number)

    def _guess_category(self, text: str) -> str:
        """Route by the closest FAQ entry's category when the matcher has an opinion."""
        result = self.faq.search(text, None)
        if result.decision == "none" or not result.results:
            return DEFAULT_CATEGORY
        entry = self.faq.entry(result.results[0].entry_id, result.lang)
        return entry.category if entry and entry.category else DEFAULT_CATEGORY

    async def _create_ticket(
        self,
        ctx: _Context,
        text: str,
        *,
        category: str | None,
        priority: Priority | None,
        source_link: str | None,
        query_id: int | None,
    ) -> Ticket:
        ticket = await ctx.repo.insert_ticket(
            platform=ctx.actor.platform,
            requester=ctx.actor,
            subject=subject_of(text),
            text=text,
            category=(category or "").strip().lower() or self._guess_category(text),
            priority=priority or Priority.NORMAL,
            source_link=source_link,
            from_query_id=query_id,
            now=ctx.now,
        )
        ctx.ticket_number = ticket.number
        await ctx.repo.add_message(
            ticket_number=ticket.number,
            author=ctx.actor,
            role=Author.REQUESTER,
            visibility=Visibility.PUBLIC,
            text=text,
            attachments=(),
            platform_message_id=None,
            now=ctx.now,
        )
        await ctx.repo.audit(
            "opened",
            ctx.now,
            ticket_number=ticket.number,
            actor_id=ctx.actor.id,
            category=ticket.category,
            priority=ticket.priority.value,
        )
        ctx.to_actor(TicketOpened(ticket=TicketView.of(ticket)))
        await ctx.card(ticket, "card.change.opened")
        return ticket

    async def _claim(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.Claim)
        self._require_agent(ctx)
        ticket = await self._ticket(ctx, cmd.number)
        won = await ctx.repo.transition(
            ticket.number,
            allowed_from=(TicketState.OPEN,),
            to=TicketState.CLAIMED,
            now=ctx.now,
            assignee_must_be_unset=True,
            assignee_id=ctx.actor.id,
            claimed_at=ctx.now,
        )
        if not won:
            current = await self._reload(ctx, ticket.number)
            claimed = current.state is TicketState.CLAIMED and current.assignee is not None
            if claimed and current.assignee is not None and current.assignee.id == ctx.actor.id:
                ctx.to_actor(Notice(key="ticket.already_yours", params={"number": current.number}))
                return
            if claimed and current.assignee is not None:
                raise errors.AlreadyClaimed(
                    number=current.number, owner=current.assignee.display_name
                )
            raise errors.InvalidTransition(number=current.number, state=current.state.value)
        await self._after_claim(ctx, ticket.number, "claimed")

    async def _after_claim(self, ctx: _Context, number: int, action: str) -> None:
        ticket = await self._reload(ctx, number)
        assert ticket.assignee is not None
        await ctx.repo.audit(
            action,
            ctx.now,
            ticket_number=number,
            actor_id=ctx.actor.id,
            assignee=ticket.assignee.display_name,
        )
        await ctx.card(ticket, f"card.change.{action}")
        ctx.to_person(
            ticket.requester,
            Notice(
                key="ticket.agent_assigned",
                params={"number": number, "agent": ticket.assignee.display_name},
            ),
        )

    async def _assign(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.Assign)
        self._require_agent(ctx)
        ticket = await self._ticket(ctx, cmd.number)
        if cmd.assignee.platform != ticket.platform:
            raise errors.BadInput(detail="assignee on another platform")
        assignee = await ctx.repo.upsert_person(
            Actor(
                platform=cmd.assignee.platform,
                user_id=cmd.assignee.user_id,
                display_name=cmd.assignee.display_name,
                is_agent=True,
            ),
            ctx.now,
        )
        moved = await ctx.repo.transition(
            ticket.number,
            allowed_from=ACTIVE,
            to=TicketState.CLAIMED,
            now=ctx.now,
            assignee_id=assignee.id,
            claimed_at=ctx.now,
        )
        if not moved:
            raise errors.InvalidTransition(number=ticket.number, state=ticket.state.value)
        await self._after_claim(ctx, ticket.number, "assigned")

    async def _reply(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.Reply)
        self._require_agent(ctx)
        ticket = await self._ticket(ctx, cmd.number)
        text = cmd.text.strip()
        if not text and not cmd.attachments:
            raise errors.EmptyText()
        if not ticket.state.is_active:
            raise errors.InvalidTransition(number=ticket.number, state=ticket.state.value)
        if ticket.state is TicketState.OPEN and await ctx.repo.transition(
            ticket.number,
            allowed_from=(TicketState.OPEN,),
            to=TicketState.CLAIMED,
            now=ctx.now,
            assignee_must_be_unset=True,
            assignee_id=ctx.actor.id,
            claimed_at=ctx.now,
        ):
            # Answering an unclaimed ticket is claiming it: the requester sees who helps.
            await self._after_claim(ctx, ticket.number, "claimed")
        message_id = await ctx.repo.add_message(
            ticket_number=ticket.number,
            author=ctx.actor,
            role=Author.AGENT,
            visibility=Visibility.PUBLIC,
            text=text,
            attachments=cmd.attachments,
            platform_message_id=cmd.platform_message_id,
            now=ctx.now,
        )
        await ctx.repo.mark_first_response(ticket.number, ctx.now)
        ctx.to_person(
            ticket.requester,
            Relay(
                ticket_number=ticket.number,
                message_id=message_id,
                author_name=ctx.actor.display_name,
                author_role="agent",
                text=text,
                attachments=cmd.attachments,
            ),
        )

    async def _note(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.Note)
        self._require_agent(ctx)
        ticket = await self._ticket(ctx, cmd.number)
        text = self._text(cmd.text)
        await ctx.repo.add_message(
            ticket_number=ticket.number,
            author=ctx.actor,
            role=Author.AGENT,
            visibility=Visibility.INTERNAL,
            text=text,
            attachments=(),
            platform_message_id=None,
            now=ctx.now,
        )
        ctx.to_actor(Notice(key="ticket.note_added", params={"number": ticket.number}))

    async def _move(
        self,
        ctx: _Context,
        ticket: Ticket,
        *,
        allowed_from: tuple[TicketState, ...],
        to: TicketState,
        action: str,
        **values: Any,
    ) -> Ticket:
        """One conditional state change, audited and shown on the card; refused if it lost."""
        moved = await ctx.repo.transition(
            ticket.number, allowed_from=allowed_from, to=to, now=ctx.now, **values
        )
        current = await self._reload(ctx, ticket.number)
        if not moved:
            raise errors.InvalidTransition(number=current.number, state=current.state.value)
        await ctx.repo.audit(action, ctx.now, ticket_number=current.number, actor_id=ctx.actor.id)
        await ctx.card(current, f"card.change.{action}")
        return current

    async def _resolve(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.Resolve)
        self._require_agent(ctx)
        ticket = await self._ticket(ctx, cmd.number)
        values: dict[str, Any] = {"resolved_at": ctx.now}
        if ticket.assignee is None:
            values["assignee_id"] = ctx.actor.id
        ticket = await self._move(
            ctx, ticket, allowed_from=ACTIVE, to=TicketState.RESOLVED, action="resolved", **values
        )
        ctx.to_person(
            ticket.requester,
            TicketResolved(ticket_number=ticket.number, agent_name=ctx.actor.display_name),
        )

    async def _reopen(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.Reopen)
        ticket = await self._own_or_agent(ctx, cmd.number)
        # The agent who had it keeps it: the requester continues with the same person.
        to = TicketState.CLAIMED if ticket.assignee is not None else TicketState.OPEN
        ticket = await self._move(
            ctx,
            ticket,
            allowed_from=(TicketState.RESOLVED, TicketState.CANCELLED),
            to=to,
            action="reopened",
            resolved_at=None,
            rating=None,
        )
        ctx.to_person(
            ticket.requester, Notice(key="ticket.reopened", params={"number": ticket.number})
        )

    async def _cancel(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.Cancel)
        ticket = await self._own_or_agent(ctx, cmd.number)
        ticket = await self._move(
            ctx, ticket, allowed_from=ACTIVE, to=TicketState.CANCELLED, action="cancelled"
        )
        ctx.to_person(
            ticket.requester, Notice(key="ticket.cancelled", params={"number": ticket.number})
        )

    async def _rate(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.Rate)
        ticket = await self._ticket(ctx, cmd.number)
        if ticket.requester.id != ctx.actor.id:
            raise errors.UnknownTicket(number=cmd.number)
        if not 1 <= cmd.score <= 5:
            raise errors.BadRating()
        if ticket.state is not TicketState.RESOLVED:
            raise errors.InvalidTransition(number=ticket.number, state=ticket.state.value)
        await ctx.repo.update_ticket(ticket.number, ctx.now, rating=cmd.score)
        await ctx.repo.audit(
            "rated", ctx.now, ticket_number=ticket.number, actor_id=ctx.actor.id, score=cmd.score
        )
        ticket = await self._reload(ctx, ticket.number)
        await ctx.card(ticket, "card.change.rated")
        ctx.to_actor(
            Notice(
                key="ticket.thanks_for_rating", params={"number": ticket.number, "score": cmd.score}
            )
        )

    async def _set_priority(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.SetPriority)
        self._require_agent(ctx)
        ticket = await self._ticket(ctx, cmd.number)
        if not ticket.state.is_active:
            raise errors.InvalidTransition(number=ticket.number, state=ticket.state.value)
        await ctx.repo.update_ticket(ticket.number, ctx.now, priority=cmd.priority.value)
        await ctx.repo.audit(
            "priority",
            ctx.now,
            ticket_number=ticket.number,
            actor_id=ctx.actor.id,
            priority=cmd.priority.value,
        )
        await ctx.card(await self._reload(ctx, ticket.number), "card.change.priority")

    async def _edit_message(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.EditMessage)
        row = await ctx.repo.message_by_platform_id(ctx.actor.id, cmd.platform_message_id)
        if row is None or row["visibility"] != Visibility.PUBLIC.value:
            return  # not a relayed message (a question, a note): nothing to update
        ticket = await self._ticket(ctx, int(row["ticket_id"]))
        text = "" if cmd.deleted else self._text(cmd.text)
        await ctx.repo.edit_message(int(row["id"]), text if not cmd.deleted else row["text"])
        await ctx.repo.audit(
            "message_deleted" if cmd.deleted else "message_edited",
            ctx.now,
            ticket_number=ticket.number,
            actor_id=ctx.actor.id,
            message_id=int(row["id"]),
        )
        role = Author(row["author_role"])
        edited = RelayEdited(
            ticket_number=ticket.number,
            message_id=int(row["id"]),
            author_name=ctx.actor.display_name,
            author_role="agent" if role is Author.AGENT else "requester",
            text=text,
            deleted=cmd.deleted,
        )
        if role is Author.AGENT:
            ctx.to_person(ticket.requester, edited)
        else:
            ctx.to_thread(ticket, edited)

    # lists and settings

    async def _status(self, ctx: _Context) -> None:
        tickets = await ctx.repo.list_tickets(requester_id=ctx.actor.id, limit=10)
        ctx.to_actor(
            TicketList(title_key="list.status", tickets=tuple(TicketView.of(t) for t in tickets))
        )

    async def _queue(self, ctx: _Context) -> None:
        self._require_agent(ctx)
        tickets = await ctx.repo.list_tickets(
            states=(TicketState.OPEN,), platform=ctx.actor.platform, limit=25
        )
        ctx.to_actor(
            TicketList(title_key="list.queue", tickets=tuple(TicketView.of(t) for t in tickets))
        )

    async def _mine(self, ctx: _Context) -> None:
        self._require_agent(ctx)
        tickets = await ctx.repo.list_tickets(
            assignee_id=ctx.actor.id, states=(TicketState.CLAIMED,), limit=25
        )
        ctx.to_actor(
            TicketList(title_key="list.mine", tickets=tuple(TicketView.of(t) for t in tickets))
        )

    async def _set_language(self, ctx: _Context) -> None:
        cmd = ctx.cmd
        assert isinstance(cmd, c.SetLanguage)
        lang = normalize_lang(cmd.lang)
        if lang is None or cmd.lang.strip().lower() != lang:
            raise errors.UnknownLanguage(
                value=cmd.lang.strip()[:16], supported=", ".join(SUPPORTED_LANGUAGES)
            )
        await ctx.repo.set_language(ctx.actor.id, lang, ctx.now)
        ctx.to_actor(Notice(key="lang.changed"), lang)

    async def _help(self, ctx: _Context) -> None:
        role = "agent" if ctx.actor.is_agent else "requester"
        ctx.to_actor(Notice(key=f"help.{ctx.actor.platform}.{role}"))

    # SLA reminders

    async def remind_overdue(self, policy: SlaPolicy) -> int:
        """Remind the agents' thread of tickets past their SLA, once per SLA period each."""
        now = self.clock()
        events: list[Event] = []
        async with self.db.transaction() as conn:
            repo = Repository(conn, self.default_lang)
            overdue: list[tuple[Ticket, str, datetime, timedelta]] = [
                (ticket, "reminder.unclaimed", ticket.created_at, policy.unclaimed)
                for ticket in await repo.overdue_unclaimed(now - policy.unclaimed)
            ]
            overdue += [
                (ticket, "reminder.waiting", since, policy.reply)
                for ticket, since in await repo.waiting_for_agent(now - policy.reply)
            ]
            for ticket, key, since, period in overdue:
                if not await repo.take_reminder(ticket.number, now - period, now):
                    continue
                minutes = int((now - since).total_seconds() // 60)
                agent = ticket.assignee.display_name if ticket.assignee else ""
                await repo.audit("reminded", now, ticket_number=ticket.number, reminder=key)
                params: dict[str, str | int] = {
                    "number": ticket.number,
                    "minutes": minutes,
                    "agent": agent,
                }
                events.append(
                    thread_event(ticket, self.default_lang, Notice(key=key, params=params))
                )
            await OutboxRecords(conn).enqueue(events, now)
        self._notify(events)
        return len(events)

    # delivery feedback

    async def delivery_failed(self, event: Event, reason: str) -> None:
        """A message could not be delivered for good: show it on the person's tickets."""
        if not isinstance(event.target, PersonTarget):
            return
        now = self.clock()
        async with self.db.transaction() as conn:
            repo = Repository(conn, self.default_lang)
            person = await repo.person_by_ref(
                PersonRef(event.target.platform, event.target.user_id)
            )
            if person is None:
                return
            events: list[Event] = []
            for ticket in await repo.list_tickets(requester_id=person.id, states=ACTIVE):
                await repo.update_ticket(ticket.number, now, delivery_problem=reason[:500])
                await repo.audit("delivery_failed", now, ticket_number=ticket.number, reason=reason)
                card = TicketCard(
                    ticket=TicketView.of(replace(ticket, delivery_problem=reason[:500])),
                    change="card.change.delivery_failed",
                )
                events.append(thread_event(ticket, self.default_lang, card))
            await OutboxRecords(conn).enqueue(events, now)
        self._notify(events)
