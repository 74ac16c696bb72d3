"""The conversation on a ticket: agents' replies and notes, edited or deleted messages."""

from __future__ import annotations

from core import commands as c
from core import errors
from core.desk.checks import bounded, planned_state, require_agent, required_text, ticket_of
from core.desk.questions import own_ticket, requester_message
from core.desk.scope import CommandScope
from core.desk.tickets import after_claim
from core.domain import Author, TicketAction, Visibility
from core.events import CardChange, Notice, Relay, RelayEdited


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
    await scope.repo.mark_first_response(ticket.number, scope.now)
    scope.to_person(
        ticket.requester,
        Relay(
            ticket_number=ticket.number,
            message_id=message_id,
            author_name=scope.actor.display_name,
            author_role="agent",
            text=text,
            attachments=cmd.attachments,
        ),
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
    await scope.repo.add_message(
        ticket_number=ticket.number,
        author=scope.actor,
        role=Author.AGENT,
        visibility=Visibility.INTERNAL,
        text=text,
        attachments=(),
        platform_message_id=None,
        now=scope.now,
    )
    scope.to_actor(Notice(key="ticket.note_added", params={"number": ticket.number}))


async def edit_message(scope: CommandScope, cmd: c.EditMessage) -> None:
    """The author changed or removed a relayed message: its copy follows."""
    row = await scope.repo.message_by_platform_id(scope.actor.id, cmd.platform_message_id)
    if row is None or row["visibility"] != Visibility.PUBLIC.value:
        return  # not a relayed message (a question, a note): nothing to update
    ticket = await ticket_of(scope, int(row["ticket_id"]))
    text = "" if cmd.deleted else required_text(cmd.text)
    await scope.repo.edit_message(int(row["id"]), text if not cmd.deleted else row["text"])
    await scope.repo.audit(
        "message_deleted" if cmd.deleted else "message_edited",
        scope.now,
        ticket_number=ticket.number,
        actor_id=scope.actor.id,
        message_id=int(row["id"]),
    )
    role = Author(row["author_role"])
    edited = RelayEdited(
        ticket_number=ticket.number,
        message_id=int(row["id"]),
        author_name=scope.actor.display_name,
        author_role="agent" if role is Author.AGENT else "requester",
        text=text,
        deleted=cmd.deleted,
    )
    if role is Author.AGENT:
        scope.to_person(ticket.requester, edited)
    else:
        scope.to_thread(ticket, edited)
