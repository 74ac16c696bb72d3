"""What each platform adapter's wiring provides to the runner.

A platform comes up in two steps: its connection (API client, reply places,
sender) before the core, so the dispatcher is built with every sender; then
its runtime (listeners handing updates to the inbox) from that core.
"""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from bots.wiring import Core
from core.delivery import Sender


class AdapterRuntime(Protocol):
    """One running platform: its HTTP routes and its background work."""

    platform: str

    def mount(self, http: web.Application) -> None:
        """Add webhook routes to the shared HTTP server (may add none)."""

    async def start(self) -> None:
        """Start background work (long polling, Socket Mode); return promptly."""

    async def stop(self) -> None: ...


class PlatformConnection(Protocol):
    """A platform's outgoing side, ready before the core is built."""

    platform: str
    sender: Sender

    def runtime(self, core: Core) -> AdapterRuntime:
        """The platform's listeners, handing what arrives to `core`'s inbox."""
        ...
