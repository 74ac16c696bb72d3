"""The conversation on a ticket: agents' replies and notes, edited or deleted messages."""

from __future__ import annotations

from typing import Literal

from core import commands as c
from core import errors
from core.desk import clocks
from core.desk.checks import (
    bounded,
    own_ticket,
    planned_state,
    require_agent,
    required_text,
    ticket_of,
)
from core.desk.questions import requester_message
from core.desk.scope import CommandScope
from core.desk.tickets import after_claim, require_team
from core.domain import Author, TicketAction, Visibility
from core.events import CardChange, Notice, RelayEdited, RelayRetracted


async def reply(scope: CommandScope, cmd: c.Reply) -> None:
    """An agent's public message, relayed to the requester; an unclaimed ticket is claimed.

    A requester replying on their own ticket (the console's `/reply N TEXT`) writes to
    its agents instead.
    """
    if not scope.actor.is_agent:
        await requester_reply(scope, cmd)
        return
    ticket = await ticket_of(scope, cmd.number)
    text = bounded(cmd.text)
    if not text and not cmd.attachments:
        raise errors.EmptyText()
    to = planned_state(ticket, TicketAction.REPLY)
    if ticket.assignee is None:
        require_team(scope, ticket)
    if to is not ticket.state and await scope.repo.transition(
        ticket.number,
        allowed_from=(ticket.state,),
        to=to,
        now=scope.now,
        assignee_must_be_unset=True,
        assignee_id=scope.actor.id,
        claimed_at=scope.now,
    ):
        # The requester sees who helps before the answer itself.
        await after_claim(scope, ticket.number, CardChange.CLAIMED)
    message_id = await scope.repo.add_message(
        ticket_number=ticket.number,
        author=scope.actor,
        role=Author.AGENT,
        visibility=Visibility.PUBLIC,
        text=text,
        attachments=cmd.attachments,
        platform_message_id=cmd.platform_message_id,
        now=scope.now,
    )
    await scope.repo.mark_first_response(
        ticket.number, scope.now, clocks.paused_until(scope.service, ticket, scope.now)
    )
    scope.to_person(
        ticket.requester, scope.relay(ticket, message_id, "agent", text, cmd.attachments)
    )
    scope.to_other_places(
        ticket, scope.relay(ticket, message_id, "agent", text, cmd.attachments, mirrored=True)
    )


async def requester_reply(scope: CommandScope, cmd: c.Reply) -> None:
    ticket = await own_ticket(scope, cmd.number)
    message = c.SendText(
        actor=cmd.actor,
        text=cmd.text,
        attachments=cmd.attachments,
        platform_message_id=cmd.platform_message_id,
    )
    if not message.text.strip() and not message.attachments:
        raise errors.EmptyText()
    await requester_message(scope, ticket, message, implicit=False)


async def note(scope: CommandScope, cmd: c.Note) -> None:
    """An internal note: recorded on the ticket, never relayed."""
    require_agent(scope)
    ticket = await ticket_of(scope, cmd.number)
    text = required_text(cmd.text)
    message_id = await scope.repo.add_message(
        ticket_number=ticket.number,
        author=scope.actor,
        role=Author.AGENT,
        visibility=Visibility.INTERNAL,
        text=text,
        attachments=(),
        platform_message_id=cmd.platform_message_id,
        now=scope.now,
    )
    scope.to_actor(Notice(key="ticket.note_added", params={"number": ticket.number}))
    scope.to_other_places(
        ticket, scope.relay(ticket, message_id, "agent", text, (), mirrored=True, internal=True)
    )


async def edit_message(scope: CommandScope, cmd: c.EditMessage) -> None:
    """The author changed or removed a message of the conversation.

    A relayed message's copy follows; an agent's reply edited into a note is withdrawn from
    the requester and kept as internal; a note edited stays internal. A deleted message
    stays in the record as deleted, its text gone.
    """
    row = await scope.repo.message_by_platform_id(scope.actor.id, cmd.platform_message_id)
    if row is None or row["deleted_at"] is not None:
        return  # not a message of a ticket (a question), or already deleted
    message_id = int(row["id"])
    ticket = await ticket_of(scope, int(row["ticket_id"]))
    role = Author(row["author_role"])
    internal = row["visibility"] == Visibility.INTERNAL.value
    if cmd.deleted:
        await scope.repo.mark_deleted(message_id, scope.now)
    elif internal or (cmd.as_note and role is Author.AGENT):
        await scope.repo.edit_message(
            message_id, required_text(cmd.text), visibility=Visibility.INTERNAL
        )
    else:
        await scope.repo.edit_message(message_id, required_text(cmd.text))
    retracted = not internal and not cmd.deleted and cmd.as_note and role is Author.AGENT
    action = "message_deleted" if cmd.deleted else "message_edited"
    await scope.repo.audit(
        "message_made_internal" if retracted else action,
        scope.now,
        ticket_number=ticket.number,
        actor_id=scope.actor.id,
        message_id=message_id,
    )
    author_role: Literal["agent", "requester"] = "agent" if role is Author.AGENT else "requester"
    edited = RelayEdited(
        ticket_number=ticket.number,
        message_id=message_id,
        author_name=scope.actor.display_name,
        author_role=author_role,
        text="" if cmd.deleted else cmd.text.strip(),
        deleted=cmd.deleted,
    )
    if role is Author.AGENT:
        # The copy in another platform's agents' place follows (a note's too; a reply made
        # a note there shows the note, marked as such).
        mirrored = {"mirrored_from": scope.actor.platform, "internal": internal or retracted}
        scope.to_other_places(ticket, edited.model_copy(update=mirrored))
    if internal:
        return  # a note has no copy on the requester's side
    if retracted:
        scope.to_person(
            ticket.requester,
            RelayRetracted(
                ticket_number=ticket.number,
                message_id=message_id,
                author_name=scope.actor.display_name,
                author_role=author_role,
            ),
        )
        scope.to_actor(Notice(key="ticket.reply_made_note", params={"number": ticket.number}))
        return
    if role is Author.AGENT:
        scope.to_person(ticket.requester, edited)
    else:
        scope.to_thread(ticket, edited)
