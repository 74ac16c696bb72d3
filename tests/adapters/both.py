"""Both fake platforms at once behind one desk: what `helpdesk run --adapter all` starts.

Slack over HTTP against tests/fakes/slack_api.py, Telegram long polling against
tests/fakes/telegram_api.py, one core (one inbox, one outbox) behind both.
"""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bots.http import build_http_app
from bots.runtime import share_files
from bots.settings import Settings
from bots.slack_runtime import connect_slack
from bots.telegram_runtime import connect_telegram
from bots.wiring import build_core
from core.faq.service import FaqService
from core.storage.db import Database
from tests.adapters.slack.conftest import AGENTS as SLACK_AGENTS
from tests.adapters.slack.conftest import ALICE, BOB, CAROL, GENERAL, SECRET, SlackHarness
from tests.adapters.telegram.harness import AGENTS as TELEGRAM_AGENTS
from tests.adapters.telegram.harness import Harness as TelegramHarness
from tests.fakes.slack_api import BOT_TOKEN, BOT_USER, FakeSlackApi
from tests.fakes.telegram_api import FakeTelegram
from tests.support import PLAIN_TUNING, FakeClock

ALICE_TG = 301  # Alice's Telegram user id (and her private chat with the bot)
BORIS_TG = 302  # an agent in the Telegram agents' group

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@dataclass
class BothPlatforms:
    slack: SlackHarness
    telegram: TelegramHarness
    db: Database

    async def deliver(self) -> None:
        await self.slack.deliver()  # one core behind both: its inbox and its outbox


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def both_platforms(
    tmp_path: Path,
    small_kb: Path,
    *,
    telegram_agents: bool = True,
    service_yaml: str | None = None,
) -> AsyncIterator[BothPlatforms]:
    """One desk, Slack over HTTP, Telegram polling. Slack's agents' channel is always set
    (the Slack adapter needs one); `telegram_agents=False` leaves TELEGRAM_AGENTS_CHAT_ID
    unset, and `service_yaml` is the service file's text (teams with their places)."""
    slack_api = FakeSlackApi()
    slack_api.add_user(ALICE, "Alice")
    slack_api.add_user(BOB, "Bob")
    slack_api.add_user(CAROL, "Carol")
    slack_api.add_channel(SLACK_AGENTS, [BOT_USER, BOB, CAROL])
    slack_api.add_channel(GENERAL, [BOT_USER, ALICE, BOB, CAROL])
    telegram_api = FakeTelegram()
    telegram_api.add_chat(TELEGRAM_AGENTS, "supergroup", "Help desk agents", is_forum=False)
    telegram_api.members[(TELEGRAM_AGENTS, telegram_api.bot_id)] = "administrator"
    telegram_api.members[(TELEGRAM_AGENTS, BORIS_TG)] = "member"
    await slack_api.start()
    telegram_url = await telegram_api.start()
    service_file = tmp_path / "service.yaml"
    if service_yaml is not None:
        service_file.write_text(service_yaml, encoding="utf-8")
    env: dict[str, Any] = {"TELEGRAM_AGENTS_CHAT_ID": TELEGRAM_AGENTS} if telegram_agents else {}
    settings = Settings(
        _env_file=None,
        HELPDESK_SERVICE_FILE=str(service_file),
        HELPDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'both.db'}",
        HELPDESK_FAQ_DIR=str(small_kb),
        HELPDESK_LANG="en",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_AGENTS_CHANNEL=SLACK_AGENTS,
        SLACK_API_URL=slack_api.base_url,
        TELEGRAM_BOT_TOKEN=telegram_api.token,
        TELEGRAM_API_URL=telegram_url,
        **env,
    )
    db = Database(settings.database_url)
    await db.upgrade()
    slack_connection = connect_slack(settings, db)
    telegram_connection = connect_telegram(settings, db)
    share_files([slack_connection, telegram_connection])
    senders = {
        slack_connection.platform: slack_connection.sender,
        telegram_connection.platform: telegram_connection.sender,
    }
    clock = FakeClock(datetime.now(UTC))
    faq = FaqService(small_kb, "en")
    port = _free_port()
    try:
        async with build_core(
            settings, db=db, faq=faq, clock=clock, senders=senders, tuning=PLAIN_TUNING
        ) as core:
            slack_runtime = slack_connection.runtime(core)
            telegram_runtime = telegram_connection.runtime(core)
            http = build_http_app(core)
            slack_runtime.mount(http)
            telegram_runtime.mount(http)
            runner = web.AppRunner(http, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            await slack_runtime.start()
            await telegram_runtime.start()
            try:
                async with aiohttp.ClientSession() as session:
                    url = f"http://127.0.0.1:{port}/slack/events"
                    yield BothPlatforms(
                        slack=SlackHarness(slack_api, core, clock, url, session, slack_runtime),
                        telegram=TelegramHarness(
                            telegram_api, core, telegram_runtime, "polling", clock, None
                        ),
                        db=db,
                    )
            finally:
                await telegram_runtime.stop()
                await slack_runtime.stop()
                await runner.cleanup()
    finally:
        await db.dispose()
        await telegram_api.stop()
        await slack_api.stop()
