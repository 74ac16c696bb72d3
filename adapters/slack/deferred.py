"""Updates Slack gets its ack for at once, made into commands after a Web API look-up.

A listener that would need the Web API first (a message's text and link for 🎫 or the
shortcut, a person nobody has seen yet) records the update in `pending_lookups` and
returns: Slack has its ack within its 3 s whatever the Web API does. Here each recorded
update is then looked up and handed to the inbox under its own update id, so a
redelivery, or a second try after a crash between the inbox and the removal of the row,
is applied once. On start the updates still recorded are resumed, oldest first.

One person's updates keep their order: while one of theirs waits here, the listener
defers their next ones too, and they are handled one after the other.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from core.retry import Backoff
from core.storage.lookup_records import PendingLookup, PendingLookups

log = logging.getLogger(__name__)

# A look-up Slack may answer on a second try (a timeout, 5xx, a rate limit): tried again
# after 2, 4, 8, 16 s; the last try makes do with what it could read.
LOOKUP_BACKOFF = Backoff(base=2.0, attempts=5)


class TryLater(Exception):
    """The look-up failed in a way a later try may mend."""


# (the recorded update's payload, whether this is the last try) -> done
Handler = Callable[[dict[str, Any], bool], Awaitable[None]]


class Deferred:
    def __init__(
        self,
        store: PendingLookups,
        clock: Callable[[], datetime],
        backoff: Backoff = LOOKUP_BACKOFF,
    ) -> None:
        self.store = store
        self.clock = clock
        self.backoff = backoff
        self.handlers: dict[str, Handler] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._waiting: Counter[str] = Counter()
        self._locks: dict[str, asyncio.Lock] = {}

    def handle(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def waiting_for(self, person: str) -> bool:
        """Whether an update of `person` is still waiting here (their next one waits too)."""
        return self._waiting[person] > 0

    async def defer(self, update_id: str, kind: str, person: str, payload: dict[str, Any]) -> None:
        """Record the update (committed before the caller acks), then look it up."""
        row = await self.store.add(update_id, kind, person, json.dumps(payload), self.clock())
        if row is not None:
            self._start(row)

    async def resume(self) -> None:
        """The updates a previous run acknowledged and did not finish, oldest first."""
        for row in await self.store.waiting():
            if row.id not in self._tasks:
                self._start(row)

    def _start(self, row: PendingLookup) -> None:
        self._waiting[row.person] += 1
        task = asyncio.create_task(self._run(row))
        self._tasks[row.id] = task
        task.add_done_callback(lambda _: self._finished(row))

    def _finished(self, row: PendingLookup) -> None:
        self._tasks.pop(row.id, None)
        self._waiting[row.person] -= 1
        if self._waiting[row.person] <= 0:
            del self._waiting[row.person]
            self._locks.pop(row.person, None)

    async def _run(self, row: PendingLookup) -> None:
        handler = self.handlers.get(row.kind)
        if handler is None:
            log.error("pending look-up %s of unknown kind %r kept", row.id, row.kind)
            return
        payload = json.loads(row.payload)
        # Locks are fair: the person's updates are handled in the order they were started.
        async with self._locks.setdefault(row.person, asyncio.Lock()):
            attempt = 1
            while True:
                last = self.backoff.exhausted(attempt)
                try:
                    await handler(payload, last)
                    break
                except TryLater as error:
                    if last:  # the handler makes do on its last try; this one did not
                        log.error("pending look-up %s failed for good: %s", row.id, error)
                        return
                    log.warning("pending look-up %s failed, trying again: %s", row.id, error)
                except Exception:
                    # kept for the next start rather than lost
                    log.exception("pending look-up %s failed; kept for the next start", row.id)
                    return
                await asyncio.sleep(self.backoff.delay(attempt))
                attempt += 1
            await self.store.done(row.id)

    async def settled(self) -> None:
        """Once every update recorded so far was looked up (or given up on)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def close(self) -> None:
        """Stop looking up; what is unfinished stays recorded for the next start."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
