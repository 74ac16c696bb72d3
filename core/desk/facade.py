"""The desk: every rule of the help desk, applied in transactions that do all or nothing.

`Desk.handle` records the update's platform id (a redelivery has no effect),
applies the command, and writes the resulting events to the outbox, all in one
transaction (the console). `Desk.apply` applies one command inside a transaction
its caller owns (the inbox applying a batch). Refusals are typed `DeskError`s,
answered to the actor as error notices, so nothing is half-done and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core import commands as c
from core import errors
from core.desk.delivery_feedback import delivery_failure_cards, relay_failure_note
from core.desk.handlers import Rule, dispatch, refusal
from core.desk.ports import FaqPort
from core.desk.scope import CommandScope
from core.desk.sla import SlaPolicy, overdue_reminders, sla_alerts
from core.events import (
    AgentHome,
    Event,
    PersonProfile,
    PersonTarget,
    Relay,
    TicketThreadTarget,
)
from core.people import cards_with_history
from core.service.config import ServiceDesk, default_service
from core.storable import storable
from core.storage.db import Database
from core.storage.dedupe import record_new_updates
from core.storage.outbox_store import OutboxRecords
from core.storage.reminder_records import PAGE
from core.storage.repository import Repository


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Outcome:
    """What `Desk.handle` did: nothing (a redelivery), or these events, maybe a refusal."""

    duplicate: bool = False
    events: list[Event] = field(default_factory=list)
    error: errors.DeskError | None = None


# What an agent is shown as an agent (the Home tab's queue, a requester's profile): a
# failure to show it is no failure to reach them about their own tickets.
AGENT_VIEWS = (AgentHome, PersonProfile)


class Desk:
    def __init__(
        self,
        db: Database,
        faq: FaqPort,
        *,
        default_lang: str = "en",
        clock: Callable[[], datetime] = utc_now,
        on_enqueued: Callable[[], None] | None = None,
        service: ServiceDesk | None = None,
    ) -> None:
        self.db = db
        self.faq = faq
        self.default_lang = default_lang
        self.clock = clock
        self.on_enqueued = on_enqueued
        self.service = service or default_service()

    def repository(self, conn: AsyncConnection) -> Repository:
        """The repository the rules use on the transaction `conn`."""
        return Repository(conn, self.default_lang)

    async def handle(self, cmd: c.Command, update: c.InboundKey | None = None) -> Outcome:
        """Apply one command in one transaction; a seen `update` is a no-op.

        A refusal rolls the whole transaction back and records the update with its
        error notice in a second one: the common path pays for no savepoint.
        """
        try:
            outcome = await self._handle_once(cmd, update, dispatch)
        except errors.DeskError as refused:
            outcome = await self._handle_once(cmd, update, refusal(refused))
            outcome.error = refused
        self.queued(outcome.events)
        return outcome

    async def _handle_once(
        self, cmd: c.Command, update: c.InboundKey | None, rule: Rule
    ) -> Outcome:
        """One transaction: dedupe the update, apply `rule`, queue its events."""
        now = self.clock()
        async with self.db.transaction() as conn:
            repo = self.repository(conn)
            key = (update.platform, update.update_id) if update is not None else None
            key = storable(key, keep_nul=self.db.is_sqlite)
            if key is not None and not await record_new_updates(conn, [key], now):
                return Outcome(duplicate=True)
            events = await self._run(repo, cmd, now, rule)
            await OutboxRecords(conn).enqueue(events, now)
        return Outcome(events=events)

    async def apply(self, repo: Repository, cmd: c.Command, now: datetime) -> list[Event]:
        """Apply `cmd` in the caller's transaction; its events are the caller's to queue.

        A refusal raises `DeskError`; what the command changed before it is the
        caller's to roll back (see `refuse`).
        """
        return await self._run(repo, cmd, now, dispatch)

    async def refuse(
        self, repo: Repository, cmd: c.Command, now: datetime, refused: errors.DeskError
    ) -> list[Event]:
        """Answer `cmd`'s actor with the refusal's notice, in the caller's transaction."""
        return await self._run(repo, cmd, now, refusal(refused))

    async def _run(
        self, repo: Repository, cmd: c.Command, now: datetime, rule: Rule
    ) -> list[Event]:
        cmd = storable(cmd, keep_nul=self.db.is_sqlite)  # every string of it is stored
        actor = await repo.upsert_person(cmd.actor, now)
        scope = CommandScope(
            repo,
            cmd,
            actor,
            faq=self.faq,
            now=now,
            agents_lang=self.default_lang,
            service=self.service,
        )
        await rule(scope)
        return await cards_with_history(repo, scope.events)

    def queued(self, events: list[Event]) -> None:
        """Wake the dispatcher when something was queued (after the commit)."""
        if events and self.on_enqueued is not None:
            self.on_enqueued()

    async def remind_overdue(self, policy: SlaPolicy, page: int = PAGE) -> int:
        """The SLA loop's one round: reminders and escalations of targets near or breached
        (once per ticket and target), and of requesters waiting for an answer; the tickets
        are read `page` at a time until none is left."""

        async def reminders(repo: Repository, now: datetime) -> list[Event]:
            events = await sla_alerts(repo, self.service, now, self.default_lang, page)
            return events + await overdue_reminders(
                repo, policy, now, self.default_lang, self.service, page
            )

        return len(await self._on_its_own(reminders))

    async def post_once(self, key: str, events: list[Event]) -> bool:
        """Queue `events` unless `key` was posted before (by any worker); True when queued.

        What no person asked for but must go out exactly once, such as the weekly digest.
        """
        now = self.clock()
        async with self.db.transaction() as conn:
            if not await record_new_updates(conn, [("desk", key)], now):
                return False
            await OutboxRecords(conn).enqueue(events, now)
        self.queued(events)
        return True

    async def delivery_failed(self, event: Event, reason: str) -> None:
        """A message could not be delivered for good: show it on the person's tickets, or
        (a message relayed into the agents' thread) say so in that thread."""
        target, payload = event.target, event.payload
        if isinstance(target, TicketThreadTarget) and isinstance(payload, Relay):

            async def note(repo: Repository, now: datetime) -> list[Event]:
                return await relay_failure_note(repo, target, payload, reason, now, event.lang)

            await self._on_its_own(note)
            return
        if not isinstance(target, PersonTarget) or isinstance(payload, AGENT_VIEWS):
            return  # an agent's view that did not open says nothing of their own tickets

        async def cards(repo: Repository, now: datetime) -> list[Event]:
            return await delivery_failure_cards(
                repo, target, reason, now, self.default_lang, self.service
            )

        await self._on_its_own(cards)

    async def _on_its_own(
        self, work: Callable[[Repository, datetime], Awaitable[list[Event]]]
    ) -> list[Event]:
        """Work that no inbound update asked for, in a transaction of its own."""
        now = self.clock()
        async with self.db.transaction() as conn:
            repo = self.repository(conn)
            events = await cards_with_history(repo, await work(repo, now))
            await OutboxRecords(conn).enqueue(events, now)
        self.queued(events)
        return events
