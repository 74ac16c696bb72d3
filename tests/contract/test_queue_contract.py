"""The agents' queues on every storage backend: /queue and the App Home list the open
tickets the service desk puts on the agent's platform or in their teams, however many
newer tickets are open, and exactly those the desk's routing rule names."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import product
from typing import Any

from sqlalchemy import insert

from core import commands as c
from core.desk import queues
from core.domain import TicketState
from core.events import AgentHome, TicketList
from core.service.config import DEFAULT_TEAM, ServiceConfig, TeamSpec, build_service
from core.storage.queue_records import QueueFilter
from core.storage.repository import Repository
from core.storage.tables import tickets
from tests.support import Harness, person

ALICE = person("alice")
BOB = person("bob", agent=True)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# More open tickets than the 500 newest the lists used to read.
NEWER = 600


async def _open_newer(h: Harness, *, platform: str, team: str | None) -> None:
    """NEWER open tickets of Alice's after hers, written in one statement."""
    async with h.db.transaction() as conn:
        requester = await Repository(conn, "en").upsert_person(ALICE, NOW)
        await conn.execute(
            insert(tickets),
            [_row(requester.id, platform, team, f"newer {i}") for i in range(NEWER)],
        )


def _row(requester_id: int, platform: str, team: str | None, subject: str) -> dict[str, Any]:
    return {
        "platform": platform,
        "requester_id": requester_id,
        "subject": subject,
        "text": subject,
        "category": "other",
        "priority": "normal",
        "state": TicketState.OPEN.value,
        "created_at": NOW,
        "updated_at": NOW,
        "team": team,
        "sla_paused_seconds": 0,
    }


def _home(h: Harness) -> AgentHome:
    (home,) = [e.payload for e in h.take() if isinstance(e.payload, AgentHome)]
    return home


async def test_the_longest_waiting_ticket_heads_the_overview_behind_600_newer(
    harness: Harness,
) -> None:
    await harness.do(c.OpenTicket(actor=ALICE, text="vpn drops"))
    await _open_newer(harness, platform="test", team="facilities")
    harness.take()

    await harness.do(c.ShowAgentHome(actor=BOB))  # an agent of every team
    home = _home(harness)
    assert [item.ticket.number for item in home.unclaimed] == list(range(1, 41))
    assert home.more_unclaimed == NEWER + 1 - 40

    # The default team's agent: only the first ticket is theirs, the newer are facilities'.
    await harness.do(c.ShowAgentHome(actor=replace(BOB, teams=(DEFAULT_TEAM,))))
    home = _home(harness)
    assert [item.ticket.number for item in home.unclaimed] == [1]
    assert home.more_unclaimed == 0

    await harness.do(c.ShowAgentHome(actor=replace(BOB, teams=("facilities",))))
    home = _home(harness)
    assert [item.ticket.number for item in home.unclaimed] == list(range(2, 42))
    assert home.more_unclaimed == NEWER - 40


async def test_the_queue_finds_its_platforms_ticket_behind_600_of_another(
    harness: Harness,
) -> None:
    await harness.do(c.OpenTicket(actor=ALICE, text="printer jams"))
    await _open_newer(harness, platform="web", team=None)
    harness.take()

    await harness.do(c.ShowQueue(actor=BOB))
    (listed,) = [e.payload for e in harness.take() if isinstance(e.payload, TicketList)]
    assert [view.number for view in listed.tickets] == [1]


# Teams with places on both messengers, on Slack alone, on none; a team no longer in the
# file, an empty and an unset team; tickets from both messengers and two other surfaces.
SERVICE = ServiceConfig(
    teams={
        "it": TeamSpec(slack_channel="C-it", telegram_chat=-100, default=True),
        "hr": TeamSpec(slack_channel="C-hr"),
        "facilities": TeamSpec(),
    }
)
TEAMS = ("it", "hr", "facilities", "gone", "", None)
PLATFORMS = ("slack", "telegram", "console", "web")


async def _every_kind(h: Harness) -> list[tuple[int, str | None, str]]:
    """One open ticket of each team and platform, and a claimed one to be left out."""
    kinds = list(product(TEAMS, PLATFORMS))
    async with h.db.transaction() as conn:
        requester = await Repository(conn, "en").upsert_person(ALICE, NOW)
        rows = [_row(requester.id, p, team, f"{team}/{p}") for team, p in kinds]
        claimed = _row(requester.id, "slack", "it", "claimed") | {"state": "claimed"}
        await conn.execute(insert(tickets), [*rows, claimed])
    return [(number, team, p) for number, (team, p) in enumerate(kinds, start=1)]


async def _listed(h: Harness, where: QueueFilter) -> list[int]:
    async with h.db.transaction() as conn:
        page = await Repository(conn, "en").open_queue(where, limit=1000, oldest_first=True)
    assert page.total == len(page.tickets)
    return [ticket.number for ticket in page.tickets]


async def test_the_queue_of_a_platform_is_what_the_routing_rule_puts_there(
    harness: Harness,
) -> None:
    made = await _every_kind(harness)
    for runs in (None, frozenset({"slack"}), frozenset({"telegram"})):
        service = build_service(SERVICE, first_response=NOW - NOW, platforms=runs)
        for agents_on in PLATFORMS:
            expected = [
                number
                for number, team, opened_on in made
                if any(p == agents_on for p, _ in service.ticket_places(team, opened_on))
            ]
            listed = await _listed(harness, queues.on_platform(service, agents_on))
            assert listed == expected, (runs, agents_on)
    # Sanity of the rule itself: Telegram sees HR's Telegram tickets only while Slack is off.
    service = build_service(SERVICE, first_response=NOW - NOW, platforms=frozenset({"telegram"}))
    hr_on_telegram = next(n for n, team, p in made if (team, p) == ("hr", "telegram"))
    assert hr_on_telegram in await _listed(harness, queues.on_platform(service, "telegram"))


async def test_the_overview_of_some_teams_is_their_tickets_the_unset_ones_the_defaults(
    harness: Harness,
) -> None:
    made = await _every_kind(harness)
    service = build_service(SERVICE, first_response=NOW - NOW)
    for teams in (None, ("it",), ("hr", "facilities"), ("gone",), ()):
        expected = [
            number
            for number, team, _ in made
            if teams is None or (team or service.default_team) in teams
        ]
        assert await _listed(harness, queues.of_teams(service, teams)) == expected, teams
