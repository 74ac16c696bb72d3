"""The console bot: lines from stdin through the desk, deliveries printed to stdout."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import uuid
from collections.abc import AsyncIterator
from typing import TextIO

from adapters.common.refusal import Refusal
from adapters.console.translate import (
    PLATFORM,
    Quit,
    Session,
    SwitchUser,
    format_event,
    parse_line,
    remember_choices,
)
from core.commands import Command
from core.delivery import Dispatcher
from core.desk import Desk, InboundKey, SlaPolicy
from core.events import Event
from core.i18n import t

log = logging.getLogger(__name__)


class ConsoleSender:
    """Delivers an event by printing it with its recipient."""

    def __init__(self, session: Session, output: TextIO) -> None:
        self.session = session
        self.output = output

    async def send(self, event: Event) -> None:
        remember_choices(event, self.session)
        print(format_event(event), file=self.output, flush=True)


async def _lines(stream: TextIO, interactive: bool, session: Session) -> AsyncIterator[str]:
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    while True:
        if interactive:
            prompt = f"{session.name}{' (agent)' if session.is_agent else ''}> "
            try:
                line = await asyncio.to_thread(input, prompt)
            except EOFError:
                return
        else:
            line = await asyncio.to_thread(stream.readline)
            if not line:
                return
        yield line


class ConsoleBot:
    def __init__(
        self,
        desk: Desk,
        dispatcher: Dispatcher,
        session: Session,
        *,
        lang: str,
        output: TextIO = sys.stdout,
    ) -> None:
        self.desk = desk
        self.dispatcher = dispatcher
        self.session = session
        self.lang = lang
        self.output = output
        self._run_id = uuid.uuid4().hex[:12]
        self._counter = 0
        # A line and an SLA round never interleave: the output keeps the order of events.
        self._turn = asyncio.Lock()

    def _say(self, text: str) -> None:
        print(f"[to {self.session.name}] {text}", file=self.output, flush=True)

    async def handle_line(self, line: str) -> bool:
        """Process one line; False when the user asked to quit."""
        action = parse_line(line, self.session)
        if action is None:
            return True
        if isinstance(action, Quit):
            return False
        if isinstance(action, SwitchUser):
            self.session.name = action.name
            self.session.is_agent = action.is_agent
            self.session.teams = action.teams
            return True
        if isinstance(action, Refusal):
            self._say(t(self.lang, action.key, **action.params))
            return True
        await self._submit(action)
        return True

    async def _submit(self, command: Command) -> None:
        self._counter += 1
        update = InboundKey(PLATFORM, f"{self._run_id}:{self._counter}")
        async with self._turn:
            await self.desk.handle(command, update)
            await self.dispatcher.run_until_idle()

    async def remind(self, policy: SlaPolicy) -> int:
        """One round of the SLA loop, its reminders printed at once."""
        async with self._turn:
            found = await self.desk.remind_overdue(policy)
            await self.dispatcher.run_until_idle()
        return found

    async def run(self, stream: TextIO, *, interactive: bool) -> None:
        if interactive:
            print(
                t(self.lang, "console.welcome", name=self.session.name),
                file=self.output,
                flush=True,
            )
        async for line in _lines(stream, interactive, self.session):
            try:
                if not await self.handle_line(line):
                    break
            except Exception:  # keep the conversation going; the cause is logged
                log.exception("console line failed")
                self._say(t(self.lang, "error.generic"))
