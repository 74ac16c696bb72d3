"""A nudge from whoever queued work to the loop that does it.

Made before both sides, so the one that queues (the desk) and the one that
waits (the dispatcher) are each given it when they are built.
"""

from __future__ import annotations

import asyncio


class Wakeup:
    """Level-triggered: a `wake` before the loop waits is not lost, `clear` takes it."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def wake(self) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    async def wait(self) -> None:
        await self._event.wait()
