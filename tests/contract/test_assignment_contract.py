"""Tickets go only to agents, and only into known categories, on every storage backend."""

from __future__ import annotations

from dataclasses import replace

from core import commands as c
from core.domain import CATEGORIES
from core.i18n import t
from tests.support import Harness, person, ticket_json

ALICE = person("alice")
BOB = person("bob", agent=True)
DAN = person("dan", agent=True)
ERIN = person("erin")


async def _open_and_claim(h: Harness) -> None:
    await h.do(c.OpenTicket(actor=ALICE, text="new laptop"))
    await h.do(c.Claim(actor=BOB, number=1))
    h.take()


async def test_a_ticket_is_not_assigned_to_its_requester_or_anyone_not_an_agent(
    harness: Harness,
) -> None:
    h = harness
    await _open_and_claim(h)
    # What the console's `/assign 1 alice` gives: a name, no platform fact.
    for someone in (replace(ALICE, display_name="alice"), ERIN):
        outcome = await h.do(c.Assign(actor=BOB, number=1, assignee=someone))
        assert outcome.error is not None and outcome.error.key == "error.not_an_agent"
    assert h.texts_to("bob", h.take()) == [
        "Ticket #1 cannot be assigned to Alice: they are not an agent.",
        "Ticket #1 cannot be assigned to Erin: they are not an agent.",
    ]
    detail = await ticket_json(h.db, 1)
    assert detail is not None and detail["assignee"]["user_id"] == "bob"
    assert [a["action"] for a in detail["audit"]] == ["opened", "claimed"]


async def test_an_agent_is_known_by_the_platform_now_or_by_having_acted_as_one(
    harness: Harness,
) -> None:
    h = harness
    await _open_and_claim(h)
    await h.do(c.OpenTicket(actor=ALICE, text="second monitor"))
    # Dan is vouched for by the platform (a member of the agents' channel): never seen before.
    assert (await h.do(c.Assign(actor=BOB, number=1, assignee=DAN))).error is None
    # Known as an agent, Dan may be named without a platform fact (the console).
    unvouched = replace(DAN, is_agent=False)
    assert (await h.do(c.Assign(actor=BOB, number=2, assignee=unvouched))).error is None
    detail = await ticket_json(h.db, 2)
    assert detail is not None and detail["assignee"]["user_id"] == "dan"

    # Dan leaves the agents: his next update says so, and he is no longer an assignee.
    await h.do(c.ShowStatus(actor=unvouched))
    refused = await h.do(c.Assign(actor=BOB, number=2, assignee=unvouched))
    assert refused.error is not None and refused.error.key == "error.not_an_agent"


async def test_a_category_that_is_not_ours_is_refused_and_opens_nothing(harness: Harness) -> None:
    h = harness
    for crafted in ("payroll", "\u0000it", "x" * 60):
        outcome = await h.do(c.OpenTicket(actor=ALICE, text="broken chair", category=crafted))
        assert outcome.error is not None and outcome.error.key == "error.unknown_category"
    texts = h.texts_to("alice", h.take())
    known = ", ".join(CATEGORIES)
    assert texts[0] == f"Unknown category 'payroll'. Choose one of: {known}."
    assert len(texts) == 3 and "x" * 41 not in texts[2]
    assert await ticket_json(h.db, 1) is None

    assert (
        await h.do(c.OpenTicket(actor=ALICE, text="broken chair", category=" HR "))
    ).error is None
    detail = await ticket_json(h.db, 1)
    assert detail is not None and detail["category"] == "hr"


def test_the_refusals_read_naturally_in_every_language() -> None:
    params = {"number": 4, "name": "Ola"}
    assert t("pl", "error.not_an_agent", **params) == (
        "Nie można przypisać zgłoszenia #4: Ola nie należy do zespołu agentów."
    )
    assert t("ru", "error.not_an_agent", **params) == (
        "Нельзя назначить заявку #4: Ola не входит в команду агентов."
    )
    assert "«it2»" in t("ru", "error.unknown_category", value="it2", known="it")
    assert "„it2”" in t("pl", "error.unknown_category", value="it2", known="it")
