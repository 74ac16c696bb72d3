"""The App Home's listeners: the tab a person opens and the Person button on an agent's tab
(adapters.slack.home draws both and puts the desk's answers there).

An agent (a member of an agents' channel) sees the agents' overview, anyone else their
own tickets. The Person button opens a modal at once, while its trigger_id lives
(https://api.slack.com/interactivity/handling#modal_responses: 3 seconds), and asks the
desk for the profile, which then fills the modal (https://api.slack.com/methods/views.update).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import codecs
from adapters.slack.codecs import ACTION_HOME_PERSON, ReplyPlace
from adapters.slack.errors import error_code
from adapters.slack.home import loading_modal
from core import commands as c
from core.domain import Actor

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[None]]
HOME_PERSON_PATTERN = re.compile(rf"^{ACTION_HOME_PERSON}(:\d+)?$")


class Acting(Protocol):
    """What the home's listeners need of the app's: who acts, their language, the intake."""

    async def actor(self, user_id: str, *, in_agents_channel: bool = False) -> Actor: ...

    def known_lang(self, user_id: str) -> str: ...

    async def submit(self, command: c.Command | None, update_id: str) -> None: ...

    async def deferred(
        self, body: dict[str, Any], person: str, mentioned: list[str], bot: str | None = None
    ) -> bool: ...


class HomeListeners:
    def __init__(self, acting: Acting, client: AsyncWebClient) -> None:
        self.acting = acting
        self.client = client

    async def on_home(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if event.get("tab") != "home" or not context.user_id:
            return
        if await self.acting.deferred(body, context.user_id, []):
            return  # replayed after the ack, once the person is known
        actor = await self.acting.actor(context.user_id)
        place = ReplyPlace(home=True).encode()
        command: c.Command = (
            c.ShowAgentHome(actor=actor, reply_context=place)
            if actor.is_agent
            else c.ShowStatus(actor=actor, reply_context=place)
        )
        await self.acting.submit(command, body.get("event_id", ""))

    async def on_person(self, ack: Ack, body: dict[str, Any], context: AsyncBoltContext) -> None:
        user = context.user_id or ""
        trigger_id = str(body.get("trigger_id", ""))
        for action in body.get("actions") or []:
            picked = codecs.parse_action(action)
            if not isinstance(picked, codecs.HomePersonButton):
                continue
            # The modal first: nothing else may spend the trigger's 3 seconds.
            view_id = await self.open_loading(trigger_id, self.acting.known_lang(user))
            # Without a modal the profile comes as a direct message instead.
            place = ReplyPlace(view=view_id) if view_id else ReplyPlace()
            actor = await self.acting.actor(user)
            command = c.ShowPerson(actor=actor, number=picked.number, reply_context=place.encode())
            update_id = f"action:{action.get('action_ts', '')}:{user}:{action.get('action_id')}"
            await self.acting.submit(command, update_id)
        await ack()

    async def open_loading(self, trigger_id: str, lang: str) -> str | None:
        try:
            opened = await self.client.views_open(trigger_id=trigger_id, view=loading_modal(lang))
        except (SlackApiError, OSError, TimeoutError) as error:
            code = error_code(error) if isinstance(error, SlackApiError) else ""
            log.warning("views.open failed: %s", code or type(error).__name__)
            return None
        view = opened.get("view") or {}
        return str(view.get("id")) if view.get("id") else None


def register_home(app: AsyncApp, acting: Acting, client: AsyncWebClient) -> HomeListeners:
    listeners = HomeListeners(acting, client)
    app.event("app_home_opened")(listeners.on_home)
    app.action(HOME_PERSON_PATTERN)(listeners.on_person)
    return listeners
