"""The real Slack app (bolt, core, outbox) against the fake Web API, over HTTP or Socket Mode."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bots.http import build_http_app
from bots.settings import Settings
from bots.slack_runtime import SlackRuntime, connect_slack
from bots.wiring import Core
from core.faq.service import FaqService
from tests.fakes.slack_api import BOT_TOKEN, BOT_USER, TEAM, FakeSlackApi, free_port, sign
from tests.support import FakeClock, platform_core

SECRET = "test-signing-secret"
AGENTS = "CAGENTS"
GENERAL = "CGENERAL"
ALICE = "UALICE"  # an employee
BOB = "UBOB"  # an agent
CAROL = "UCAROL"  # an agent
CONNECT_TIMEOUT = 5  # seconds


@dataclass
class Posted:
    status: int
    body: str


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """An Events API delivery: the HTTP body, and the `payload` of a Socket Mode envelope."""
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
        "event_time": int(time.time()),
        "event": {"event_ts": f"{time.time():.6f}", **event},
    }


def command_fields(user: str, text: str, channel: str = GENERAL) -> dict[str, str]:
    """A `/ticket` invocation: the HTTP form, and the `payload` of a Socket Mode envelope.

    `text` is as Slack sends it (FakeSlackApi.typed with `slash`).
    """
    return {
        "token": "legacy",
        "team_id": TEAM,
        "channel_id": channel,
        "user_id": user,
        "user_name": user.lower(),
        "command": "/ticket",
        "text": text,
        "response_url": "https://hooks.slack.invalid/commands/1",
        "trigger_id": f"{uuid.uuid4().int % 10**12}.1.{uuid.uuid4().hex[:8]}",
        "api_app_id": "A0001",
    }


def interaction_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """An interactivity payload: the HTTP form's `payload` JSON, and a Socket Mode `payload`."""
    return {
        "team": {"id": TEAM, "domain": "acme"},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": f"{uuid.uuid4().int % 10**12}.1.{uuid.uuid4().hex[:8]}",
        **payload,
    }


def modal_submission(
    user: str, text: str, category: str | None = None, urgency: str | None = None
) -> dict[str, Any]:
    """The triage modal submitted (`view_submission`).

    Block Kit input values arrive as typed, without the escaping of message text
    (https://api.slack.com/reference/interaction-payloads/views).
    """
    values: dict[str, Any] = {"text": {"value": {"type": "plain_text_input", "value": text}}}
    if category:
        values["category"] = {"value": {"selected_option": {"value": category}}}
    if urgency:
        values["urgency"] = {"value": {"selected_option": {"value": urgency}}}
    view = {"id": "V1", "type": "modal", "hash": "h1", "callback_id": "ticket_modal"}
    return {
        "type": "view_submission",
        "user": {"id": user},
        "view": {**view, "state": {"values": values}},
    }


