"""Bolt listeners: every Slack update becomes one command for the desk.

The app is built with `process_before_response=True`, so each listener stores
the update (the intake commits it to the inbox) before Slack gets its ack; the
desk applies it right after, and the Web API work happens in the outbox. Duplicate deliveries (Slack retries, a second
Socket Mode envelope) carry the same event id or trigger id and have no effect.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate as tr
from adapters.slack.directory import AgentDirectory, UserDirectory
from adapters.slack.sender import KIND_CARD
from core import commands as c
from core.desk import InboundKey
from core.inbox import Intake
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[None]]
# Slack waits 3 s for an ack; look-ups made before storing an update get this much.
LOOKUP_TIMEOUT = 1.5


@dataclass
class SlackDeps:
    intake: Intake
    client: AsyncWebClient
    refs: RefStore
    users: UserDirectory
    agents: AgentDirectory
    agents_channel: str
    default_lang: str = "en"


class Listeners:
    """The I/O glue between bolt and the desk; the rules live in translate and the core."""

    def __init__(self, deps: SlackDeps) -> None:
        self.d = deps

    async def submit(self, command: c.Command | None, update_id: str) -> None:
        if command is None or not update_id:
            return
        await self.d.intake.submit(command, InboundKey(tr.PLATFORM, update_id))

    async def actor(self, user_id: str, *, in_agents_channel: bool = False) -> Any:
        info = await self.d.users.get(user_id)
        is_agent = in_agents_channel or await self.d.agents.is_agent(user_id)
        return tr.actor_of(info, is_agent=is_agent)

    async def ticket_of_card(self, ts: str | None) -> int | None:
        if not ts:
            return None
        key = await self.d.refs.find_key(KIND_CARD, ts)
        return int(key) if key is not None and key.isdigit() else None

    # Events API

    async def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        facts = tr.message_facts(event)
        if facts.kind == "ignore" or not facts.user:
            return
        if facts.channel_type == "im":
            actor = await self.actor(facts.user)
            await self.submit(tr.dm_command(facts, actor), body.get("event_id", ""))
            return
        if facts.channel != self.d.agents_channel:
            return  # other channels reach us as app_mention or reactions
        number = await self.ticket_of_card(facts.thread_ts)
        if number is None:
            return  # chatter in the agents' channel outside a card's thread
        actor = await self.actor(facts.user, in_agents_channel=True)
        place = tr.ReplyPlace(channel=facts.channel, thread_ts=facts.thread_ts, ephemeral=True)
        await self.submit(tr.thread_command(facts, actor, number, place), body.get("event_id", ""))

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        channel = str(event.get("channel", ""))
        if channel == self.d.agents_channel and event.get("thread_ts"):
            return  # in a card's thread the message listener relays it
        user = event.get("user")
        question = tr.mention_question(str(event.get("text", "")))
        if not user or not question or event.get("bot_id"):
            return
        actor = await self.actor(str(user))
        thread = str(event.get("thread_ts") or event.get("ts", ""))
        place = tr.ReplyPlace(channel=channel, thread_ts=thread)
        command = c.AskQuestion(actor=actor, text=question, reply_context=place.encode())
        await self.submit(command, body.get("event_id", ""))

    async def on_reaction(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message" or not event.get("user"):
            return
        channel, ts = str(item.get("channel", "")), str(item.get("ts", ""))
        reaction = str(event.get("reaction", "")).split("::")[0]
        user = str(event["user"])
        if channel == self.d.agents_channel:
            number = await self.ticket_of_card(ts)
            if number is not None:
                actor = await self.actor(user, in_agents_channel=True)
                place = tr.ReplyPlace(channel=channel, ephemeral=True)
                command = tr.card_reaction_command(reaction, actor, number, place)
                await self.submit(command, body.get("event_id", ""))
                return
        if reaction == tr.REACTION_TICKET:
            actor = await self.actor(user)
            text, link = await self.source_message(channel, ts)
            command = c.OpenTicket(
                actor=actor, text=tr.source_ticket_text(text, link), source_link=link
            )
            await self.submit(command, body.get("event_id", ""))

    async def source_message(self, channel: str, ts: str) -> tuple[str, str | None]:
        """The text and permalink of a message a ticket is opened from (best effort, bounded)."""
        text, link = "", None
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT):
                found = await self.d.client.conversations_history(
                    channel=channel, latest=ts, inclusive=True, limit=1
                )
                messages = [m for m in found.get("messages") or [] if m.get("ts") == ts]
                if not messages:  # a reply inside a thread
                    found = await self.d.client.conversations_replies(
                        channel=channel, ts=ts, limit=1
                    )
                    messages = [m for m in found.get("messages") or [] if m.get("ts") == ts]
                text = str(messages[0].get("text", "")) if messages else ""
                permalink = await self.d.client.chat_getPermalink(channel=channel, message_ts=ts)
                link = permalink.get("permalink")
        except (SlackApiError, OSError, TimeoutError) as error:
            log.warning("could not read message %s in %s: %s", ts, channel, error)
        return text, link

    async def on_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        actor = await self.actor(str(event["user"]))
        place = tr.ReplyPlace(home=True)
        await self.submit(
            c.ShowStatus(actor=actor, reply_context=place.encode()), body.get("event_id", "")
        )

    # slash command, shortcut, modal, buttons

    async def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        text = str(body.get("text", ""))
        channel = str(body.get("channel_id", ""))
        user = str(body.get("user_id", ""))
        in_agents = channel == self.d.agents_channel
        actor = await self.actor(user, in_agents_channel=in_agents)
        # Answers go where the command was typed when only the user can see them there.
        place = tr.ReplyPlace(channel=channel, ephemeral=True) if in_agents else tr.ReplyPlace()
        names = await self.d.users.names(tr.mentioned_users(text))
        parsed = tr.slash_command(text, actor, place, names)
        lang = actor.locale or self.d.default_lang
        if isinstance(parsed, tr.Refusal):
            await ack(text=tr.refusal_text(lang, parsed))
            return
        if isinstance(parsed, tr.OpenModal):
            await ack()
            await self.d.client.views_open(trigger_id=body["trigger_id"], view=tr.modal_view(lang))
            return
        await self.submit(parsed, f"cmd:{body.get('trigger_id', '')}")
        await ack()

    async def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        user = str((body.get("user") or {}).get("id", ""))
        channel = str((body.get("channel") or {}).get("id", ""))
        message = body.get("message") or {}
        ts = str(message.get("ts", ""))
        actor = await self.actor(user)
        link = None
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT):
                found = await self.d.client.chat_getPermalink(channel=channel, message_ts=ts)
                link = found.get("permalink")
        except (SlackApiError, OSError, TimeoutError) as error:
            log.warning("chat.getPermalink failed: %s", error)
        text = tr.source_ticket_text(str(message.get("text", "")), link)
        command = c.OpenTicket(actor=actor, text=text, source_link=link)
        await self.submit(command, f"shortcut:{body.get('trigger_id', '')}")
        await ack()

    async def on_modal(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = str((body.get("user") or {}).get("id", ""))
        actor = await self.actor(user)
        command = tr.modal_command(view, actor)
        update_id = f"view:{view.get('id', '')}:{view.get('hash', '')}"
        await self.submit(command, update_id)
        await ack()

    async def on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        user = str((body.get("user") or {}).get("id", ""))
        container = body.get("container") or {}
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id", ""))
        in_agents = channel == self.d.agents_channel
        actor = await self.actor(user, in_agents_channel=in_agents)
        if in_agents:
            place = tr.ReplyPlace(channel=channel, ephemeral=True)
        elif channel and not channel.startswith("D"):
            thread = container.get("thread_ts") or container.get("message_ts")
            place = tr.ReplyPlace(channel=channel, thread_ts=thread)
        else:
            place = tr.ReplyPlace()
        for action in body.get("actions") or []:
            selected = [str(action["selected_user"])] if action.get("selected_user") else []
            names = await self.d.users.names(selected)
            command = tr.action_command(action, actor, place, names)
            update_id = f"action:{action.get('action_ts', '')}:{user}:{action.get('action_id')}"
            await self.submit(command, update_id)
        await ack()


async def _ignore() -> None:
    """Subscribed events we do not act on still need a 200, or Slack retries them."""


def register(app: AsyncApp, deps: SlackDeps) -> Listeners:
    """Attach every listener of the help desk to `app`."""
    listeners = Listeners(deps)
    app.event("message")(listeners.on_message)
    app.event("app_mention")(listeners.on_mention)
    app.event("reaction_added")(listeners.on_reaction)
    app.event("reaction_removed")(_ignore)
    app.event("app_home_opened")(listeners.on_home)
    app.command("/ticket")(listeners.on_command)
    app.shortcut(tr.SHORTCUT_CREATE_TICKET)(listeners.on_shortcut)
    app.view(tr.MODAL_CALLBACK)(listeners.on_modal)
    app.action(tr.ACTION_PATTERN)(listeners.on_action)
    return listeners
