"""The report and the web console's accounts read and write the same on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.web.auth import MAX_FAILURES, SignIn, hash_password, session_of, sign_in
from core import commands as c
from core.reporting import ReportPolicy, build_report
from core.storage.web_accounts import WebAccounts
from tests.conftest import DatabaseFactory
from tests.support import Harness, person

ALICE = person("alice")
BOB = person("bob", agent=True)


async def test_a_rated_reopened_and_rerated_ticket_counts_twice(harness: Harness) -> None:
    h = harness
    await h.do(c.SendText(actor=person("carol"), text="hi"))
    await h.do(c.OpenTicket(actor=ALICE, text="screen is black"))
    await h.do(c.Reply(actor=BOB, number=1, text="press F7"))
    await h.do(c.Resolve(actor=BOB, number=1))
    await h.do(c.Rate(actor=ALICE, number=1, score=2))
    await h.do(c.Rate(actor=ALICE, number=1, score=3))
    await h.do(c.Reopen(actor=ALICE, number=1))
    await h.do(c.Resolve(actor=BOB, number=1))
    await h.do(c.Rate(actor=ALICE, number=1, score=5))
    now = datetime.now(UTC)
    report = await build_report(
        h.db, now - timedelta(hours=1), now + timedelta(minutes=1), policy=ReportPolicy(), now=now
    )
    m = report.metrics
    assert (m.questions.asked, m.questions.chitchat) == (0, 1)
    assert (m.tickets.opened, m.tickets.resolved, m.tickets.reopened) == (1, 1, 1)
    assert (m.csat.ratings, m.csat.mean) == (2, 4)  # 3 for the first resolution, 5 for the second


async def test_accounts_lock_and_sessions_end(database_factory: DatabaseFactory) -> None:
    db = database_factory()
    await db.upgrade()
    try:
        accounts = WebAccounts(db)
        now = datetime.now(UTC)
        assert await accounts.add("lena", hash_password("the right one"), "lead", now)
        assert not await accounts.add("lena", hash_password("another"), "agent", now)
        signed = await sign_in(accounts, "lena", "the right one", now)
        assert signed.outcome is SignIn.OK and signed.token is not None
        session = await session_of(accounts, signed.token, now)
        assert session is not None and session.account.role == "lead"
        assert await session_of(accounts, signed.token, now + timedelta(days=1)) is None
        outcomes = [
            (await sign_in(accounts, "lena", "wrong", now)).outcome for _ in range(MAX_FAILURES)
        ]
        assert outcomes[-1] is SignIn.LOCKED and set(outcomes[:-1]) == {SignIn.WRONG}
        assert (await sign_in(accounts, "lena", "the right one", now)).outcome is SignIn.LOCKED
        later = now + timedelta(minutes=16)
        assert (await sign_in(accounts, "lena", "the right one", later)).outcome is SignIn.OK
        assert await accounts.remove("lena")
        assert await session_of(accounts, signed.token, now) is None
    finally:
        await db.dispose()
