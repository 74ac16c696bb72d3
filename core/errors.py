"""Typed refusals of the desk. Each names a catalog key so adapters can say it clearly."""

from __future__ import annotations


class DeskError(Exception):
    """A request the desk refuses; nothing was changed."""

    key: str = "error.generic"

    def __init__(self, **params: str | int) -> None:
        super().__init__(f"{self.key} {params}")
        self.params: dict[str, str | int] = dict(params)


class UnknownTicket(DeskError):
    key = "error.unknown_ticket"


class NotAllowed(DeskError):
    """The actor may not do this (not an agent, or not their ticket)."""

    key = "error.agents_only"


class InvalidTransition(DeskError):
    key = "error.invalid_transition"


class AlreadyClaimed(DeskError):
    key = "error.already_claimed"


class NotAnAgent(DeskError):
    """A ticket may be assigned only to an agent: anyone else could do nothing with it."""

    key = "error.not_an_agent"


class UnknownCategory(DeskError):
    key = "error.unknown_category"


class EmptyText(DeskError):
    key = "error.empty_text"


class BadInput(DeskError):
    key = "error.bad_input"


class UnknownLanguage(DeskError):
    key = "error.unknown_language"


class BadRating(DeskError):
    key = "error.bad_rating"


class UnknownQuery(DeskError):
    key = "error.unknown_query"


class UnknownFaqEntry(DeskError):
    key = "error.unknown_faq_entry"


class LinkCodeUsed(DeskError):
    key = "error.link.used"


class LinkCodeExpired(DeskError):
    key = "error.link.expired"


class TooManyLinkAttempts(DeskError):
    key = "error.link.too_many"


class NotLinked(DeskError):
    key = "error.link.not_linked"


class OtherTeam(DeskError):
    """Only the agents of a ticket's team may take it."""

    key = "error.other_team"


class OtherTeamChange(OtherTeam):
    """Only the agents of a ticket's team may change how it is classified."""

    key = "error.other_team_change"


class UnknownTeam(DeskError):
    key = "error.unknown_team"


class AlreadyAnswered(DeskError):
    """The person already said whether that FAQ reply helped."""

    key = "error.already_answered"


class AlreadyEscalated(DeskError):
    """That question already became a ticket."""

    key = "error.already_escalated"


class NotActive(DeskError):
    """A message for a ticket that is no longer open."""

    key = "error.ticket_closed"


class HeldMessageGone(DeskError):
    """A held message was already placed (the other button of the same question)."""

    key = "error.held_gone"
