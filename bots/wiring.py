"""Builds the desk, its storage, the FAQ and the outbox dispatcher from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bots.limits import platform_limits
from bots.settings import Settings
from core.delivery import Dispatcher, Sender
from core.desk import Desk, utc_now
from core.faq.service import FaqService
from core.inbox import Inbox
from core.storage.db import Database

SQLITE_BATCH = 25  # updates applied per transaction on SQLite (bench/slack_inbound.py)


@dataclass
class Core:
    settings: Settings
    db: Database
    faq: FaqService
    desk: Desk
    dispatcher: Dispatcher
    inbox: Inbox


def build_faq(settings: Settings) -> FaqService:
    return FaqService(settings.faq_dir, settings.lang, semantic=settings.faq_semantic)


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """The database, migrated to the newest schema, disposed of on exit."""
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        yield db
    finally:
        await db.dispose()


@asynccontextmanager
async def build_core(settings: Settings, senders: Mapping[str, Sender]) -> AsyncIterator[Core]:
    faq = build_faq(settings)
    faq.search("warm up", settings.lang)  # load the knowledge base now: bad files fail at start
    async with open_database(settings) as db:
        dispatcher = Dispatcher(
            db,
            senders,
            clock=utc_now,
            limits=platform_limits(),
            lookahead_seconds=0.25,
            worker_id=settings.worker_id,
        )
        desk = Desk(db, faq, default_lang=settings.lang, on_enqueued=dispatcher.wake)
        dispatcher.on_dead = desk.delivery_failed
        # SQLite has one writer: an ack waits for the batch being applied, so
        # smaller batches there halve ack latency for a few percent of throughput.
        inbox = Inbox(db, desk, clock=utc_now, batch_size=SQLITE_BATCH if db.is_sqlite else 100)
        dispatcher.defer_while = inbox.has_backlog
        yield Core(settings=settings, db=db, faq=faq, desk=desk, dispatcher=dispatcher, inbox=inbox)
