"""Test helpers shared by the suites: databases, a small knowledge base, a desk harness."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bots.runtime import PlatformConnection
from bots.settings import Settings
from bots.wiring import Core, CoreTuning, build_core
from core.delivery import OUTBOX_BACKOFF, DeliveryTuning, Dispatcher
from core.desk import Desk, InboundKey, Outcome, utc_now
from core.domain import Actor
from core.events import Event, PersonTarget
from core.faq.service import FaqService
from core.inbox import InboxTuning
from core.presenter import render_text
from core.queries import ticket_detail
from core.storage.db import Database

POSTGRES_ADMIN_URL = os.environ.get(
    "HELPDESK_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
# The same server for asyncpg itself (set-up, outages), without SQLAlchemy.
POSTGRES_ADMIN_DSN = POSTGRES_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")

SAMPLE_ENTRIES = {
    "vpn-access": (
        "Connecting to the VPN",
        ["How do I connect to the VPN?", "VPN does not work from home"],
        "it",
        "Install **GlobalConnect** and sign in.",
    ),
    "vacation-request": (
        "Requesting vacation",
        ["How do I request vacation?", "How many vacation days do I have left?"],
        "hr",
        "Open the HR portal and choose *Time off*.",
    ),
}


def write_small_kb(root: Path) -> Path:
    """Two entries in English: enough for the desk's rules, independent of the sample FAQ."""
    for entry_id, (title, questions, category, answer) in SAMPLE_ENTRIES.items():
        path = root / "en" / f"{entry_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        listed = "\n".join(f'  - "{q}"' for q in questions)
        path.write_text(
            f"---\nid: {entry_id}\ntitle: {title}\nquestions:\n{listed}\n"
            f"tags: []\ncategory: {category}\n---\n{answer}\n",
            encoding="utf-8",
        )
    return root


def in_ci() -> bool:
    """CI installs and runs everything: what a test needs is there, or the test fails."""
    return os.environ.get("CI", "").lower() == "true"


def postgres_required() -> bool:
    return in_ci()


async def _postgres_reachable() -> str | None:
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(POSTGRES_ADMIN_DSN), timeout=5)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    await conn.close()
    return None


async def _require_postgres() -> None:
    """Skip when PostgreSQL is unreachable; fail instead in CI, where it must be there."""
    problem = await _postgres_reachable()
    if problem is not None:
        if postgres_required():
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {problem}")
        pytest.skip(f"PostgreSQL unreachable: {problem}")


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A fresh PostgreSQL schema for one test; yields a URL whose search_path is it."""
    import asyncpg

    await _require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        yield schema
    finally:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()


def postgres_database(schema: str) -> Database:
    return Database(POSTGRES_ADMIN_URL, schema=schema)


@asynccontextmanager
async def postgres_scratch_database() -> AsyncIterator[str]:
    """A whole fresh PostgreSQL database for one test (one that takes it offline); its URL."""
    import asyncpg

    await _require_postgres()
    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await conn.close()


async def set_database_online(url: str, online: bool) -> None:
    """Take a scratch database offline (new connections refused, open ones ended) or back."""
    import asyncpg

    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(online).lower()}')
        if not online:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
    finally:
        await conn.close()


async def eventually(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until `condition()` holds, checking often; fail after `within` seconds."""
    try:
        async with asyncio.timeout(within):
            while not condition():  # noqa: ASYNC110 - any condition, not one flag
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"still not true after {within} s") from None


# The constructors' own defaults and no platform rate limits: a test core paces
# itself as its test says, not as `helpdesk run` does (CoreTuning's defaults).
PLAIN_TUNING = CoreTuning(inbox=InboxTuning(), delivery=DeliveryTuning(), limits={})

FAKE_START = datetime(2026, 1, 1, tzinfo=UTC)


class FakeClock:
    """Simulated time: advanced by the test, never by waiting."""

    def __init__(self, start: datetime = FAKE_START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))


@dataclass
class RecordingSender:
    """A platform that accepts everything and remembers it (a fake, not a mock)."""

    delivered: list[Event] = field(default_factory=list)

    async def send(self, event: Event) -> None:
        self.delivered.append(event)


@dataclass
class Harness:
    """A desk on a real database with a recording platform behind the outbox."""

    db: Database
    desk: Desk
    dispatcher: Dispatcher
    sender: RecordingSender
    counter: int = 0

    async def do(self, command: object, update_id: str | None = None) -> Outcome:
        self.counter += 1
        key = InboundKey("test", update_id or f"u{self.counter}")
        outcome = await self.desk.handle(command, key)  # type: ignore[arg-type]
        await self.dispatcher.run_until_idle()
        return outcome

    def take(self) -> list[Event]:
        taken = list(self.sender.delivered)
        self.sender.delivered.clear()
        return taken

    def texts_to(self, user_id: str, events: list[Event]) -> list[str]:
        return [
            render_text(e)
            for e in events
            if isinstance(e.target, PersonTarget) and e.target.user_id == user_id
        ]

    def texts_to_thread(self, events: list[Event]) -> list[str]:
        return [render_text(e) for e in events if not isinstance(e.target, PersonTarget)]


async def ticket_json(db: Database, number: int) -> dict[str, Any] | None:
    """Ticket `number` as `helpdesk tickets show --json` prints it (None: no such ticket)."""
    detail = await ticket_detail(db, number)
    return detail.to_json() if detail is not None else None


Connection = TypeVar("Connection", bound=PlatformConnection)


@asynccontextmanager
async def platform_core(
    settings: Settings,
    faq: FaqService,
    clock: Callable[[], datetime],
    connect: Callable[[Settings, Database], Connection],
) -> AsyncIterator[tuple[Core, Connection]]:
    """A platform connected, and a core on the settings' database sending through it.

    The database is migrated first and disposed of after; the caller builds the
    platform's runtime from the two (`connection.runtime(core)`).
    """
    db = Database(settings.database_url)
    await db.upgrade()
    connection = connect(settings, db)
    senders = {connection.platform: connection.sender}
    try:
        async with build_core(
            settings, db=db, faq=faq, clock=clock, senders=senders, tuning=PLAIN_TUNING
        ) as core:
            yield core, connection
    finally:
        await db.dispose()


def settings_for(kb_root: Path, **env: Any) -> Settings:
    """Settings of a test's core: its knowledge base, English, no `.env` file."""
    values: dict[str, Any] = {
        "HELPDESK_FAQ_DIR": str(kb_root),
        "HELPDESK_LANG": "en",
        # The built-in service unless a test gives a file: never one lying in the repository.
        "HELPDESK_SERVICE_FILE": str(kb_root / "no-service.yaml"),
        **env,
    }
    return Settings(_env_file=None, **values)


def person(name: str, *, agent: bool = False, platform: str = "test") -> Actor:
    return Actor(platform=platform, user_id=name, display_name=name.title(), is_agent=agent)


@asynccontextmanager
async def harness_on(
    db: Database, kb_root: Path, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Harness]:
    await db.upgrade()
    sender = RecordingSender()
    fast_retries = replace(
        PLAIN_TUNING, delivery=DeliveryTuning(backoff=replace(OUTBOX_BACKOFF, base=0.01))
    )
    try:
        async with build_core(
            settings_for(kb_root),
            db=db,
            faq=FaqService(kb_root, "en"),
            clock=clock,
            senders={"test": sender},
            tuning=fast_retries,
        ) as core:
            yield Harness(db=db, desk=core.desk, dispatcher=core.dispatcher, sender=sender)
    finally:
        await db.dispose()
