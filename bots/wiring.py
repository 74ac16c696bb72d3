"""Builds the desk, its storage, the FAQ and the outbox dispatcher from settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidRequestError, NoSuchModuleError

from bots.limits import platform_limits
from bots.settings import Settings
from core.delivery import DeliveryTuning, Dispatcher, Sender
from core.desk import Desk, utc_now
from core.faq.kb import KnowledgeBaseError
from core.faq.service import FaqService, RunElsewhere, in_background
from core.inbox import Inbox, InboxTuning
from core.ratelimit import PlatformLimits
from core.redact import describe
from core.reporting import ReportPolicy
from core.service.config import MESSENGERS, ServiceConfig, ServiceDesk, build_service
from core.service.loader import ServiceFileError, read_service_file
from core.storage.db import Database, MigrationProgress, is_outage
from core.storage.repository import Repository
from core.wakeup import Wakeup

SQLITE_BATCH = 25  # updates applied per transaction on SQLite (bench/slack_inbound.py)


@dataclass
class Core:
    settings: Settings
    db: Database
    faq: FaqService
    desk: Desk
    dispatcher: Dispatcher
    inbox: Inbox


@dataclass(frozen=True)
class CoreTuning:
    """The inbox's and the outbox's knobs; the defaults are those of `helpdesk run`."""

    # None: by database (SQLite has one writer: an ack waits for the batch being
    # applied, so smaller batches there halve ack latency for a few percent of throughput).
    inbox: InboxTuning | None = None
    delivery: DeliveryTuning = field(default_factory=lambda: DeliveryTuning(lookahead_seconds=0.25))
    limits: Mapping[str, PlatformLimits] = field(default_factory=platform_limits)

    def inbox_for(self, db: Database) -> InboxTuning:
        if self.inbox is not None:
            return self.inbox
        return InboxTuning(batch_size=SQLITE_BATCH) if db.is_sqlite else InboxTuning()


def build_faq(settings: Settings, train_with: RunElsewhere | None = None) -> FaqService:
    """The FAQ, its knowledge base loaded now: an unusable folder stops here, in one line.
    ``train_with``: see ``FaqService``; one-shot commands leave it None."""
    faq = FaqService(
        settings.faq_dir,
        settings.lang,
        semantic=settings.faq_semantic,
        english_model=settings.faq_english_model,
        train_with=train_with,
    )
    try:
        faq.kb  # noqa: B018 - loads the knowledge base
    except KnowledgeBaseError as error:
        raise SystemExit(f"knowledge base (HELPDESK_FAQ_DIR): {error}") from None
    return faq


def load_service(settings: Settings) -> ServiceDesk:
    """The service file's calendars, teams, matrix and policies; the built-in ones (with the
    environment's agents' places and first-response minutes) when there is no file. Only
    the places on messengers whose credentials are set receive tickets: a place named for
    a platform the desk does not run would keep its tickets from every agent."""
    path = settings.service_file
    config = read_service_file(path) if path.is_file() else ServiceConfig()
    return build_service(
        config,
        first_response=settings.sla.unclaimed,
        env_places=settings.agents_places,
        platforms=frozenset(settings.configured_adapters()) & frozenset(MESSENGERS),
    )


def checked_service(settings: Settings) -> ServiceDesk:
    """`load_service`, a bad file stopping here with its problems (file:line each)."""
    try:
        return load_service(settings)
    except ServiceFileError as error:
        raise SystemExit(f"service file (HELPDESK_SERVICE_FILE):\n{error}") from None


def faq_with_learned(settings: Settings) -> FaqService:
    """`build_faq` with the phrasings learned from use, as a running bot matches them."""
    faq = build_faq(settings)

    async def load() -> None:
        async with open_database(settings) as db:
            await load_learned(db, faq, settings.lang)

    asyncio.run(load())
    return faq


def warmed_faq(settings: Settings) -> FaqService:
    """`build_faq`, and one search, so bad files fail at start rather than on a question.
    A running bot retrains in the background: an edit to the knowledge base must not keep
    every question waiting for minutes."""
    faq = build_faq(settings, train_with=in_background)
    faq.search("warm up", settings.lang)
    return faq


@asynccontextmanager
async def open_database(
    settings: Settings, progress: MigrationProgress | None = None
) -> AsyncIterator[Database]:
    """The database, migrated to the newest schema, disposed of on exit.

    A database that cannot be reached or used stops here with one line naming
    the setting and the reason, never the URL (it may carry a password).
    """
    try:
        db = Database(settings.database_url)
    except Exception as error:
        raise SystemExit(_database_problem(error)) from None
    try:
        try:
            await db.upgrade(progress)
        except (CommandError, RevisionError) as error:
            # Alembic knows no such revision: a newer version of the desk upgraded it.
            raise SystemExit(
                "cannot use the database (HELPDESK_DATABASE_URL): its schema is newer than "
                f"this version of the help desk knows ({str(error).splitlines()[0]}); "
                "run the version that upgraded it, or a newer one"
            ) from None
        except Exception as error:
            if not (is_outage(error) or isinstance(error, (DBAPIError, OverflowError))):
                raise
            raise SystemExit(_database_problem(error)) from None
        yield db
    finally:
        await db.dispose()


def _database_problem(error: Exception) -> str:
    """Why HELPDESK_DATABASE_URL is unusable, in one line without the URL itself."""
    if isinstance(error, NoSuchModuleError):
        reason = "unknown database driver (use sqlite+aiosqlite or postgresql+asyncpg)"
    elif isinstance(error, ArgumentError):
        reason = "not a URL SQLAlchemy can read (e.g. postgresql+asyncpg://user@host:5432/db)"
    elif isinstance(error, InvalidRequestError):
        reason = "not an asyncio driver (use sqlite+aiosqlite or postgresql+asyncpg)"
    elif isinstance(error, ValueError | OverflowError):
        reason = "the port is not a number from 1 to 65535"
    elif isinstance(error, ImportError):
        reason = f"the driver's module is not installed ({error.name})"
    else:
        reason = describe(error).splitlines()[0]  # without SQLAlchemy's link line
    return f"cannot use the database (HELPDESK_DATABASE_URL): {reason}"


def report_policy(settings: Settings, service: ServiceDesk | None = None) -> ReportPolicy:
    """The report's targets, business time and teams: the service file's SLA policies and
    calendars when there is a file; without one the built-in targets, the minutes the desk
    reminds agents by (HELPDESK_SLA_UNCLAIMED_MINUTES, HELPDESK_SLA_REPLY_MINUTES)."""
    return ReportPolicy(
        claim_minutes=settings.sla_unclaimed_minutes,
        first_response_minutes=settings.sla_reply_minutes,
        service=service or checked_service(settings),
        service_targets=settings.service_file.is_file(),
    )


async def load_learned(db: Database, faq: FaqService, lang: str) -> bool:
    """Give the FAQ the learned phrasings stored now; True when its index changed."""
    async with db.transaction() as conn:
        phrasings = await Repository(conn, lang).learned_phrasings()
    return await asyncio.to_thread(faq.set_learned, phrasings)


@asynccontextmanager
async def build_core(
    settings: Settings,
    *,
    db: Database | None = None,
    faq: FaqService | None = None,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    senders: Mapping[str, Sender] | None = None,
    tuning: CoreTuning | None = None,
    service: ServiceDesk | None = None,
) -> AsyncIterator[Core]:
    """The desk, the inbox and the dispatcher around one database and one FAQ.

    A database or FAQ given here is the caller's (a test's fake, a database it
    migrated and disposes of itself); otherwise both are made from `settings`.
    """
    tuning = tuning or CoreTuning()
    if faq is None:
        faq = warmed_faq(settings)
    async with AsyncExitStack() as owned:
        if db is None:
            db = await owned.enter_async_context(open_database(settings))
        await load_learned(db, faq, settings.lang)
        # Built before both: the desk wakes the dispatcher when it queued something.
        wakeup = Wakeup()
        desk = Desk(
            db,
            faq,
            default_lang=settings.lang,
            clock=clock,
            on_enqueued=wakeup.wake,
            service=service or checked_service(settings),
        )
        inbox = Inbox(db, desk, clock=clock, tuning=tuning.inbox_for(db))
        dispatcher = Dispatcher(
            db,
            senders or {},
            clock=clock,
            tuning=tuning.delivery,
            limits=tuning.limits,
            on_dead=desk.delivery_failed,
            defer_while=inbox.has_backlog,
            wakeup=wakeup,
            worker_id=settings.worker_id,
            sleep=sleep,
        )
        yield Core(settings=settings, db=db, faq=faq, desk=desk, dispatcher=dispatcher, inbox=inbox)