@dataclass
class SlackHarness:
    api: FakeSlackApi
    core: Core
    clock: FakeClock
    url: str
    session: aiohttp.ClientSession
    runtime: SlackRuntime | None = None

    async def post(
        self, body: str, content_type: str, *, headers: dict[str, str] | None = None
    ) -> Posted:
        all_headers = {"Content-Type": content_type, **sign(SECRET, body), **(headers or {})}
        async with self.session.post(self.url, data=body.encode(), headers=all_headers) as resp:
            return Posted(resp.status, await resp.text())

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> Posted:
        envelope = event_callback(event, event_id)
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(json.dumps(envelope), "application/json", headers=headers)

    def dm_event(
        self, user: str, text: str, files: list[dict[str, Any]] | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A message `user` types in their DM with the bot, as its `message` event;
        with `files` (FakeSlackApi.add_file) the `file_share` event of a shared file."""
        channel = self.api.dms.setdefault(user, f"D{user}")
        ts = self.api.human_message(
            channel, user, text, thread_ts=extra.get("thread_ts"), files=files
        )
        shared = {"subtype": "file_share", "files": files} if files else {}
        return {
            "type": "message",
            "channel": channel,
            "channel_type": "im",
            "user": user,
            "text": self.api.message(channel, ts).text,
            "ts": ts,
            **shared,
            **extra,
        }

    async def dm(self, user: str, text: str, **extra: Any) -> Posted:
        return await self.event(self.dm_event(user, text, **extra))

    def ticket_thread(self, user: str, number: int) -> str:
        """The ts of the "Ticket #N opened" message in `user`'s DM (in any language: the
        first top-level message naming #N): the ticket's thread."""
        named = re.compile(rf"#{number}\b")
        return next(
            m.ts
            for m in self.api.posted(self.api.dms[user])
            if m.thread_ts is None and named.search(m.text)
        )

    async def thread_reply(
        self, user: str, thread_ts: str, text: str, files: list[dict[str, Any]] | None = None
    ) -> tuple[Posted, str]:
        ts = self.api.human_message(AGENTS, user, text, thread_ts=thread_ts, files=files)
        shared = {"subtype": "file_share", "files": files} if files else {}
        posted = await self.event(
            {
                "type": "message",
                "channel": AGENTS,
                "channel_type": "channel",
                "user": user,
                "text": self.api.message(AGENTS, ts).text,
                "ts": ts,
                "thread_ts": thread_ts,
                **shared,
            }
        )
        return posted, ts

    async def reaction(self, user: str, channel: str, ts: str, name: str) -> Posted:
        return await self.event(
            {
                "type": "reaction_added",
                "user": user,
                "reaction": name,
                "item_user": BOT_USER,
                "item": {"type": "message", "channel": channel, "ts": ts},
            }
        )

    async def command(self, user: str, text: str, channel: str = GENERAL) -> Posted:
        """`/ticket` followed by what `user` typed."""
        sent = self.api.typed(text, slash=True)
        fields = command_fields(user, sent, channel)
        fields["trigger_id"] = self.api.trigger()
        return await self.interactive_form(fields)

    async def interactive_form(self, fields: dict[str, str]) -> Posted:
        from urllib.parse import urlencode

        return await self.post(urlencode(fields), "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any]) -> Posted:
        body = {**interaction_payload(payload), "trigger_id": self.api.trigger()}
        return await self.interactive_form({"payload": json.dumps(body)})

    async def click(
        self,
        user: str,
        channel: str,
        message_ts: str,
        action: dict[str, Any],
        thread_ts: str | None = None,
    ) -> Posted:
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        }
        if thread_ts:
            container["thread_ts"] = thread_ts
        return await self.interaction(
            {
                "type": "block_actions",
                "user": {"id": user, "username": user.lower(), "team_id": TEAM},
                "container": container,
                "channel": {"id": channel},
                "message": {"ts": message_ts, "type": "message"},
                "actions": [{"action_ts": f"{time.time():.6f}", "type": "button", **action}],
            }
        )

    async def deliver(self) -> None:
        """Look up what waits on the Web API after its ack, apply what the platform sent
        (the inbox), then send what the desk said."""
        await self.looked_up()
        await self.core.inbox.apply_all()
        await self.core.dispatcher.run_until_idle()

    async def looked_up(self) -> None:
        """Once the updates acknowledged before their look-up (deferred.py) are handed on."""
        if self.runtime is not None and self.runtime.deferred is not None:
            await self.runtime.deferred.settled()

    def card(self, number: int) -> Any:
        """The current card message of ticket `number` in the agents' channel."""
        cards = [
            m
            for m in self.api.posted(AGENTS)
            if m.thread_ts is None
            and m.ephemeral_for is None
            and m.text.startswith(f"Ticket #{number}:")
        ]
        assert len(cards) == 1, [m.text for m in self.api.posted(AGENTS)]
        return cards[0]

    def thread(self, number: int) -> list[str]:
        card = self.card(number)
        return [
            m.text
            for m in self.api.posted(AGENTS)
            if m.thread_ts == card.ts and m.ephemeral_for is None
        ]


@asynccontextmanager
async def running_slack(
    tmp_path: Path,
    small_kb: Path,
    *,
    app_token: str | None = None,
    database_url: str | None = None,
    bot_token: str = BOT_TOKEN,
    crowd: int = 0,
    before_start: Callable[[FakeSlackApi], None] | None = None,
    service_file: Path | None = None,
    channels: dict[str, list[str]] | None = None,
) -> AsyncIterator[SlackHarness]:
    """The whole Slack bot against the fake: over HTTP, or over Socket Mode with `app_token`.

    `crowd` people join the agents' channel ahead of the agents (a long member list).
    """
    api = FakeSlackApi()
    api.add_user(ALICE, "Alice")
    api.add_user(BOB, "Bob")
    api.add_user(CAROL, "Carol")
    filler = [f"UCROWD{i:04d}" for i in range(crowd)]
    api.add_channel(AGENTS, [*filler, BOT_USER, BOB, CAROL])
    api.add_channel(GENERAL, [BOT_USER, ALICE, BOB, CAROL])
    if before_start is not None:
        before_start(api)
    for channel, members in (channels or {}).items():
        api.add_channel(channel, [BOT_USER, *members])
    await api.start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        HELPDESK_DATABASE_URL=database_url or f"sqlite+aiosqlite:///{tmp_path / 'slack.db'}",
        HELPDESK_FAQ_DIR=str(small_kb),
        SLACK_BOT_TOKEN=bot_token,
        # A Socket Mode app has no signing secret: nothing reaches it over HTTP.
        SLACK_SIGNING_SECRET=None if app_token else SECRET,
        SLACK_APP_TOKEN=app_token,
        SLACK_AGENTS_CHANNEL=AGENTS,
        SLACK_API_URL=api.base_url,
        HELPDESK_SERVICE_FILE=str(service_file or tmp_path / "no-service.yaml"),
    )
    clock = FakeClock(datetime.now(UTC))
    faq = FaqService(small_kb, "en")
    async with platform_core(settings, faq, clock, connect_slack) as (core, slack):
        runtime = slack.runtime(core)
        http = build_http_app(core)
        runtime.mount(http)
        runner = web.AppRunner(http, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            # slack_sdk retries a failed Socket Mode connect forever: fail instead.
            async with asyncio.timeout(CONNECT_TIMEOUT):
                await runtime.start()
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{port}/slack/events"
                yield SlackHarness(api, core, clock, url, session, runtime)
        finally:
            await runtime.stop()
            await runner.cleanup()
            await api.stop()


@pytest.fixture
async def slack(tmp_path: Path, small_kb: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, small_kb) as harness:
        yield harness
