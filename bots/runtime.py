"""What each platform adapter's wiring provides to the runner.

A platform comes up in two steps: its connection (API client, reply places,
sender) before the core, so the dispatcher is built with every sender; then
its runtime (listeners handing updates to the inbox) from that core.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from aiohttp import web

from bots.wiring import Core
from core.delivery import Sender
from core.files import FileSource


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
    files: FileSource  # reads the files shared on this platform, for the others' senders
    foreign_files: dict[str, FileSource]  # the other platforms' sources, read by `sender`

    def runtime(self, core: Core) -> AdapterRuntime:
        """The platform's listeners, handing what arrives to `core`'s inbox."""
        ...


def share_files(connections: Sequence[PlatformConnection]) -> None:
    """Give each platform's sender the other platforms' file sources, so that a file
    shared on one is passed on to another as a file (core.files)."""
    for connection in connections:
        connection.foreign_files.update(
            {other.platform: other.files for other in connections if other is not connection}
        )
