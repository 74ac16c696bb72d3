"""A help desk with its web console on a real loopback HTTP server, requesters behind a
recording platform: what the browser and HTTP tests sign in to."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from adapters.web.auth import hash_password
from adapters.web.sender import PLATFORM as WEB
from adapters.web.sender import WebSender
from bots.http import build_http_app, start_http
from bots.web_runtime import WebRuntime
from bots.wiring import Core, build_core
from core.desk import InboundKey
from core.faq.service import FaqService
from core.storage.db import Database
from core.storage.web_accounts import WebAccounts
from tests.support import PLAIN_TUNING, RecordingSender, settings_for

PASSWORD = "correct horse battery"


@dataclass
class ConsoleServer:
    url: str
    core: Core
    requesters: RecordingSender
    counter: int = 0

    async def requester_does(self, command: object) -> None:
        """A requester's update, through the inbox as a platform's would go."""
        self.counter += 1
        await self.core.inbox.submit(command, InboundKey("test", f"r{self.counter}"))  # type: ignore[arg-type]
        await self.core.inbox.apply_all()
        await self.core.dispatcher.run_until_idle()


@asynccontextmanager
async def console_server(
    tmp_path: Path, kb: Path, clock: object = None, **env: str
) -> AsyncIterator[ConsoleServer]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'web.db'}"
    db = Database(url)
    await db.upgrade()
    accounts = WebAccounts(db)
    now = datetime.now().astimezone()
    await accounts.add("lena", hash_password(PASSWORD), "lead", now)
    await accounts.add("bob", hash_password(PASSWORD), "agent", now)
    requesters = RecordingSender()
    settings = settings_for(kb, HELPDESK_WEB_ENABLED="true", **env)
    extra = {"clock": clock} if clock is not None else {}
    try:
        async with build_core(
            settings,
            db=db,
            faq=FaqService(kb, "en"),
            # "telegram": a requester's second account, linked to their first
            senders={"test": requesters, "telegram": requesters, WEB: WebSender()},
            tuning=PLAIN_TUNING,
            **extra,  # type: ignore[arg-type]
        ) as core:
            http = build_http_app(core)
            WebRuntime(core).mount(http)
            runner = await start_http(http, "127.0.0.1", 0)
            # Delivering in the background, as `helpdesk run` does.
            stop = asyncio.Event()
            delivering = asyncio.create_task(core.dispatcher.run_forever(stop))
            try:
                host, port = runner.addresses[0][:2]
                yield ConsoleServer(f"http://{host}:{port}/console", core, requesters)
            finally:
                stop.set()
                await delivering
                await runner.cleanup()
    finally:
        await db.dispose()
