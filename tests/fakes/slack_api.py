"""A fake Slack Web API over real HTTP on 127.0.0.1, for the Slack adapter's tests.

It answers like Slack documents: HTTP 200 with `{"ok": false, "error": ...}` for
API errors, HTTP 429 with `Retry-After` and `{"ok": false, "error": "ratelimited"}`
when rate limited, `invalid_auth` for a wrong token. Every call is recorded
(method, parameters from the query string, form or JSON body, headers), and it
keeps the messages it was sent so tests read what a user would see.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

BOT_TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0001"
TEAM_URL = "https://acme.slack.com/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    user: str = BOT_USER
    thread_ts: str | None = None
    ephemeral_for: str | None = None
    edits: list[str] = field(default_factory=list)


@dataclass
class Failure:
    status: int = 429
    error: str = "ratelimited"
    retry_after: int = 1


class FakeSlackApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[str]] = {}
        self.views: list[dict[str, Any]] = []
        self.dms: dict[str, str] = {}
        self._failures: dict[str, deque[Failure]] = {}
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # test-facing set-up

    def add_user(self, user_id: str, name: str, locale: str = "en-US") -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": name.lower(),
            "real_name": name,
            "locale": locale,
            "is_bot": False,
            "profile": {"display_name": name, "real_name": name},
        }

    def add_channel(self, channel: str, members: list[str]) -> None:
        self.members[channel] = list(members)

    def human_message(
        self, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> str:
        """A message a person wrote (so conversations.history can find it); returns its ts."""
        ts = self.next_ts()
        self.messages.append(Message(channel, ts, text, user=user, thread_ts=thread_ts))
        return ts

    def fail_next(
        self, method: str, times: int = 1, *, status: int = 429, error: str = "ratelimited"
    ) -> None:
        """The next `times` calls of `method` answer with 429 (Retry-After: 1) or `error`."""
        queue = self._failures.setdefault(method, deque())
        queue.extend(Failure(status=status, error=error) for _ in range(times))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # what reached Slack

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def posted(self, channel: str | None = None) -> list[Message]:
        return [
            m
            for m in self.messages
            if m.user == BOT_USER and (channel is None or m.channel == channel)
        ]

    def dm_texts(self, user: str) -> list[str]:
        channel = self.dms.get(user)
        return [m.text for m in self.posted(channel)] if channel else []

    def ephemeral_texts(self, user: str) -> list[str]:
        return [m.text for m in self.messages if m.ephemeral_for == user]

    def message(self, channel: str, ts: str) -> Message:
        return next(m for m in self.messages if m.channel == channel and m.ts == ts)

    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    # server

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        self.calls.append(Call(method, params, dict(request.headers)))
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        queue = self._failures.get(method)
        if queue:
            failure = queue.popleft()
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        result: dict[str, Any] = handler(params)
        return web.json_response(result)

    # methods

    @staticmethod
    def _error(code: str) -> dict[str, Any]:
        return {"ok": False, "error": code}

    def _known_channel(self, channel: str) -> bool:
        return channel in self.members or channel in self.dms.values()

    @staticmethod
    def _blocks(params: dict[str, Any]) -> list[dict[str, Any]] | None:
        blocks = params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        return blocks

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": TEAM_URL,
            "team": "Acme",
            "user": "helpdesk",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
        }

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if not self._known_channel(channel):
            return self._error("channel_not_found")
        if not params.get("text") and not params.get("blocks"):
            return self._error("no_text")
        message = Message(
            channel,
            self.next_ts(),
            str(params.get("text", "")),
            self._blocks(params),
            thread_ts=params.get("thread_ts"),
        )
        self.messages.append(message)
        return {
            "ok": True,
            "channel": channel,
            "ts": message.ts,
            "message": {"text": message.text, "user": BOT_USER, "bot_id": BOT_ID},
        }

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        found = [m for m in self.messages if m.channel == channel and m.ts == ts]
        if not found:
            return self._error("message_not_found")
        message = found[0]
        if message.user != BOT_USER:
            return self._error("cant_update_message")
        message.edits.append(message.text)
        message.text = str(params.get("text", message.text))
        message.blocks = self._blocks(params) if "blocks" in params else message.blocks
        return {"ok": True, "channel": channel, "ts": ts, "text": message.text}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, user = str(params.get("channel", "")), str(params.get("user", ""))
        if not self._known_channel(channel):
            return self._error("channel_not_found")
        if user not in self.members.get(channel, []):
            return self._error("user_not_in_channel")
        message = Message(
            channel,
            self.next_ts(),
            str(params.get("text", "")),
            self._blocks(params),
            thread_ts=params.get("thread_ts"),
            ephemeral_for=user,
        )
        self.messages.append(message)
        return {"ok": True, "message_ts": message.ts}

    def _chat_getPermalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("message_ts", ""))
        if not any(m.channel == channel and m.ts == ts for m in self.messages):
            return self._error("message_not_found")
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"{TEAM_URL}archives/{channel}/p{ts.replace('.', '')}",
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("users", ""))
        if user not in self.users:
            return self._error("user_not_found")
        channel = self.dms.setdefault(user, f"D{user}")
        return {"ok": True, "channel": {"id": channel}}

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel not in self.members:
            return self._error("channel_not_found")
        return {
            "ok": True,
            "members": self.members[channel],
            "response_metadata": {"next_cursor": ""},
        }

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, latest = str(params.get("channel", "")), str(params.get("latest", ""))
        found = [
            {"type": "message", "user": m.user, "text": m.text, "ts": m.ts}
            for m in self.messages
            if m.channel == channel
            and m.thread_ts is None
            and m.ephemeral_for is None
            and (not latest or m.ts <= latest)
        ]
        return {"ok": True, "messages": list(reversed(found))[: int(params.get("limit", 100))]}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        found = [
            {"type": "message", "user": m.user, "text": m.text, "ts": m.ts}
            for m in self.messages
            if m.channel == channel and (m.ts == ts or m.thread_ts == ts)
        ]
        return {"ok": True, "messages": found}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        return {"ok": True, "user": user} if user else self._error("user_not_found")

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        self.views.append({"method": "views.open", "view": view})
        return {"ok": True, "view": {"id": f"V{len(self.views)}", **(view or {})}}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        self.views.append(
            {"method": "views.publish", "user_id": params.get("user_id"), "view": view}
        )
        return {"ok": True, "view": {"id": f"V{len(self.views)}"}}


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack adds to each request: v0=HMAC-SHA256(secret, "v0:{ts}:{body}")."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def form_body(fields: dict[str, str]) -> str:
    return urlencode(fields)
