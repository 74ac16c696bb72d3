"""What each platform adapter's wiring provides to the runner."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from core.delivery import Sender


class AdapterRuntime(Protocol):
    """One running platform: its sender, its HTTP routes and its background work."""

    platform: str
    sender: Sender

    def mount(self, http: web.Application) -> None:
        """Add webhook routes to the shared HTTP server (may add none)."""

    async def start(self) -> None:
        """Start background work (long polling, Socket Mode); return promptly."""

    async def stop(self) -> None: ...
