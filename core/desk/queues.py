"""Which open tickets an agent's lists show, as a filter the database applies."""

from __future__ import annotations

from collections.abc import Iterable

from core.service.config import MESSENGERS, ServiceDesk
from core.storage.queue_records import QueueClause, QueueFilter


def on_platform(service: ServiceDesk, platform: str) -> QueueFilter:
    """Open tickets whose cards are on `platform` (`service.ticket_places`), from any
    requester's platform: each team's tickets where its places put them."""
    clauses: list[QueueClause] = []
    if platform not in MESSENGERS:  # a ticket of another surface stays where it was opened
        clauses.append(QueueClause(platforms=frozenset({platform})))
    shown_from: dict[frozenset[str], set[str]] = {}
    for team in service.teams:
        opened_on = frozenset(
            messenger
            for messenger in MESSENGERS
            if any(p == platform for p, _ in service.ticket_places(team, messenger))
        )
        if opened_on:
            shown_from.setdefault(opened_on, set()).add(team)
    clauses += [
        QueueClause(teams=frozenset(teams), platforms=opened_on)
        for opened_on, teams in shown_from.items()
    ]
    # An unknown team's tickets go where the default team's do, as ticket_places sends them.
    return QueueFilter(tuple(clauses), service.default_team, known_teams=frozenset(service.teams))


def of_teams(service: ServiceDesk, teams: Iterable[str] | None) -> QueueFilter:
    """Open tickets of `teams` (None: every team), a ticket without one the default team's."""
    clause = QueueClause() if teams is None else QueueClause(teams=frozenset(teams))
    return QueueFilter((clause,), service.default_team)
