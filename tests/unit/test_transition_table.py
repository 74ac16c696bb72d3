"""The desk's tables are what it does: handlers, ticket transitions; one text limit."""

from __future__ import annotations

from types import MappingProxyType
from typing import get_args

import pytest

from core import commands as c
from core import domain
from core.desk.handlers import HANDLERS
from core.domain import MAX_TEXT, Priority, Ticket, TicketAction, TicketState
from core.storage.repository import Repository
from tests.support import Harness, person

ALICE = person("alice")
BOB = person("bob", agent=True)
DAN = person("dan", agent=True)


async def _stored(h: Harness, number: int) -> Ticket:
    async with h.db.transaction() as conn:
        ticket = await Repository(conn, "en").get_ticket(number)
    assert ticket is not None
    return ticket


async def _texts(h: Harness, number: int) -> list[str]:
    async with h.db.transaction() as conn:
        return [m.text for m in await Repository(conn, "en").messages(number)]


def _action(action: TicketAction, number: int) -> c.Command:
    """The command that does `action` to ticket `number`, sent by someone allowed to."""
    commands: dict[TicketAction, c.Command] = {
        TicketAction.CLAIM: c.Claim(actor=DAN, number=number),
        TicketAction.ASSIGN: c.Assign(actor=BOB, number=number, assignee=DAN),
        TicketAction.REPLY: c.Reply(actor=BOB, number=number, text="on it"),
        TicketAction.RESOLVE: c.Resolve(actor=BOB, number=number),
        TicketAction.REOPEN: c.Reopen(actor=ALICE, number=number),
        TicketAction.CANCEL: c.Cancel(actor=ALICE, number=number),
        TicketAction.RATE: c.Rate(actor=ALICE, number=number, score=5),
        TicketAction.PRIORITY: c.SetPriority(actor=BOB, number=number, priority=Priority.HIGH),
        TicketAction.WAIT: c.WaitForRequester(actor=BOB, number=number),
    }
    return commands[action]


def test_every_command_has_a_handler() -> None:
    assert set(HANDLERS) == set(get_args(c.AnyCommand))


async def _ticket_in(h: Harness, state: TicketState, number: int) -> None:
    await h.do(c.OpenTicket(actor=ALICE, text=f"ticket {number}"))
    if state in (TicketState.CLAIMED, TicketState.RESOLVED, TicketState.WAITING):
        await h.do(c.Claim(actor=BOB, number=number))
    if state is TicketState.WAITING:
        await h.do(c.WaitForRequester(actor=BOB, number=number))
    if state is TicketState.RESOLVED:
        await h.do(c.Resolve(actor=BOB, number=number))
    if state is TicketState.CANCELLED:
        await h.do(c.Cancel(actor=ALICE, number=number))


async def test_every_action_in_every_state_does_what_the_table_says(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    number, wrong = 0, []
    for state in TicketState:
        # The requester's message resumes a waiting ticket (tests/unit/test_service_desk.py).
        for action in (a for a in TicketAction if a is not TicketAction.RESUME):
            number += 1
            await _ticket_in(h, state, number)
            outcome = await h.do(_action(action, number))
            assigned = state in (TicketState.CLAIMED, TicketState.RESOLVED, TicketState.WAITING)
            expected = domain.next_state(action, state, assigned=assigned)
            got = (await _stored(h, number)).state if outcome.error is None else None
            if got != expected:
                wrong.append((action.value, state.value, got, expected))
    assert wrong == []


async def test_a_move_missing_from_the_table_is_refused(
    sqlite_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = sqlite_harness
    without = {
        move: to
        for move, to in domain.TRANSITIONS.items()
        if move != (TicketAction.CANCEL, TicketState.OPEN)
    }
    monkeypatch.setattr(domain, "TRANSITIONS", MappingProxyType(without))
    await h.do(c.OpenTicket(actor=ALICE, text="printer jam"))
    h.take()
    outcome = await h.do(c.Cancel(actor=ALICE, number=1))
    assert outcome.error is not None and outcome.error.key == "error.invalid_transition"
    assert h.texts_to("alice", h.take()) == ["Ticket #1 is open; that cannot be done now."]
    assert (await _stored(h, 1)).state is TicketState.OPEN


async def test_an_over_long_reply_is_refused_like_every_over_long_text(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    await h.do(c.OpenTicket(actor=ALICE, text="no wifi"))
    await h.do(c.Claim(actor=BOB, number=1))
    h.take()
    too_long = "x" * (MAX_TEXT + 1)
    note = await h.do(c.Note(actor=BOB, number=1, text=too_long))
    note_refusal = h.texts_to("bob", h.take())
    reply = await h.do(c.Reply(actor=BOB, number=1, text=too_long))
    events = h.take()
    assert reply.error is not None and note.error is not None
    assert reply.error.key == note.error.key == "error.bad_input"
    assert h.texts_to("bob", events) == note_refusal
    assert h.texts_to("alice", events) == []
    assert await _texts(h, 1) == ["no wifi"]
    within = await h.do(c.Reply(actor=BOB, number=1, text="x" * MAX_TEXT))
    assert within.error is None
