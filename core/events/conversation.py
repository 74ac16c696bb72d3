"""The conversation about a ticket: relayed messages, their edits and withdrawals, and
messages held until their author picks a ticket."""

from __future__ import annotations

from typing import Literal

from core.events.frozen import Frozen
from core.events.tickets import TicketView


class Relay(Frozen):
    """A message of the conversation carried to the other side."""

    kind: Literal["relay"] = "relay"
    ticket_number: int
    message_id: int
    author_name: str
    author_role: Literal["requester", "agent"]
    text: str
    attachments: tuple[str, ...] = ()
    # The platform the attachments were shared on; another platform's sender reads them
    # from there (core.files). None in rows written before files crossed platforms: they
    # came from the platform the relay is delivered on.
    source_platform: str | None = None
    # Set on the copy an agents' place of another platform gets of an agent's message:
    # the platform it was written on (adapters keep these copies apart from the requester's).
    mirrored_from: str | None = None
    internal: bool = False  # a note: only ever shown to agents


class RelayEdited(Frozen):
    """The author changed or removed a relayed message: update its copy."""

    kind: Literal["relay_edited"] = "relay_edited"
    ticket_number: int
    message_id: int
    author_name: str
    author_role: Literal["requester", "agent"]
    text: str
    deleted: bool = False
    mirrored_from: str | None = None  # as on Relay: the copy in another platform's place
    internal: bool = False


class RelayRetracted(Frozen):
    """A relayed message became internal: its copy is withdrawn (deleted, or where the
    platform cannot delete it, replaced by a neutral placeholder); its text is never shown."""

    kind: Literal["relay_retracted"] = "relay_retracted"
    ticket_number: int
    message_id: int
    author_name: str
    author_role: Literal["requester", "agent"]


class WhichTicket(Frozen):
    """A message held until its author says which of their open tickets it is for."""

    kind: Literal["which_ticket"] = "which_ticket"
    held_id: int
    text: str
    tickets: tuple[TicketView, ...]
