"""Which failures park an update at once: values the database refuses, not an outage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError, StatementError

from core import commands as c
from core.desk import Desk, InboundKey
from core.events import Event
from core.faq.service import FaqService
from core.inbox import Inbox, retry_cannot_help
from core.storage.db import Database, is_data_error, is_outage
from core.storage.inbox_store import InboxRecords, NewUpdate
from core.storage.repository import Repository
from tests.support import FakeClock, person

ALICE = person("alice")


class DriverError(Exception):
    """What asyncpg's errors look like to the desk: a message and an SQLSTATE."""

    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def data_error() -> DBAPIError:
    orig = DriverError('invalid byte sequence for encoding "UTF8": 0x00', "22021")
    return DBAPIError("INSERT INTO faq_queries ...", None, orig)


def shutdown() -> DBAPIError:
    orig = DriverError("terminating connection due to administrator command", "57P01")
    return DBAPIError("INSERT INTO faq_queries ...", None, orig)


def test_data_exceptions_and_unencodable_text_are_data_errors() -> None:
    assert is_data_error(data_error()) and not is_outage(data_error())
    surrogate = UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
    wrapped = StatementError("could not encode", "INSERT ...", None, surrogate)
    assert is_data_error(surrogate) and is_data_error(wrapped)
    assert not is_data_error(shutdown()) and is_outage(shutdown())
    assert not is_data_error(ConnectionRefusedError()) and not is_data_error(RuntimeError("bug"))
    assert retry_cannot_help(data_error()) and not retry_cannot_help(shutdown())


class FailingDesk(Desk):
    """A desk whose database refuses what `fail_on` says, once per queued text."""

    fail_on: dict[str, BaseException]

    async def apply(self, repo: Repository, cmd: c.Command, now: datetime) -> list[Event]:
        text = getattr(cmd, "text", "")
        error = self.fail_on.pop(text, None)
        if error is not None:
            raise error
        return await super().apply(repo, cmd, now)


@pytest.fixture
async def inbox(tmp_path: Path, small_kb: Path) -> AsyncIterator[Inbox]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'inbox.db'}")
    await db.upgrade()
    clock = FakeClock()
    desk = FailingDesk(db, FaqService(small_kb, "en"), default_lang="en", clock=clock)
    desk.fail_on = {}
    try:
        yield Inbox(db, desk, clock=clock)
    finally:
        await db.dispose()


async def _parked(inbox: Inbox) -> list[tuple[str, int]]:
    async with inbox.db.transaction() as conn:
        parked = await InboxRecords(conn).failed()
    return [(row.update_id, row.attempts) for row in parked]


async def test_a_data_error_parks_the_update_at_once_and_the_next_one_applies(
    inbox: Inbox,
) -> None:
    assert isinstance(inbox.desk, FailingDesk)
    inbox.desk.fail_on["poison"] = data_error()
    await inbox.submit(c.SendText(actor=ALICE, text="poison"), InboundKey("test", "e1"))
    await inbox.submit(c.SendText(actor=ALICE, text="the next one"), InboundKey("test", "e2"))

    assert await inbox.apply_all() == 1  # no backoff to wait for: the next one applied now
    assert await inbox.depth() == {"failed": 1}
    assert await _parked(inbox) == [("e1", 1)]


async def test_an_outage_keeps_the_update_queued_with_its_attempts(inbox: Inbox) -> None:
    assert isinstance(inbox.desk, FailingDesk)
    inbox.desk.fail_on["hello"] = shutdown()
    await inbox.submit(c.SendText(actor=ALICE, text="hello"), InboundKey("test", "e1"))

    with pytest.raises(DBAPIError):
        await inbox.apply_all()  # the loop backs off; the update is not at fault
    assert await inbox.depth() == {"pending": 1}
    assert await _parked(inbox) == []

    assert await inbox.apply_all() == 1  # the database is back
    assert await inbox.depth() == {}


async def test_a_row_that_is_not_even_json_is_parked_at_once(inbox: Inbox) -> None:
    async with inbox.db.transaction() as conn:
        await InboxRecords(conn).store(
            [NewUpdate("test", "garbage", "test:alice", "{not json")], inbox.clock()
        )
    await inbox.submit(c.SendText(actor=ALICE, text="the next one"), InboundKey("test", "e2"))

    assert await inbox.apply_all() == 1
    assert await _parked(inbox) == [("garbage", 1)]
