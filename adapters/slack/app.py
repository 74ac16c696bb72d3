"""Bolt listeners: every Slack update becomes one command for the desk.

The app is built with `process_before_response=True`, so each listener stores
the update (the intake commits it to the inbox) before Slack gets its ack; the
desk applies it right after, and the Web API work happens in the outbox. Duplicate
deliveries (Slack retries, a second Socket Mode envelope) carry the same event id or
trigger id and have no effect.

Nothing before an ack waits on the Web API: people and agents come from the
directories' memory. An update that needs a look-up first (🎫 and the message
shortcut read the message; an event from someone nobody has seen yet) is recorded
as pending instead and acknowledged; deferred.py looks it up after the ack and hands
it on under the same update id (an event is replayed through the app once its people
are known).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.common.assignee import with_checked_assignee
from adapters.common.refusal import Refusal
from adapters.common.triage import PendingTriage
from adapters.slack import codecs, inbound
from adapters.slack.codecs import (
    ACTION_PATTERN,
    MODAL_CALLBACK,
    PLATFORM,
    REACTION_TICKET,
    SHORTCUT_CREATE_TICKET,
    ReplyPlace,
    message_ref,
)
from adapters.slack.deferred import Deferred, TryLater
from adapters.slack.directory import TeamDirectory, UserDirectory
from adapters.slack.errors import error_code
from adapters.slack.home_app import register_home
from adapters.slack.markup import mentioned_users
from adapters.slack.people import actor_of
from adapters.slack.render import refusal_text
from adapters.slack.sender import KIND_DM_THREAD, KIND_TRIAGE, card_kind
from adapters.slack.slash import OpenModal, slash_command
from adapters.slack.sources import KIND_SOURCE, SourceRef, SourceTickets
from adapters.slack.views import modal_view
from core import commands as c
from core.domain import CATEGORIES, Actor, normalize_lang
from core.events import Event
from core.i18n import t
from core.inbox import Intake
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[None]]
KIND_UPDATE = "update"  # a pending look-up: an event replayed once its people are known
# Set while an event is replayed after its look-up: it is not deferred again.
_REPLAYING: ContextVar[bool] = ContextVar("slack_replaying", default=False)


@dataclass
class SlackDeps:
    intake: Intake
    client: AsyncWebClient
    refs: RefStore
    users: UserDirectory
    agents: TeamDirectory
    agents_channel: str
    deferred: Deferred
    # Queue events once per key (Desk.post_once): telling a person what the desk never saw.
    tell: Callable[[str, list[Event]], Awaitable[bool]]
    default_lang: str = "en"
    areas: tuple[str, ...] = CATEGORIES  # the triage form's categories: the teams'

    async def pending_triage(self, user_id: str) -> PendingTriage | None:
        return PendingTriage.decode(await self.refs.get(KIND_TRIAGE, user_id))


class Listeners:
    """The I/O glue between bolt and the desk; the rules live in inbound and the core.

    Who acted and where comes from bolt's context (it reads the same ids out of
    every payload type); only what is particular to one payload is read from it.
    """

    def __init__(self, deps: SlackDeps) -> None:
        self.d = deps
        self.sources = SourceTickets(
            deps.client, deps.users, self.actor, self.submit, deps.tell, deps.default_lang
        )

    async def submit(self, command: c.Command | None, update_id: str) -> None:
        if command is None or not update_id:
            return
        command = await with_checked_assignee(command, self.d.agents.is_agent)
        await self.d.intake.submit(command, c.InboundKey(PLATFORM, update_id))

    async def actor(
        self, user_id: str, *, in_agents_channel: bool = False, name: str | None = None
    ) -> Actor:
        """Who acts: an agent of the teams whose channel they are a member of. Someone not
        known yet goes by `name` (what the payload calls them) while they are looked up."""
        info = await self.d.users.get(user_id, name)
        teams = await self.d.agents.teams_of(user_id)
        return replace(
            actor_of(info, is_agent=in_agents_channel or bool(teams)), teams=teams or None
        )

    async def deferred(
        self, body: dict[str, Any], person: str, mentioned: list[str], bot: str | None = None
    ) -> bool:
        """Record the event to replay it after the ack when someone in it is not known
        yet (or an earlier update of the person still waits): True when recorded."""
        if _REPLAYING.get():
            return False
        mentioned = [user for user in mentioned if user != bot]  # the bot needs no name
        unknown = self.d.users.missing([person, *mentioned])
        if not unknown and self.d.agents.loaded and not self.d.deferred.waiting_for(person):
            return False
        payload = {"body": body, "people": [person, *mentioned]}
        await self.d.deferred.defer(str(body.get("event_id", "")), KIND_UPDATE, person, payload)
        return True

    async def defer_source(self, ref: SourceRef) -> None:
        await self.d.deferred.defer(ref.update_id, KIND_SOURCE, ref.user, ref.payload())

    def in_agents(self, channel: str) -> bool:
        return self.d.agents.is_agents_channel(channel) or channel == self.d.agents_channel

    async def ticket_of_card(self, ts: str | None, channel: str) -> int | None:
        if not ts:
            return None
        key = await self.d.refs.find_key(card_kind(channel, self.d.agents_channel), ts)
        return int(key) if key is not None and key.isdigit() else None

    async def ticket_of_dm_thread(self, channel: str, thread_ts: str | None) -> int | None:
        """The ticket whose thread in the DM this is (under its "Ticket #N opened")."""
        if not thread_ts:
            return None
        key = await self.d.refs.find_key(KIND_DM_THREAD, message_ref(channel, thread_ts))
        return int(key) if key is not None and key.isdigit() else None

    # Events API

    async def on_message(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        facts = inbound.message_facts(event)
        if facts.kind == "ignore" or not facts.user:
            return
        if facts.channel_type != "im" and not self.in_agents(facts.channel):
            return  # other channels reach us as app_mention or reactions
        if await self.deferred(body, facts.user, mentioned_users(facts.text), context.bot_user_id):
            return
        facts = inbound.meant(facts, await self.d.users.names(mentioned_users(facts.text)))
        if facts.channel_type == "im":
            if facts.kind == "new":
                await self.forget_triage(facts.user)
            actor = await self.actor(facts.user)
            ticket = await self.ticket_of_dm_thread(facts.channel, facts.thread_ts)
            command = inbound.dm_command(facts, actor, ticket)
            await self.submit(command, body.get("event_id", ""))
            return
        number = await self.ticket_of_card(facts.thread_ts, facts.channel)
        if number is None:
            return  # chatter in the agents' channel outside a card's thread
        actor = await self.actor(facts.user, in_agents_channel=True)
        place = ReplyPlace(channel=facts.channel, thread_ts=facts.thread_ts, ephemeral=True)
        command = inbound.thread_command(facts, actor, number, place)
        await self.submit(command, body.get("event_id", ""))

    async def on_mention(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        channel = context.channel_id or ""
        if self.in_agents(channel) and context.thread_ts:
            return  # in a card's thread the message listener relays it
        text = str(event.get("text", ""))
        if not context.user_id or event.get("bot_id"):
            return
        if await self.deferred(body, context.user_id, mentioned_users(text), context.bot_user_id):
            return
        names = await self.d.users.names(mentioned_users(text))
        question = inbound.mention_question(text, context.bot_user_id, names)
        actor = await self.actor(context.user_id)
        place = ReplyPlace(channel=channel, thread_ts=context.thread_ts or str(event.get("ts", "")))
        command: c.Command = (
            c.AskQuestion(actor=actor, text=question, reply_context=place.encode())
            if question
            # only the bot's name: the short help, in the thread
            else c.ShowHelp(actor=actor, reply_context=place.encode())
        )
        await self.submit(command, body.get("event_id", ""))

    async def on_reaction(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        item = event.get("item") or {}
        user = context.user_id
        if item.get("type") != "message" or not user:
            return
        channel, ts = context.channel_id or "", str(item.get("ts", ""))
        reaction = inbound.reaction_name(str(event.get("reaction", "")))
        if self.in_agents(channel):
            number = await self.ticket_of_card(ts, channel)
            if number is not None:
                if await self.deferred(body, user, []):
                    return
                actor = await self.actor(user, in_agents_channel=True)
                place = ReplyPlace(channel=channel, ephemeral=True)
                command = inbound.card_reaction_command(reaction, actor, number, place)
                await self.submit(command, body.get("event_id", ""))
                return
        if reaction == REACTION_TICKET:
            # the message's text and link are read after the ack (sources.py)
            update_id = str(body.get("event_id", ""))
            await self.defer_source(SourceRef(update_id, user, channel, ts))

    # slash command, shortcut, modal, buttons

    async def on_command(self, ack: Ack, body: dict[str, Any], context: AsyncBoltContext) -> None:
        text = str(body.get("text", ""))
        user = context.user_id or ""
        if not text.strip():
            # The modal first: its trigger_id lives 3 s, and nothing else is needed to open it.
            await self.open_modal(ack, str(body.get("trigger_id", "")), self.known_lang(user))
            return
        channel = context.channel_id or ""
        in_agents = self.in_agents(channel)
        name = str(body.get("user_name") or "") or None
        actor = await self.actor(user, in_agents_channel=in_agents, name=name)
        # Answers go where the command was typed when only the user can see them there.
        place = ReplyPlace(channel=channel, ephemeral=True) if in_agents else ReplyPlace()
        names = await self.d.users.names(mentioned_users(text))
        parsed = slash_command(text, actor, place, names)
        lang = actor.locale or self.d.default_lang
        if isinstance(parsed, Refusal):
            await ack(text=refusal_text(lang, parsed))
            return
        if isinstance(parsed, OpenModal):
            await self.open_modal(ack, str(body.get("trigger_id", "")), lang)
            return
        await self.submit(parsed, f"cmd:{body.get('trigger_id', '')}")
        await ack()

    def known_lang(self, user_id: str) -> str:
        """The person's language as far as it is known now, without asking Slack."""
        info = self.d.users.cached(user_id)
        return normalize_lang(info.locale if info else None) or self.d.default_lang

    async def open_modal(self, ack: Ack, trigger_id: str, lang: str) -> None:
        """views.open within the trigger's life; a refusal is told to the person instead."""
        try:
            await self.d.client.views_open(
                trigger_id=trigger_id, view=modal_view(lang, areas=self.d.areas)
            )
        except (SlackApiError, OSError, TimeoutError) as error:
            code = error_code(error) if isinstance(error, SlackApiError) else ""
            log.warning("views.open failed: %s", code or type(error).__name__)
            key = "modal.expired" if code == "expired_trigger_id" else "modal.failed"
            await ack(text=refusal_text(lang, Refusal(key)))
            return
        await ack()

    async def on_shortcut(self, ack: Ack, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """The message shortcut: acknowledged at once, its message's link read after."""
        message = body.get("message") or {}
        if context.user_id and message.get("ts"):
            ref = SourceRef(
                update_id=f"shortcut:{body.get('trigger_id', '')}",
                user=context.user_id,
                channel=context.channel_id or "",
                ts=str(message["ts"]),
                text=str(message.get("text", "")),
            )
            await self.defer_source(ref)
        await ack()

    async def on_modal(
        self, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        problems = inbound.modal_problem(view)
        if problems:
            # https://api.slack.com/surfaces/modals#displaying_errors: shown beside the field
            lang = self.known_lang(context.user_id or "")
            errors = {block: t(lang, key) for block, key in problems.items()}
            await ack(response_action="errors", errors=errors)
            return
        actor = await self.actor(context.user_id or "", name=_name_of(body))
        command = inbound.modal_command(view, actor, self.d.areas)
        update_id = f"view:{view.get('id', '')}:{view.get('hash', '')}"
        await self.submit(command, update_id)
        await ack()

    async def on_action(self, ack: Ack, body: dict[str, Any], context: AsyncBoltContext) -> None:
        user = context.user_id or ""
        channel = context.channel_id or ""
        in_agents = self.in_agents(channel)
        actor = await self.actor(user, in_agents_channel=in_agents, name=_name_of(body))
        agents_channel = channel if in_agents else self.d.agents_channel
        place = inbound.action_place(channel, body.get("container") or {}, agents_channel)
        for action in body.get("actions") or []:
            names = await self.d.users.names(inbound.selected_users(action))
            command = inbound.action_command(action, actor, place, names)
            picked = codecs.parse_action(action)
            if isinstance(picked, codecs.TriageButton):
                command = await self.triage_pick(picked, actor, place)
            update_id = f"action:{action.get('action_ts', '')}:{user}:{action.get('action_id')}"
            await self.submit(command, update_id)
        await ack()

    async def forget_triage(self, user_id: str) -> None:
        """A message instead of a pick ends the questions about an open ticket: their
        buttons do nothing now. (The triage before a ticket keeps its answers.)"""
        pending = await self.d.pending_triage(user_id)
        if pending is not None and pending.ticket is not None:
            await self.d.refs.delete(KIND_TRIAGE, user_id)

    async def triage_pick(
        self, picked: codecs.TriageButton, actor: Actor, place: ReplyPlace
    ) -> c.Command | None:
        """A triage button: the desk's next step with the answers waiting in the refs (a
        stale menu's button, of a step no longer asked, does nothing)."""
        pending = await self.d.pending_triage(actor.user_id)
        if pending is None or (pending.step, pending.ticket) != (picked.step, picked.ticket):
            return None
        return pending.pick(actor, place.encode(), picked.index)


def _name_of(body: dict[str, Any]) -> str | None:
    """The name an interaction payload gives its user (`user.name`, `user.username`)."""
    user = body.get("user") or {}
    return str(user.get("name") or user.get("username") or "") or None


async def _ignore() -> None:
    """Subscribed events we do not act on still need a 200, or Slack retries them."""


def register(app: AsyncApp, deps: SlackDeps) -> Listeners:
    """Attach every listener of the help desk to `app`."""
    listeners = Listeners(deps)

    async def replay(payload: dict[str, Any], last: bool) -> None:
        """An event whose people were not known: looked up, then handled as if just sent."""
        await deps.users.look_up([str(p) for p in payload.get("people") or []])
        if not deps.agents.loaded:
            await deps.agents.warm()
        token = _REPLAYING.set(True)
        try:
            request = AsyncBoltRequest(body=payload["body"], mode="socket_mode")
            response = await app.async_dispatch(request)
        finally:
            _REPLAYING.reset(token)
        if response.status >= 500:
            raise TryLater(f"replayed event answered {response.status}")

    deps.deferred.handle(KIND_UPDATE, replay)
    deps.deferred.handle(KIND_SOURCE, listeners.sources.open)
    app.event("message")(listeners.on_message)
    app.event("app_mention")(listeners.on_mention)
    app.event("reaction_added")(listeners.on_reaction)
    app.event("reaction_removed")(_ignore)
    register_home(app, listeners, deps.client)
    app.command("/ticket")(listeners.on_command)
    app.shortcut(SHORTCUT_CREATE_TICKET)(listeners.on_shortcut)
    app.view(MODAL_CALLBACK)(listeners.on_modal)
    app.action(ACTION_PATTERN)(listeners.on_action)
    return listeners
