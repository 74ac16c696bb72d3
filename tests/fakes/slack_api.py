"""A fake Slack Web API over real HTTP on 127.0.0.1, for the Slack adapter's tests.

It answers like Slack documents: HTTP 200 with `{"ok": false, "error": ...}` for
API errors, HTTP 429 with `Retry-After` and `{"ok": false, "error": "ratelimited"}`
when rate limited, `invalid_auth` for a wrong token and `not_allowed_token_type`
for the wrong kind of token (bot or app-level). Every call is recorded
(method, parameters from the query string, form or JSON body, headers), and it
keeps the messages it was sent so tests read what a user would see.

A post keeps its message metadata (https://api.slack.com/metadata/using), and
conversations.history / conversations.replies return it when called with
`include_all_metadata` and honour `oldest` and `latest`
(https://api.slack.com/methods/conversations.history). A test can make an answer
slow: after storing the message ("accepted then slow", as during Slack's
degraded-performance incidents on https://slack-status.com, where posts arrive
but the API answers late) or without storing it (the request lost on the way), or
store it and drop the connection before answering (a reset between a proxy and the
client: the client sees the server disconnect, with no answer to read).

Socket Mode follows https://api.slack.com/apis/socket-mode: `apps.connections.open`
(app-level `xapp-` token only) hands out a `ws://` URL served by this same server;
the socket says `hello` first, the test pushes envelopes through it, and the
acks the app sends back (`{"envelope_id": ..., "payload"?: ...}`) are recorded.

What Slack refuses, it refuses here too, each rule beside its method with the page it
follows: posting where the bot is no member or the channel is archived, text and blocks
over Block Kit's limits, a `trigger_id` older than 3 s, a modal Slack would not open or
update (or one already closed), a Home tab Slack would not publish,
deleting someone else's message. Files go the way Slack's current upload API takes them
(files.getUploadURLExternal, a POST of the bytes, files.completeUploadExternal), and a
file's `url_private` opens only with the bot token.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import socket
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSCloseCode, WSMsgType, web

from tests.fakes.slack_blocks import (
    MAX_BLOCKS_TEXT,
    block_errors,
    blocks_text_length,
    view_errors,
)
from tests.fakes.slack_text import Shown, as_sent, shown

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-A0001-1-test"  # app-level token, the only one apps.connections.open takes
APP_ID = "A0001"
ACK_WINDOW = 3.0  # seconds Slack waits for an envelope's ack before it redelivers
CONNECT_WAIT = 5.0  # seconds to wait for the app to open its socket
BOT_USER = "UBOT"
BOT_NAME = "helpdesk"
BOT_ID = "BBOT"
TEAM = "T0001"
TEAM_URL = "https://acme.slack.com/"
# https://api.slack.com/interactivity/handling#modal_responses: "trigger_id ... expires in
# 3 seconds"; views.open answers `expired_trigger_id` after that.
TRIGGER_LIFETIME = 3.0
# https://api.slack.com/methods/chat.postMessage#truncating: text over 40,000 characters
# is refused with `msg_too_long` (the method's error table).
MAX_TEXT = 40_000
# https://api.slack.com/methods/files.upload ("File size limit"): 1 GB per file.
MAX_FILE_BYTES = 1024**3


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
    link_names: bool = False
    metadata: dict[str, Any] | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    subtype: str | None = None
    deleted: bool = False


@dataclass
class StoredFile:
    """A file in the workspace; `content` is None until its upload is complete."""

    id: str
    name: str
    title: str
    mimetype: str
    size: int
    owner: str
    content: bytes | None = None
    shares: list[tuple[str, str | None]] = field(default_factory=list)  # (channel, thread_ts)
    external_url: str | None = None  # a file kept elsewhere (Google Drive...), linked in Slack


@dataclass
class Failure:
    status: int = 429
    error: str = "ratelimited"
    retry_after: int = 1


@dataclass
class Slowness:
    seconds: float
    handled: bool  # True: the call takes effect before the late answer; False: it never does


class FakeSlackApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        # "<method> answered" as each answer leaves, beside what the test notes (its acks),
        # so a test reads the order things happened in rather than timing them
        self.timeline: list[str] = []
        self.messages: list[Message] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[str]] = {}
        self.channel_names: dict[str, str] = {}
        self.views: list[dict[str, Any]] = []
        self.open_modals: dict[str, dict[str, Any]] = {}  # view id -> what it shows now
        self.dms: dict[str, str] = {}
        self.archived: set[str] = set()
        self.files: dict[str, StoredFile] = {}
        # (host, Authorization header) of each request for a file's bytes
        self.downloads: list[tuple[str, str]] = []
        self.triggers: dict[str, float] = {}  # trigger_id -> when Slack issued it (monotonic)
        self.used_triggers: set[str] = set()
        # Scopes the app was not granted: the methods needing them answer `missing_scope`
        # (https://api.slack.com/methods/files.info lists files:read, files.* uploads
        # files:write).
        self.missing_scopes: set[str] = set()
        self._file_ids = itertools.count(1)
        self._failures: dict[str, deque[Failure]] = {}
        self._slow: dict[str, deque[Slowness]] = {}
        self._cut: dict[str, int] = {}
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Socket Mode
        self.tickets: set[str] = set()
        self.sockets: list[web.WebSocketResponse] = []
        self.envelopes: list[dict[str, Any]] = []  # what the test pushed
        self.acks: list[dict[str, Any]] = []
        self.socket_texts: list[str] = []  # anything else the app sent over the socket
        self._socket_changed = asyncio.Condition()

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

    def add_channel(self, channel: str, members: list[str], name: str | None = None) -> None:
        self.members[channel] = list(members)
        self.channel_names[channel] = name or channel.removeprefix("C").lower()

    def trigger(self) -> str:
        """A fresh trigger_id, as Slack puts in a slash command or an interaction."""
        trigger_id = f"{next(self._ts)}.{TEAM}.{uuid.uuid4().hex[:12]}"
        self.triggers[trigger_id] = time.monotonic()
        return trigger_id

    def add_file(
        self,
        owner: str,
        name: str,
        content: bytes,
        mimetype: str = "application/octet-stream",
        *,
        size: int | None = None,
        external_url: str | None = None,
    ) -> dict[str, Any]:
        """A file a person uploaded; returns the file object an event carries. `size` makes
        it as large as Slack says it is without the test holding that many bytes; with
        `external_url` it is an external file, its `url_private` on that host."""
        stored = StoredFile(
            id=f"F{next(self._file_ids):08d}",
            name=name,
            title=name,
            mimetype=mimetype,
            size=len(content) if size is None else size,
            owner=owner,
            content=content,
            external_url=external_url,
        )
        self.files[stored.id] = stored
        return self.file_object(stored)

    def file_object(self, stored: StoredFile) -> dict[str, Any]:
        """A file as events and files.info describe it (https://api.slack.com/types/file)."""
        private = f"http://127.0.0.1:{self.port}/files-pri/{TEAM}-{stored.id}/{stored.name}"
        # https://api.slack.com/types/file: an external file (`is_external`, e.g. a Google
        # Drive document) has its `url_private` on the service that keeps it
        external = {"is_external": True, "external_type": "gdrive"} if stored.external_url else {}
        private = stored.external_url or private
        return {
            **external,
            "id": stored.id,
            "name": stored.name,
            "title": stored.title,
            "mimetype": stored.mimetype,
            "filetype": stored.name.rpartition(".")[2] if "." in stored.name else "binary",
            "size": stored.size,
            "user": stored.owner,
            "url_private": private,
            "url_private_download": private + "?download=1",
            "permalink": f"{TEAM_URL}files/{stored.owner}/{stored.id}/{stored.name}",
            "channels": [c for c, _ in stored.shares if c.startswith("C")],
            "ims": [c for c, _ in stored.shares if c.startswith("D")],
        }

    def files_in(self, channel: str, thread_ts: str | None = None) -> list[StoredFile]:
        """Files the app shared into `channel` (and thread), in order."""
        return [
            self.files[f["id"]]
            for m in self.posted(channel)
            if thread_ts is None or m.thread_ts == thread_ts
            for f in m.files
            if f["id"] in self.files
        ]

    def typed(self, text: str, *, slash: bool = False) -> str:
        """What Slack sends when a person types `text` in a message (or after a slash command)."""
        users = {BOT_NAME: BOT_USER}
        for user_id, user in self.users.items():
            users[user["profile"]["display_name"].lower()] = user_id
        channels = {name: channel for channel, name in self.channel_names.items()}
        return as_sent(text, users, channels, slash=slash)

    def shown(self, message: Message | str) -> Shown:
        """What a person sees of a message the app posted (or of one of its texts)."""
        names = {user_id: u["profile"]["display_name"] for user_id, u in self.users.items()}
        if isinstance(message, str):
            return shown(message, names)
        return shown(message.text, names, link_names=message.link_names)

    def human_message(
        self,
        channel: str,
        user: str,
        text: str,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
    ) -> str:
        """A message a person typed, stored as Slack sends it (see `typed`); returns its ts."""
        ts = self.next_ts()
        sent = self.typed(text)
        message = Message(channel, ts, sent, user=user, thread_ts=thread_ts, files=files or [])
        if files:
            message.subtype = "file_share"
            for f in files:
                self.files[f["id"]].shares.append((channel, thread_ts))
        self.messages.append(message)
        return ts

    def human_edit(self, channel: str, ts: str, text: str) -> dict[str, Any]:
        """A person edits their message: the `message_changed` event Slack sends
        (https://api.slack.com/events/message/message_changed), the text as Slack sends it."""
        message = self.message(channel, ts)
        previous = self._event_message(message)
        message.edits.append(message.text)
        message.text = self.typed(text)
        current = {**self._event_message(message), "edited": {"user": message.user, "ts": ts}}
        return {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": channel,
            "channel_type": "im" if channel.startswith("D") else "channel",
            "ts": self.next_ts(),
            "message": current,
            "previous_message": previous,
        }

    def human_delete(self, channel: str, ts: str) -> dict[str, Any]:
        """A person deletes their message: the `message_deleted` event
        (https://api.slack.com/events/message/message_deleted)."""
        message = self.message(channel, ts)
        message.deleted = True
        return {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": channel,
            "channel_type": "im" if channel.startswith("D") else "channel",
            "ts": self.next_ts(),
            "deleted_ts": ts,
            "previous_message": self._event_message(message),
        }

    @staticmethod
    def _event_message(message: Message) -> dict[str, Any]:
        found: dict[str, Any] = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "ts": message.ts,
        }
        if message.thread_ts is not None:
            found["thread_ts"] = message.thread_ts
        if message.files:
            found["files"] = message.files
        return found

    def fail_next(
        self, method: str, times: int = 1, *, status: int = 429, error: str = "ratelimited"
    ) -> None:
        """The next `times` calls of `method` answer with 429 (Retry-After: 1) or `error`."""
        queue = self._failures.setdefault(method, deque())
        queue.extend(Failure(status=status, error=error) for _ in range(times))

    def cut_next(self, method: str) -> None:
        """The next call of `method` takes effect, then its connection drops unanswered."""
        self._cut[method] = self._cut.get(method, 0) + 1

    def slow_next(self, method: str, seconds: float, *, handled: bool = True) -> None:
        """The next call of `method` answers only after `seconds`: having taken effect
        first (`handled`, "accepted then slow") or not at all (lost on the way)."""
        self._slow.setdefault(method, deque()).append(Slowness(seconds, handled))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # what reached Slack

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def posted(self, channel: str | None = None) -> list[Message]:
        """What the app posted and nobody deleted, in order."""
        return [
            m
            for m in self.messages
            if m.user == BOT_USER and not m.deleted and (channel is None or m.channel == channel)
        ]

    def deleted(self, channel: str | None = None) -> list[Message]:
        """What the app posted and then deleted (chat.delete)."""
        return [m for m in self.messages if m.deleted and (channel is None or m.channel == channel)]

    def dm_texts(self, user: str) -> list[str]:
        channel = self.dms.get(user)
        return [m.text for m in self.posted(channel)] if channel else []

    def ephemeral_texts(self, user: str) -> list[str]:
        return [m.text for m in self.messages if m.ephemeral_for == user]

    def message(self, channel: str, ts: str) -> Message:
        return next(m for m in self.messages if m.channel == channel and m.ts == ts)

    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    # Socket Mode, test-facing

    async def send_envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> str:
        """Push one envelope (`events_api`, `slash_commands`, `interactive`); returns its id."""
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        ws = await self.wait_socket()
        self.envelopes.append(envelope)
        await ws.send_str(json.dumps(envelope))
        return envelope_id

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's notice, a few seconds before it closes a socket, to reconnect elsewhere."""
        ws = await self.wait_socket()
        notice = {
            "type": "disconnect",
            "reason": reason,
            "debug_info": {"host": "applink-fake"},
        }
        await ws.send_str(json.dumps(notice))

    async def wait_socket(self) -> web.WebSocketResponse:
        """The newest open socket, once the app has connected."""
        async with asyncio.timeout(CONNECT_WAIT), self._socket_changed:
            await self._socket_changed.wait_for(lambda: any(not s.closed for s in self.sockets))
        return [s for s in self.sockets if not s.closed][-1]

    async def wait_replaced(self, old: web.WebSocketResponse) -> web.WebSocketResponse:
        """The socket the app opened in place of `old`, once `old` is closed."""

        def replaced() -> bool:
            return old.closed and any(s is not old and not s.closed for s in self.sockets)

        async with asyncio.timeout(CONNECT_WAIT), self._socket_changed:
            await self._socket_changed.wait_for(replaced)
        return [s for s in self.sockets if not s.closed][-1]

    async def wait_ack(self, envelope_id: str) -> dict[str, Any]:
        """The app's ack of `envelope_id`; TimeoutError when none came within Slack's window."""
        try:
            async with asyncio.timeout(ACK_WINDOW), self._socket_changed:
                await self._socket_changed.wait_for(lambda: bool(self.acks_of(envelope_id)))
        except TimeoutError:
            raise TimeoutError(f"no ack of envelope {envelope_id} within {ACK_WINDOW} s") from None
        return self.acks_of(envelope_id)[0]

    def acks_of(self, envelope_id: str) -> list[dict[str, Any]]:
        return [a for a in self.acks if a.get("envelope_id") == envelope_id]

    # server

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_get("/link/", self._link)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{key}/{name}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        # Open sockets would hold up the server's shutdown until its timeout.
        for ws in list(self.sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY)
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
        auth_error = self._auth_error(method, request.headers.get("Authorization", ""))
        if auth_error:
            return web.json_response({"ok": False, "error": auth_error})
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
        slow = self._slow.get(method)
        slowness = slow.popleft() if slow else None
        if slowness is not None and not slowness.handled:
            await asyncio.sleep(slowness.seconds)
            return web.json_response(self._error("internal_error"), status=500)
        result: dict[str, Any] = handler(params)
        if self._cut.get(method):
            self._cut[method] -= 1
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError  # nothing is written back: the answer is lost
        if slowness is not None:
            await asyncio.sleep(slowness.seconds)
        self.timeline.append(f"{method} answered")
        return web.json_response(result)

    @staticmethod
    def _auth_error(method: str, authorization: str) -> str | None:
        """apps.connections.open takes only the app-level token, every other method the bot's."""
        wanted, other = APP_TOKEN, BOT_TOKEN
        if method != "apps.connections.open":
            wanted, other = other, wanted
        if authorization == f"Bearer {wanted}":
            return None
        return "not_allowed_token_type" if authorization == f"Bearer {other}" else "invalid_auth"

    async def _link(self, request: web.Request) -> web.StreamResponse:
        """The Socket Mode websocket at the URL apps.connections.open handed out."""
        if request.query.get("ticket") not in self.tickets:
            return web.Response(status=401, text="invalid ticket")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1 + sum(not s.closed for s in self.sockets),
                    "debug_info": {
                        "host": "applink-fake",
                        "build_number": 1,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": APP_ID},
                }
            )
        )
        async with self._socket_changed:
            self.sockets.append(ws)
            self._socket_changed.notify_all()
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            try:
                data = json.loads(msg.data)
            except ValueError:
                data = None
            async with self._socket_changed:
                if isinstance(data, dict) and "envelope_id" in data:
                    self.acks.append(data)
                else:
                    self.socket_texts.append(msg.data)
                self._socket_changed.notify_all()
        async with self._socket_changed:
            self._socket_changed.notify_all()  # closed: wake wait_replaced
        return ws

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

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        ticket = uuid.uuid4().hex
        self.tickets.add(ticket)
        url = f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={APP_ID}"
        return {"ok": True, "url": url}

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

    @staticmethod
    def _metadata(params: dict[str, Any]) -> dict[str, Any] | None:
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        return metadata if isinstance(metadata, dict) else None

    def _listed(self, message: Message, params: dict[str, Any]) -> dict[str, Any]:
        """A message as history and replies list it; metadata only when asked for."""
        listed: dict[str, Any] = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "ts": message.ts,
        }
        if message.user == BOT_USER:
            listed["bot_id"] = BOT_ID
        if message.thread_ts is not None:
            listed["thread_ts"] = message.thread_ts
        if message.subtype is not None:
            listed["subtype"] = message.subtype
        if message.files:
            listed["files"] = message.files
        wanted = str(params.get("include_all_metadata", "")).lower() in ("true", "1")
        if wanted and message.metadata is not None:
            listed["metadata"] = message.metadata
        return listed

    def _post_error(self, channel: str, params: dict[str, Any]) -> str | None:
        """Why Slack would refuse to post here, or None.

        https://api.slack.com/methods/chat.postMessage#errors: `channel_not_found` for a
        channel the bot cannot see, `not_in_channel` where it is no member (a bot with
        chat:write posts only where it was added), `is_archived` for an archived one,
        `msg_too_long`, `invalid_blocks` (Block Kit's limits, tests/fakes/slack_blocks.py),
        `msg_blocks_too_long` (blocks within their limits but too much text in all) and
        `no_text`.
        """
        if not self._known_channel(channel):
            return "channel_not_found"
        if channel in self.archived:
            return "is_archived"
        if channel in self.members and BOT_USER not in self.members[channel]:
            return "not_in_channel"
        if len(str(params.get("text", ""))) > MAX_TEXT:
            return "msg_too_long"
        blocks = self._blocks(params)
        if blocks is not None and block_errors(blocks, limit=50):
            return "invalid_blocks"
        if blocks is not None and blocks_text_length(blocks) > MAX_BLOCKS_TEXT:
            return "msg_blocks_too_long"
        return None

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if error := self._post_error(channel, params):
            return self._error(error)
        if not params.get("text") and not params.get("blocks"):
            return self._error("no_text")
        message = Message(
            channel,
            self.next_ts(),
            str(params.get("text", "")),
            self._blocks(params),
            thread_ts=params.get("thread_ts"),
            link_names=str(params.get("link_names", "")).lower() in ("1", "true"),
            metadata=self._metadata(params),
        )
        self.messages.append(message)
        return {
            "ok": True,
            "channel": channel,
            "ts": message.ts,
            "message": {"text": message.text, "user": BOT_USER, "bot_id": BOT_ID},
        }

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/chat.update: the app's own messages only."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        found = [m for m in self.messages if m.channel == channel and m.ts == ts and not m.deleted]
        if not found:
            return self._error("message_not_found")
        message = found[0]
        if message.user != BOT_USER:
            return self._error("cant_update_message")
        if channel in self.archived:
            return self._error("is_archived")
        if len(str(params.get("text", ""))) > MAX_TEXT:
            return self._error("msg_too_long")
        blocks = self._blocks(params)
        if blocks is not None and block_errors(blocks, limit=50):
            return self._error("invalid_blocks")
        if blocks is not None and blocks_text_length(blocks) > MAX_BLOCKS_TEXT:
            return self._error("msg_blocks_too_long")  # as chat.postMessage (_post_error)
        message.edits.append(message.text)
        message.text = str(params.get("text", message.text))
        message.blocks = blocks if "blocks" in params else message.blocks
        return {"ok": True, "channel": channel, "ts": ts, "text": message.text}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/chat.delete: a bot token deletes the bot's own
        messages (`cant_delete_message` for anyone else's); a gone one is `message_not_found`."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if not self._known_channel(channel):
            return self._error("channel_not_found")
        found = [m for m in self.messages if m.channel == channel and m.ts == ts and not m.deleted]
        if not found:
            return self._error("message_not_found")
        if found[0].user != BOT_USER:
            return self._error("cant_delete_message")
        found[0].deleted = True
        return {"ok": True, "channel": channel, "ts": ts}

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

    @staticmethod
    def _page(items: list[Any], params: dict[str, Any], default: int) -> tuple[list[Any], str]:
        """One page of a cursor-paginated list (https://api.slack.com/apis/pagination):
        at most `limit` items from `cursor` on, and the `next_cursor` of the rest ("" at
        the end). The cursor is opaque to the caller; here it is an offset."""
        limit = int(params.get("limit") or default) or default
        cursor = str(params.get("cursor") or "")
        start = int(cursor.removeprefix("next:")) if cursor.startswith("next:") else 0
        page = items[start : start + limit]
        rest = start + limit < len(items)
        return page, f"next:{start + limit}" if rest else ""

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/conversations.members: 100 members a page unless
        `limit` says otherwise, `response_metadata.next_cursor` naming the next one."""
        channel = str(params.get("channel", ""))
        if channel not in self.members:
            return self._error("channel_not_found")
        page, cursor = self._page(self.members[channel], params, 100)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    @staticmethod
    def _in_window(ts: str, params: dict[str, Any]) -> bool:
        """`oldest` and `latest` bound a listing; only with `inclusive` do they count themselves."""
        oldest, latest = str(params.get("oldest", "") or "0"), str(params.get("latest", "") or "")
        inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
        after = float(ts) >= float(oldest) if inclusive else float(ts) > float(oldest)
        if not latest:
            return after
        return after and (float(ts) <= float(latest) if inclusive else float(ts) < float(latest))

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/conversations.history: newest first, no thread replies."""
        channel = str(params.get("channel", ""))
        if not self._known_channel(channel):
            return self._error("channel_not_found")
        found = [
            self._listed(m, params)
            for m in self.messages
            if m.channel == channel
            and (m.thread_ts is None or m.thread_ts == m.ts)
            and m.ephemeral_for is None
            and not m.deleted
            and self._in_window(m.ts, params)
        ]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        return {"ok": True, "messages": found[: int(params.get("limit", 100))]}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/conversations.replies, as documented.

        `ts` names the thread's parent or any message in it; the answer is the thread,
        its parent first, then the replies inside `oldest`/`latest` (bounds counted
        only with `inclusive`), at most `limit` messages in all.
        """
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if not self._known_channel(channel):
            return self._error("channel_not_found")
        visible = [
            m
            for m in self.messages
            if m.channel == channel and m.ephemeral_for is None and not m.deleted
        ]
        named = next((m for m in visible if m.ts == ts), None)
        if named is None:
            return self._error("thread_not_found")
        root = named.thread_ts or named.ts
        parent = [m for m in visible if m.ts == root]
        replies = sorted(
            (m for m in visible if m.thread_ts == root and m.ts != root),
            key=lambda m: float(m.ts),
        )
        found = [self._listed(m, params) for m in parent]
        found += [self._listed(m, params) for m in replies if self._in_window(m.ts, params)]
        return {"ok": True, "messages": found[: int(params.get("limit", 1000))]}

    def _user_object(self, user: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/users.info: `locale` only with `include_locale`."""
        wanted = str(params.get("include_locale", "")).lower() in ("1", "true")
        return user if wanted else {k: v for k, v in user.items() if k != "locale"}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            return self._error("user_not_found")
        return {"ok": True, "user": self._user_object(user, params)}

    def _users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/users.list: paginated like conversations.members
        (`limit` up to 200 recommended), `locale` only with `include_locale`."""
        everyone = [self._user_object(u, params) for u in self.users.values()]
        page, cursor = self._page(everyone, params, 100)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _trigger_error(self, trigger_id: str) -> str | None:
        """https://api.slack.com/methods/views.open#errors: a trigger_id works once
        (`exchanged_trigger_id`), for 3 s (`expired_trigger_id`), and only if Slack
        issued it (`invalid_trigger_id`)."""
        issued = self.triggers.get(trigger_id)
        if issued is None:
            return "invalid_trigger_id"
        if trigger_id in self.used_triggers:
            return "exchanged_trigger_id"
        if time.monotonic() - issued > TRIGGER_LIFETIME:
            return "expired_trigger_id"
        return None

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/views.open: the trigger first, then the view
        (https://api.slack.com/reference/surfaces/views), refused as `invalid_arguments`
        with the reasons in `response_metadata.messages`."""
        trigger_id = str(params.get("trigger_id", ""))
        if error := self._trigger_error(trigger_id):
            return self._error(error)
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        problems = view_errors(view if isinstance(view, dict) else {}, kind="modal")
        if problems:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": problems},
            }
        self.used_triggers.add(trigger_id)
        self.views.append({"method": "views.open", "view": view})
        view_id = f"V{len(self.views)}"
        self.open_modals[view_id] = view if isinstance(view, dict) else {}
        return {"ok": True, "view": {"id": view_id, **(view or {})}}

    @staticmethod
    def _view_param(params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        return view if isinstance(view, dict) else {}

    @staticmethod
    def _invalid(problems: list[str]) -> dict[str, Any]:
        return {
            "ok": False,
            "error": "invalid_arguments",
            "response_metadata": {"messages": problems},
        }

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/views.publish: `user_id` names a person of the
        workspace (`user_not_found` otherwise); the view is a Home tab
        (https://api.slack.com/reference/surfaces/views: type `home`, at most 100 blocks),
        refused as `invalid_arguments` with the reasons."""
        user_id = str(params.get("user_id", ""))
        if user_id not in self.users:
            return self._error("user_not_found")
        view = self._view_param(params)
        problems = view_errors(view, kind="home")
        if problems:
            return self._invalid(problems)
        self.views.append({"method": "views.publish", "user_id": user_id, "view": view})
        return {"ok": True, "view": {"id": f"V{len(self.views)}"}}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/views.update: `view_id` of a view Slack opened and
        still shows (`not_found` once it was closed); the new view obeys a modal's rules."""
        view_id = str(params.get("view_id", ""))
        if view_id not in self.open_modals:
            return self._error("not_found")
        view = self._view_param(params)
        problems = view_errors(view, kind="modal")
        if problems:
            return self._invalid(problems)
        self.open_modals[view_id] = view
        self.views.append({"method": "views.update", "view_id": view_id, "view": view})
        return {"ok": True, "view": {"id": view_id, **view}}

    def close_modal(self, view_id: str) -> None:
        """The person closes a modal (its X or Close button)."""
        self.open_modals.pop(view_id, None)

    # files: https://api.slack.com/messaging/files#uploading_files

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/files.getUploadURLExternal: `filename` and
        `length` (bytes) are required; the answer names the upload URL and the file id."""
        if "files:write" in self.missing_scopes:
            return self._error("missing_scope")
        name = str(params.get("filename") or "")
        length = str(params.get("length") or "")
        if not name or not length.isdigit():
            return self._error("invalid_arguments")
        if int(length) > MAX_FILE_BYTES:
            return self._error("file_upload_size_restricted")
        stored = StoredFile(
            id=f"F{next(self._file_ids):08d}",
            name=name,
            title=name,
            mimetype="application/octet-stream",
            size=int(length),
            owner=BOT_USER,
        )
        self.files[stored.id] = stored
        return {
            "ok": True,
            "upload_url": f"http://127.0.0.1:{self.port}/upload/{stored.id}",
            "file_id": stored.id,
        }

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL takes the bytes raw or as multipart form data; more bytes than
        the `length` announced are refused."""
        stored = self.files.get(request.match_info["file_id"])
        if stored is None or stored.content is not None:
            return web.Response(status=404, text="upload url not found")
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next(iter(form.values()), None)
            data = part.file.read() if isinstance(part, web.FileField) else str(part).encode()
        else:
            data = await request.read()
        if len(data) != stored.size:
            return web.Response(status=400, text="length mismatch")
        stored.content = data
        return web.Response(text=f"OK - {len(data)}")

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/files.completeUploadExternal: every file must
        have been uploaded; with `channel_id` (and `thread_ts`) they are shared there as
        one message, posted by the app, with `initial_comment` as its text."""
        listed = params.get("files")
        listed = json.loads(listed) if isinstance(listed, str) else listed
        if not isinstance(listed, list) or not listed:
            return self._error("invalid_arguments")
        stored = [self.files.get(str(f.get("id", ""))) for f in listed if isinstance(f, dict)]
        if any(f is None or f.content is None for f in stored):
            return self._error("file_not_found")
        done = [f for f in stored if f is not None]
        for f, item in zip(done, listed, strict=True):
            f.title = str(item.get("title") or f.name)
        channel = params.get("channel_id")
        if channel:
            channel = str(channel)
            if error := self._post_error(channel, {}):
                return self._error(error)
            thread_ts = params.get("thread_ts") or None
            for f in done:
                f.shares.append((channel, thread_ts))
            self.messages.append(
                Message(
                    channel,
                    self.next_ts(),
                    str(params.get("initial_comment") or ""),
                    thread_ts=thread_ts,
                    files=[self.file_object(f) for f in done],
                    subtype="file_share",
                )
            )
        return {"ok": True, "files": [{"id": f.id, "title": f.title} for f in done]}

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/files.info: the file object (needs files:read)."""
        if "files:read" in self.missing_scopes:
            return self._error("missing_scope")
        stored = self.files.get(str(params.get("file", "")))
        if stored is None or stored.content is None:
            return self._error("file_not_found")
        return {"ok": True, "file": self.file_object(stored)}

    def _files_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://api.slack.com/methods/files.delete: a bot token deletes the files the
        app uploaded (`cant_delete_file` for others'); every message sharing it loses it."""
        stored = self.files.get(str(params.get("file", "")))
        if stored is None:
            return self._error("file_not_found")
        if stored.owner != BOT_USER:
            return self._error("cant_delete_file")
        del self.files[stored.id]
        for message in self.messages:
            message.files = [f for f in message.files if f["id"] != stored.id]
        return {"ok": True}

    async def _download(self, request: web.Request) -> web.Response:
        """https://api.slack.com/types/file#auth: `url_private` needs the token in an
        Authorization header; without it Slack answers with its sign-in page (HTML)."""
        file_id = request.match_info["key"].removeprefix(f"{TEAM}-")
        stored = self.files.get(file_id)
        self.downloads.append((request.host, request.headers.get("Authorization", "")))
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            return web.Response(text="<html>Sign in to Slack</html>", content_type="text/html")
        if stored is None or stored.content is None:
            return web.Response(status=404, text="file not found")
        return web.Response(body=stored.content, content_type=stored.mimetype)


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack adds to each request: v0=HMAC-SHA256(secret, "v0:{ts}:{body}")."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def form_body(fields: dict[str, str]) -> str:
    return urlencode(fields)
