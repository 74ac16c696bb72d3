"""The console bot: typed lines through the desk, deliveries printed to stdout."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TextIO

from adapters.common.refusal import Refusal
from adapters.console.terminal import LineFeed
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


async def piped_lines(stream: TextIO) -> AsyncIterator[str]:
    """Lines from a pipe or a file, until its end."""
    while True:
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
        remind: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.desk = desk
        self.dispatcher = dispatcher
        self.session = session
        self.lang = lang
        self.output = output
        self._remind_due = remind
        self._run_id = uuid.uuid4().hex[:12]
        self._counter = 0
        # A line and an SLA round never interleave: the output keeps the order of events.
        self._turn = asyncio.Lock()

    def _say(self, text: str) -> None:
        print(f"[to {self.session.name}] {text}", file=self.output, flush=True)

    def person_lang(self) -> str:
        """The language the bot last spoke to whoever is typing (the default before)."""
        return self.session.langs.get(self.session.name, self.lang)

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
            self._say(t(self.person_lang(), action.key, **action.params))
            return True
        await self._submit(action)
        return True

    async def _submit(self, command: Command) -> None:
        self._counter += 1
        update = InboundKey(PLATFORM, f"{self._run_id}:{self._counter}")
        async with self._turn:
            await self.desk.handle(command, update)

    async def remind(self, policy: SlaPolicy) -> int:
        """One round of the SLA loop, its reminders printed at once."""
        async with self._turn:
            found = await self.desk.remind_overdue(policy)
            await self.dispatcher.run_until_idle()
        return found

    async def _deliver(self) -> None:
        """Reminders that fell due, then everything queued, printed before the next prompt."""
        if self._remind_due is not None:
            try:
                await self._remind_due()
            except Exception:  # a failed check is tried again after the next line
                log.exception("SLA reminder check failed")
        await self.dispatcher.run_until_idle()

    def welcome(self) -> None:
        print(t(self.lang, "console.welcome", name=self.session.name), file=self.output, flush=True)

    async def run(self, lines: AsyncIterator[str], feed: LineFeed | None = None) -> None:
        """Answer every line until /quit or the end of input (`feed`: told after each)."""
        try:
            async for line in lines:
                try:
                    going_on = await self.handle_line(line)
                    await self._deliver()
                except Exception:  # keep the conversation going; the cause is logged
                    log.exception("console line failed")
                    self._say(t(self.person_lang(), "error.generic"))
                    going_on = True
                if feed is not None:
                    feed.answered()
                if not going_on:
                    break
        finally:
            if feed is not None:
                feed.answered()
