"""Random sequences of ticket actions: the desk agrees with a tiny model of the rules."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from core import commands as c
from core.storage.db import Database
from tests.support import Harness, harness_on, person, ticket_json, write_small_kb

REQUESTER = person("req")
AGENTS = [person("ag1", agent=True), person("ag2", agent=True)]
ACTIVE = {"open", "claimed"}


class TicketLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        db = Database(f"sqlite+aiosqlite:///{root / 'sm.db'}")
        self.context = harness_on(db, write_small_kb(root / "kb"))
        self.h: Harness = self.loop.run_until_complete(self.context.__aenter__())
        self.state: str | None = None
        self.assignee: str | None = None

    def teardown(self) -> None:
        self.loop.run_until_complete(self.context.__aexit__(None, None, None))
        self.loop.close()
        self.tmp.cleanup()

    def _do(self, command: c.Command) -> bool:
        outcome = self.loop.run_until_complete(self.h.do(command))
        return outcome.error is None

    @precondition(lambda self: self.state is None)
    @rule()
    def open_ticket(self) -> None:
        assert self._do(c.OpenTicket(actor=REQUESTER, text="state machine"))
        self.state = "open"

    @precondition(lambda self: self.state is not None)
    @rule(agent=st.integers(0, 1))
    def claim(self, agent: int) -> None:
        name = AGENTS[agent].user_id
        ok = self._do(c.Claim(actor=AGENTS[agent], number=1))
        mine = self.state == "claimed" and self.assignee == name
        assert ok == (self.state == "open" or mine)
        if self.state == "open":
            self.state, self.assignee = "claimed", name

    @precondition(lambda self: self.state is not None)
    @rule(agent=st.integers(0, 1))
    def resolve(self, agent: int) -> None:
        ok = self._do(c.Resolve(actor=AGENTS[agent], number=1))
        assert ok == (self.state in ACTIVE)
        if ok:
            self.assignee = self.assignee or AGENTS[agent].user_id
            self.state = "resolved"

    @precondition(lambda self: self.state is not None)
    @rule()
    def requester_cancels(self) -> None:
        ok = self._do(c.Cancel(actor=REQUESTER, number=1))
        assert ok == (self.state in ACTIVE)
        if ok:
            self.state = "cancelled"

    @precondition(lambda self: self.state is not None)
    @rule()
    def requester_reopens(self) -> None:
        ok = self._do(c.Reopen(actor=REQUESTER, number=1))
        assert ok == (self.state in ("resolved", "cancelled"))
        if ok:
            self.state = "claimed" if self.assignee else "open"

    @precondition(lambda self: self.state is not None)
    @rule(score=st.integers(0, 6))
    def requester_rates(self, score: int) -> None:
        ok = self._do(c.Rate(actor=REQUESTER, number=1, score=score))
        assert ok == (self.state == "resolved" and 1 <= score <= 5)

    @precondition(lambda self: self.state is not None)
    @rule()
    def requester_cannot_claim(self) -> None:
        assert not self._do(c.Claim(actor=REQUESTER, number=1))

    @invariant()
    def stored_state_matches_the_model(self) -> None:
        if self.state is None:
            return
        detail = self.loop.run_until_complete(ticket_json(self.h.db, 1))
        assert detail is not None
        assert detail["state"] == self.state
        stored = detail["assignee"]["user_id"] if detail["assignee"] else None
        assert stored == self.assignee


TestTicketLifecycle = TicketLifecycle.TestCase
TestTicketLifecycle.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
