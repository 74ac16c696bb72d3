"""The handler table: which rule applies each command type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any

from core import commands as c
from core import errors
from core.desk import (
    agent_home,
    conversation,
    details,
    lists,
    people,
    questions,
    service,
    tickets,
)
from core.desk.scope import CommandScope
from core.events import Notice

# Each handler takes the scope and the command of its own type (hence Any here).
Handler = Callable[[CommandScope, Any], Awaitable[None]]
# What the desk runs in a scope: the dispatch to a handler, or a refusal's answer.
Rule = Callable[[CommandScope], Awaitable[None]]

HANDLERS: Mapping[type[c.Command], Handler] = MappingProxyType(
    {
        c.SendText: questions.send_text,
        c.AskQuestion: questions.ask,
        c.FaqFeedback: questions.faq_feedback,
        c.ChooseSuggestion: questions.choose_suggestion,
        c.AddToTicket: questions.add_to_ticket,
        c.PlaceHeld: questions.place_held,
        c.OpenTicket: details.open_and_ask,
        c.Claim: tickets.claim,
        c.Assign: tickets.assign,
        c.Reply: conversation.reply,
        c.Note: conversation.note,
        c.Resolve: tickets.resolve,
        c.Reopen: tickets.reopen,
        c.Cancel: tickets.cancel,
        c.Rate: tickets.rate,
        c.SetPriority: tickets.set_priority,
        c.Classify: service.classify,
        c.WaitForRequester: service.wait_for_requester,
        c.Triage: service.triage,
        c.TriageAnswer: details.answer,
        c.EditMessage: conversation.edit_message,
        c.ShowStatus: lists.status,
        c.ShowQueue: lists.queue,
        c.ShowMine: lists.mine,
        c.SetLanguage: lists.set_language,
        c.ShowHelp: lists.show_help,
        c.Link: people.link,
        c.Unlink: people.unlink,
        c.ShowPerson: people.show_person,
        c.ShowAgentHome: agent_home.show,
    }
)


async def dispatch(scope: CommandScope) -> None:
    """Apply the scope's command with the rule its type names."""
    handler = HANDLERS.get(type(scope.cmd))
    if handler is None:
        raise errors.BadInput(detail=type(scope.cmd).__name__)
    await handler(scope, scope.cmd)


def refusal(refused: errors.DeskError) -> Rule:
    """A rule that only answers the actor with the refusal's notice."""

    notice = Notice(key=refused.key, params=refused.params, error=True)

    async def refuse(scope: CommandScope) -> None:
        scope.to_actor(notice)

    return refuse
