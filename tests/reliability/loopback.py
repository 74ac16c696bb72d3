"""A loopback chat platform for the fault suite, and the sender that talks to it.

The platform is a real aiohttp server on 127.0.0.1 that records every message
it accepts and can be scripted to answer 429 with Retry-After, 500, slowly, or
not at all. The sender behaves like the real adapters' senders: 429 ->
RetryLater, 403 -> PermanentFailure, an answer that never came -> MaybeSent,
anything else -> a temporary error. MarkingLoopbackSender also tags each message
with its delivery's marker and asks the platform (GET /find) whether it has it,
as the Slack sender does with message metadata.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from core.delivery import MaybeSent, PermanentFailure, RetryLater
from core.events import Event, target_key
from core.presenter import render_text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Answer:
    """One scripted reply: status, Retry-After, delay before answering (seconds)."""

    status: int = 200
    retry_after: float | None = None
    delay: float = 0.0
    # Accepted before the delay rather than after it: "accepted, then slow to answer".
    accept_first: bool = False


@dataclass
class LoopbackPlatform:
    """Accepts POST /send {"to", "text"}; records accepted messages in arrival order."""

    script: list[Answer] = field(default_factory=list)
    accepted: list[tuple[str, str]] = field(default_factory=list)
    markers: set[str] = field(default_factory=set)
    requests: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    on_accept: Callable[[str, str], None] | None = None
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests += 1
        answer = self.script.pop(0) if self.script else Answer()
        if answer.accept_first:
            self._accept(body)
        if answer.delay:
            await asyncio.sleep(answer.delay)
        self.answers[answer.status] += 1
        if answer.status == 429:
            headers = {"Retry-After": f"{answer.retry_after or 1:g}"}
            return web.json_response({"ok": False}, status=429, headers=headers)
        if answer.status != 200:
            return web.json_response({"ok": False, "error": "scripted"}, status=answer.status)
        if not answer.accept_first:
            self._accept(body)
        return web.json_response({"ok": True, "id": len(self.accepted)})

    def _accept(self, body: dict[str, str]) -> None:
        self.accepted.append((body["to"], body["text"]))
        if "marker" in body:
            self.markers.add(body["marker"])
        if self.on_accept is not None:
            self.on_accept(body["to"], body["text"])

    async def _find(self, request: web.Request) -> web.Response:
        return web.json_response({"found": request.query.get("marker") in self.markers})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/send", self._send)
        app.router.add_get("/find", self._find)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def copies(self) -> Counter[tuple[str, str]]:
        return Counter(self.accepted)


def outgoing(event: Event) -> tuple[str, str]:
    """What the platform shows for an event: (conversation, text)."""
    return target_key(event.target), render_text(event)


class LoopbackSender:
    """The dispatcher's sender for the loopback platform (one HTTP call per event)."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def send(self, event: Event) -> None:
        to, text = outgoing(event)
        await self._post({"to": to, "text": text})

    async def _post(self, body: dict[str, str]) -> None:
        try:
            async with self.session().post(f"{self.base_url}/send", json=body) as r:
                if r.status == 429:
                    raise RetryLater(float(r.headers.get("Retry-After", "1")), "loopback: 429")
                if r.status == 403:
                    raise PermanentFailure("loopback: forbidden")
                if r.status != 200:
                    raise ConnectionError(f"loopback: HTTP {r.status}")
        except TimeoutError as error:  # the request went out; its answer did not come
            raise MaybeSent("loopback: no answer") from error

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class MarkingLoopbackSender(LoopbackSender):
    """Tags each message with its delivery's marker, and can ask the platform for it."""

    async def send_marked(self, event: Event, marker: str) -> None:
        to, text = outgoing(event)
        await self._post({"to": to, "text": text, "marker": marker})

    async def verify(self, event: Event, marker: str) -> bool | None:
        async with self.session().get(f"{self.base_url}/find", params={"marker": marker}) as r:
            found = await r.json()
        return bool(found["found"])
