"""Lists and settings: the requester's tickets, the queue, an agent's own, language, help."""

from __future__ import annotations

from core import commands as c
from core import errors
from core.desk import queues
from core.desk.checks import require_agent
from core.desk.scope import CommandScope
from core.domain import SUPPORTED_LANGUAGES, TicketState, normalize_lang
from core.events import Notice, TicketList


async def status(scope: CommandScope, cmd: c.ShowStatus) -> None:
    # A person's tickets from every platform they linked.
    tickets = await scope.repo.list_tickets(requester_person=scope.actor.canonical_id, limit=10)
    scope.to_actor(
        TicketList(title_key="list.status", tickets=tuple(scope.view(t) for t in tickets))
    )


QUEUE_SHOWN = 25


async def queue(scope: CommandScope, cmd: c.ShowQueue) -> None:
    """The newest open tickets whose cards are on the agent's platform (from any
    requester's)."""
    require_agent(scope)
    page = await scope.repo.open_queue(
        queues.on_platform(scope.service, scope.actor.platform),
        limit=QUEUE_SHOWN,
        oldest_first=False,
    )
    scope.to_actor(
        TicketList(
            title_key="list.queue",
            tickets=tuple(scope.view(t) for t in page.tickets),
            as_of=scope.now,
        )
    )


async def mine(scope: CommandScope, cmd: c.ShowMine) -> None:
    require_agent(scope)
    tickets = await scope.repo.list_tickets(
        assignee_id=scope.actor.id, states=(TicketState.CLAIMED, TicketState.WAITING), limit=25
    )
    scope.to_actor(
        TicketList(
            title_key="list.mine",
            tickets=tuple(scope.view(t) for t in tickets),
            as_of=scope.now,
        )
    )


async def set_language(scope: CommandScope, cmd: c.SetLanguage) -> None:
    lang = normalize_lang(cmd.lang)
    if lang is None or cmd.lang.strip().lower() != lang:
        raise errors.UnknownLanguage(
            value=cmd.lang.strip()[:16], supported=", ".join(SUPPORTED_LANGUAGES)
        )
    await scope.repo.set_language(scope.actor.id, lang, scope.now)  # on every linked platform
    scope.to_actor(Notice(key="lang.changed"), lang)


async def show_help(scope: CommandScope, cmd: c.ShowHelp) -> None:
    role = "agent" if scope.actor.is_agent else "requester"
    scope.to_actor(Notice(key=f"help.{scope.actor.platform}.{role}"))
