"""The Telegram adapter running for real against the fake Bot API: the test harness.

Each test gets the fake server on a free port, a core on a temporary SQLite
database (with the sample FAQ), the real runtime from bots.telegram_runtime
(aiogram Bot, Dispatcher, routers, sender) and a way to feed updates either
through getUpdates (long polling) or through the webhook on the shared HTTP
server. Deliveries happen when the test calls `deliver()`, so what reached the
fake is deterministic.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bots.http import build_http_app, start_http
from bots.settings import Settings
from bots.telegram_runtime import WEBHOOK_PATH, TelegramRuntime, connect_telegram
from bots.wiring import Core
from core.desk import utc_now
from core.faq.service import FaqService
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.support import FakeClock, platform_core

REPO = Path(__file__).resolve().parents[3]
AGENTS = -1001234567890
SECRET = "s3cret-token_for-tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Harness:
    """One running desk with its Telegram adapter, seen from the outside."""

    fake: FakeTelegram
    core: Core
    runtime: TelegramRuntime
    transport: str
    clock: FakeClock
    webhook_url: str | None

    @property
    def agents(self) -> int:
        return AGENTS

    async def feed(self, update: dict[str, Any], *, secret: str | None = SECRET) -> int:
        """Hand one update to the bot the way Telegram would; returns the HTTP status
        (0: Telegram would not send this update to the bot at all)."""
        if self.transport == "webhook":
            if not self.fake.deliverable(update):
                return 0
            assert self.webhook_url is not None
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
            async with (
                aiohttp.ClientSession() as session,
                session.post(self.webhook_url, json=update, headers=headers) as response,
            ):
                return response.status
        self.fake.push(update)
        await self.fake.wait_acked(update["update_id"])
        return 200 if self.fake.deliverable(update) else 0

    async def deliver(self) -> None:
        """Apply what the platform sent (the inbox), then send what the desk said."""
        await self.core.inbox.apply_all()
        await self.core.dispatcher.run_until_idle()

    async def say(self, chat_id: int, user: dict[str, Any], text: str, **kw: Any) -> dict[str, Any]:
        """A person writes; the update is fed and everything it caused is delivered."""
        message = self.fake.incoming(chat_id, user, text, **kw)
        await self.feed(self.fake.message_update(message))
        await self.deliver()
        return message

    async def press(self, user: dict[str, Any], message: SentMessage, label: str) -> None:
        data = message.button(label)["callback_data"]
        await self.feed(self.fake.callback_update(user, message, data))
        await self.deliver()

    async def react(self, user: dict[str, Any], message: SentMessage, emoji: str) -> None:
        await self.feed(
            self.fake.reaction_update(message.chat_id, user, message.message_id, (emoji,))
        )
        await self.deliver()

    def last_to(self, chat_id: int) -> SentMessage:
        return self.fake.messages_in(chat_id)[-1]

    def opened_to(self, chat_id: int) -> SentMessage:
        """The "Ticket #N opened" answer, followed by the first of the optional questions
        about what is still unknown (core.desk.details)."""
        *_, opened, question = self.fake.messages_in(chat_id)
        assert question.text.startswith("To help the agents with ticket #"), question.text
        return opened

    def card(self, number: int) -> SentMessage:
        title = f"Ticket #{number}:"
        cards = [m for m in self.fake.messages_in(AGENTS) if m.text.startswith(title)]
        assert cards, f"no card for #{number}"
        return cards[0]


async def start_desk(
    tmp_path: Path,
    faq: FaqService,
    *,
    transport: str,
    forum: bool,
    fake: FakeTelegram | None = None,
    database_url: str | None = None,
    token: str | None = None,
    bot_status: str = "administrator",
    service_file: Path | None = None,
) -> AsyncIterator[Harness]:
    fake = fake or FakeTelegram()
    if AGENTS not in fake.migrated:
        fake.add_chat(AGENTS, "supergroup", "Help desk agents", is_forum=forum)
    fake.members[(AGENTS, fake.bot_id)] = bot_status
    api = await fake.start()
    port = _free_port()
    env: dict[str, Any] = {
        "HELPDESK_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        "HELPDESK_FAQ_DIR": str(REPO / "faq"),
        "TELEGRAM_BOT_TOKEN": token or fake.token,
        "TELEGRAM_AGENTS_CHAT_ID": AGENTS,
        "TELEGRAM_API_URL": api,
        "HELPDESK_SERVICE_FILE": str(service_file or tmp_path / "no-service.yaml"),
    }
    if transport == "webhook":
        env["TELEGRAM_WEBHOOK_URL"] = "https://desk.example.com"
        env["TELEGRAM_WEBHOOK_SECRET"] = SECRET
    settings = Settings(_env_file=None, **env)
    clock = FakeClock(utc_now())
    async with platform_core(settings, faq, clock, connect_telegram) as (core, telegram):
        runtime = telegram.runtime(core)
        http = build_http_app(core)
        runtime.mount(http)
        runner: web.AppRunner = await start_http(http, "127.0.0.1", port)
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}" if transport == "webhook" else None
        try:
            await runtime.start()
            yield Harness(fake, core, runtime, transport, clock, url)
        finally:
            await runtime.stop()
            await runner.cleanup()
            await fake.stop()


FACILITIES = -1009876543210  # the facilities team's group
ANNA_ID = 201  # an agent of IT (the agents' group)
FAY_ID = 301  # an agent of facilities


async def two_team_desk(tmp_path: Path, faq: FaqService) -> AsyncIterator[Harness]:
    """A desk with two teams, each with its own group: IT in the agents' group (Anna),
    facilities in FACILITIES (Fay)."""
    service = tmp_path / "service.yaml"
    service.write_text(
        "teams:\n"
        f"  it: {{categories: [it, general, hr, finance], telegram_chat: {AGENTS}}}\n"
        f"  facilities: {{categories: [facilities], telegram_chat: {FACILITIES}}}\n",
        encoding="utf-8",
    )
    fake = FakeTelegram()
    fake.add_chat(FACILITIES, "supergroup", "Facilities agents")
    fake.members[(FACILITIES, fake.bot_id)] = "administrator"
    fake.members[(FACILITIES, FAY_ID)] = "member"
    fake.members[(AGENTS, ANNA_ID)] = "member"
    async for h in start_desk(
        tmp_path, faq, transport="webhook", forum=False, fake=fake, service_file=service
    ):
        yield h
