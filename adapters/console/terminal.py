"""The console on a terminal: line editing, Ctrl-C and Ctrl-D as a shell answers them.

`input()` runs on the main thread, where Python delivers Ctrl-C (SIGINT) as a
`KeyboardInterrupt` that abandons the line being typed; the bot (its event loop,
the desk and the dispatcher) runs on a second thread and takes the typed lines
from a `LineFeed`. Each line is answered before the next prompt is shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import TextIO


class LineFeed:
    """Lines typed on the main thread, read by the bot's event loop on another one."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[str | None] | None = None
        self._ready = threading.Event()
        self._answered = threading.Event()

    async def lines(self) -> AsyncIterator[str]:
        """The typed lines, until the terminal closes (None)."""
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._ready.set()
        self._answered.set()
        while True:
            line = await self._queue.get()
            if line is None:
                return
            yield line

    def answered(self) -> None:
        """The bot finished with the last line: the next prompt may be shown."""
        self._answered.set()

    def wait_ready(self, alive: Callable[[], bool]) -> bool:
        """Wait until the bot reads lines; False if it ended first."""
        while not self._ready.wait(0.1):
            if not alive():
                return False
        return True

    def put(self, line: str | None) -> None:
        """Hand `line` (None: end of input) to the bot."""
        assert self._loop is not None and self._queue is not None
        self._answered.clear()
        queue = self._queue
        with contextlib.suppress(RuntimeError):  # the loop already closed: nothing to tell
            self._loop.call_soon_threadsafe(queue.put_nowait, line)

    def wait_answered(self, alive: Callable[[], bool]) -> None:
        """Until the bot answered the last line (or ended); Ctrl-C meanwhile changes nothing:
        the line is already on its way."""
        while alive():
            try:
                if self._answered.wait(0.1):
                    return
            except KeyboardInterrupt:
                continue


def read_terminal(
    feed: LineFeed,
    prompt: Callable[[], str],
    goodbye: Callable[[], str],
    alive: Callable[[], bool],
    output: TextIO,
) -> None:
    """Prompt and read lines until Ctrl-D or the bot ends; Ctrl-C discards the line."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    if not feed.wait_ready(alive):
        return
    while alive():
        try:
            line = input(prompt())
        except KeyboardInterrupt:
            print(file=output, flush=True)  # as a shell does: the line is dropped
            continue
        except EOFError:
            print(file=output, flush=True)
            print(goodbye(), file=output, flush=True)
            feed.put(None)
            return
        feed.put(line)
        feed.wait_answered(alive)
