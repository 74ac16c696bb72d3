"""An agent's overview (Slack's App Home): the unclaimed tickets of their teams, the ones
they have, each with its requester in one line, and their own tickets as a requester."""

from __future__ import annotations

from core import commands as c
from core.desk import queues
from core.desk.checks import require_agent
from core.desk.scope import CommandScope
from core.domain import Person, Ticket, TicketState
from core.events import AgentHome, HomeTicket, RequesterSummary, TicketView
from core.people import requester_summary

UNCLAIMED_SHOWN = 40
MINE_SHOWN = 25
OWN_SHOWN = 10


async def show(scope: CommandScope, cmd: c.ShowAgentHome) -> None:
    require_agent(scope)
    teams = scope.cmd.actor.teams  # None: every team (one agents' place)
    unclaimed = await scope.repo.open_queue(
        queues.of_teams(scope.service, teams), limit=UNCLAIMED_SHOWN, oldest_first=True
    )  # longest waiting first
    mine = await scope.repo.list_tickets(
        assignee_id=scope.actor.id,
        states=(TicketState.CLAIMED, TicketState.WAITING),
        limit=MINE_SHOWN,
    )
    own = await scope.repo.list_tickets(requester_person=scope.actor.canonical_id, limit=OWN_SHOWN)
    summaries: dict[int, RequesterSummary] = {}

    async def listed(tickets: list[Ticket]) -> tuple[HomeTicket, ...]:
        return tuple(
            [
                HomeTicket(ticket=scope.view(t), requester=await summary(t.requester))
                for t in tickets
            ]
        )

    async def summary(person: Person) -> RequesterSummary:
        if person.canonical_id not in summaries:
            summaries[person.canonical_id] = await requester_summary(scope.repo, person)
        return summaries[person.canonical_id]

    scope.to_actor(
        AgentHome(
            unclaimed=await listed(unclaimed.tickets),
            more_unclaimed=unclaimed.total - len(unclaimed.tickets),
            mine=await listed(mine),
            own=tuple(TicketView.of(t) for t in own),  # as the requester sees them: no SLA
            as_of=scope.now,
        )
    )
