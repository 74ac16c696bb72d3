"""A loopback chat platform for the fault suite, and the sender that talks to it.

The platform is a real aiohttp server on 127.0.0.1 that records every message
it accepts and can be scripted to answer 429 with Retry-After, 500, slowly, or
not at all. The sender behaves like the real adapters' senders: 429 ->
RetryLater, 403 -> PermanentFailure, anything else -> a temporary error.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from core.delivery import PermanentFailure, RetryLater
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


@dataclass
class LoopbackPlatform:
    """Accepts POST /send {"to", "text"}; records accepted messages in arrival order."""

    script: list[Answer] = field(default_factory=list)
    accepted: list[tuple[str, str]] = field(default_factory=list)
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
        if answer.delay:
            await asyncio.sleep(answer.delay)
        self.answers[answer.status] += 1
        if answer.status == 429:
            headers = {"Retry-After": f"{answer.retry_after or 1:g}"}
            return web.json_response({"ok": False}, status=429, headers=headers)
        if answer.status != 200:
            return web.json_response({"ok": False, "error": "scripted"}, status=answer.status)
        self.accepted.append((body["to"], body["text"]))
        if self.on_accept is not None:
            self.on_accept(body["to"], body["text"])
        return web.json_response({"ok": True, "id": len(self.accepted)})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/send", self._send)
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

    async def send(self, event: Event) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        to, text = outgoing(event)
        async with self._session.post(f"{self.base_url}/send", json={"to": to, "text": text}) as r:
            if r.status == 429:
                raise RetryLater(float(r.headers.get("Retry-After", "1")), "loopback: 429")
            if r.status == 403:
                raise PermanentFailure("loopback: forbidden")
            if r.status != 200:
                raise ConnectionError(f"loopback: HTTP {r.status}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
