"""Open tickets as the agents' queues list them: chosen, ordered, cut and counted by the
database, so a long queue loses none of its oldest tickets to a read window."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true

from core.domain import Ticket, TicketState
from core.storage.records import Records
from core.storage.rows import ticket_from_row, ticket_select
from core.storage.tables import tickets


@dataclass(frozen=True)
class QueueClause:
    """Tickets whose team is one of `teams` and whose platform is one of `platforms`
    (None: any)."""

    teams: frozenset[str] | None = None
    platforms: frozenset[str] | None = None


@dataclass(frozen=True)
class QueueFilter:
    """Open tickets matching any of `clauses`. A ticket's team is its own, or `default_team`
    when it has none; with `known_teams` also when its own is none of them (a team since
    taken out of the configuration)."""

    clauses: tuple[QueueClause, ...]
    default_team: str
    known_teams: frozenset[str] | None = None

    def team_in(self, names: frozenset[str]) -> ColumnElement[bool]:
        team = tickets.c.team
        own = names if self.known_teams is None else names & self.known_teams
        parts: list[ColumnElement[bool]] = [team.in_(sorted(own))] if own else []
        if self.default_team in names:
            parts += [team.is_(None), team == ""]  # as `ticket.team or default` reads it
            if self.known_teams is not None:
                parts.append(team.not_in(sorted(self.known_teams)))
        return or_(false(), *parts)

    def condition(self) -> ColumnElement[bool]:
        matches: list[ColumnElement[bool]] = []
        for clause in self.clauses:
            parts: list[ColumnElement[bool]] = [true()]
            if clause.teams is not None:
                parts.append(self.team_in(clause.teams))
            if clause.platforms is not None:
                parts.append(tickets.c.platform.in_(sorted(clause.platforms)))
            matches.append(and_(*parts))
        return and_(tickets.c.state == TicketState.OPEN.value, or_(false(), *matches))


@dataclass(frozen=True)
class QueuePage:
    tickets: list[Ticket]
    total: int  # every open ticket the filter matches, listed or not


class QueueRecords(Records):
    async def open_queue(self, where: QueueFilter, *, limit: int, oldest_first: bool) -> QueuePage:
        """The first `limit` open tickets `where` matches, by number (oldest or newest
        first), and how many it matches in all."""
        condition = where.condition()
        order = tickets.c.id if oldest_first else tickets.c.id.desc()
        rows = await self.conn.execute(
            ticket_select().where(condition).order_by(order).limit(limit)
        )
        listed = [ticket_from_row(row, self.default_lang) for row in rows.mappings()]
        if len(listed) < limit:
            return QueuePage(listed, len(listed))
        counted = await self.conn.execute(
            select(func.count()).select_from(tickets).where(condition)
        )
        return QueuePage(listed, int(counted.scalar_one()))
