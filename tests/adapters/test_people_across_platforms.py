"""One person in Slack and in Telegram: both fake platforms at once behind one desk.

Alice asks for a code with `/ticket link` in Slack and gives it to the bot with `/link CODE`
in her Telegram chat; after that her tickets from both platforms are one list in `/status`
on either side, one profile behind the card's Person button (ephemeral in Slack, a reply
to the card in Telegram) and in `helpdesk people show`.
"""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web

from bots.http import build_http_app
from bots.runtime import share_files
from bots.settings import Settings
from bots.slack_runtime import connect_slack
from bots.telegram_runtime import connect_telegram
from bots.wiring import build_core
from core.faq.service import FaqService
from core.people import person_profile
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
async def both_platforms(tmp_path: Path, small_kb: Path) -> AsyncIterator[BothPlatforms]:
    """What `helpdesk run --adapter all` starts: one desk, Slack over HTTP, Telegram polling."""
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
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        HELPDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'both.db'}",
        HELPDESK_FAQ_DIR=str(small_kb),
        HELPDESK_LANG="en",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_AGENTS_CHANNEL=SLACK_AGENTS,
        SLACK_API_URL=slack_api.base_url,
        TELEGRAM_BOT_TOKEN=telegram_api.token,
        TELEGRAM_AGENTS_CHAT_ID=TELEGRAM_AGENTS,
        TELEGRAM_API_URL=telegram_url,
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


async def test_a_person_linked_in_slack_and_telegram_has_one_list_and_one_profile(
    tmp_path: Path, small_kb: Path
) -> None:
    async with both_platforms(tmp_path, small_kb) as both:
        slack, telegram = both.slack, both.telegram
        alice_tg = telegram.fake.user(ALICE_TG, "Alice K")
        boris = telegram.fake.user(BORIS_TG, "Boris")

        # one ticket on each side before linking
        await slack.command(ALICE, "VPN drops every hour")
        await slack.deliver()
        await telegram.say(ALICE_TG, alice_tg, "/ticket printer jams on floor 2")
        assert telegram.last_to(ALICE_TG).text.startswith("Ticket #2 opened")

        # /ticket link in Slack gives a code in her DM; /link CODE in Telegram takes it
        await slack.command(ALICE, "link")
        await slack.deliver()
        match = CODE.search(slack.api.dm_texts(ALICE)[-1])
        assert match is not None, slack.api.dm_texts(ALICE)
        await telegram.say(ALICE_TG, alice_tg, f"/link {match.group(1)}")
        assert "you are also Alice on Slack" in telegram.last_to(ALICE_TG).text
        assert "you are also Alice K on Telegram" in slack.api.dm_texts(ALICE)[-1]
        await telegram.say(ALICE_TG, alice_tg, f"/link {match.group(1)}")
        assert "already been used" in telegram.last_to(ALICE_TG).text

        # a code is never shown to a group: /link there is not answered
        posted_before = len(telegram.fake.messages_in(TELEGRAM_AGENTS))
        await telegram.say(TELEGRAM_AGENTS, boris, "/link")
        assert len(telegram.fake.messages_in(TELEGRAM_AGENTS)) == posted_before

        # /status on either side lists both tickets
        await telegram.say(ALICE_TG, alice_tg, "/status")
        status_tg = telegram.last_to(ALICE_TG).text
        assert "#2" in status_tg and "printer jams" in status_tg
        assert "#1" in status_tg and "VPN drops" in status_tg
        await slack.command(ALICE, "status")
        await slack.deliver()
        status_slack = slack.api.dm_texts(ALICE)[-1]
        assert "#2" in status_slack and "#1" in status_slack

        # her next ticket's card counts both platforms
        await telegram.say(ALICE_TG, alice_tg, "/ticket VPN again")
        card = telegram.card(3)
        assert "3rd ticket this month · last: #2 printer jams on floor 2 (open)" in card.text

        # the Person button: a reply to the card in Telegram, only for Bob in Slack
        await telegram.press(boris, card, "Person")
        profile_tg = telegram.last_to(TELEGRAM_AGENTS)
        assert profile_tg.reply_to == card.message_id
        for expected in ("Alice", "Slack UALICE", f"Telegram {ALICE_TG}", "3 tickets"):
            assert expected in profile_tg.text
        for number in ("#1", "#2", "#3"):
            assert number in profile_tg.text

        slack_card = slack.card(1)
        await slack.click(
            BOB, SLACK_AGENTS, slack_card.ts, {"action_id": "card_person", "value": "1"}
        )
        await slack.deliver()
        (profile_slack,) = slack.api.ephemeral_texts(BOB)
        assert "#3" in profile_slack and f"Telegram {ALICE_TG}" in profile_slack
        public = [m for m in slack.api.posted(SLACK_AGENTS) if m.ephemeral_for is None]
        assert not any("Platforms" in m.text for m in public)

        # the operator's view: the same person whichever identity names her
        by_slack = await person_profile(both.db, "slack:UALICE", "en")
        by_telegram = await person_profile(both.db, f"telegram:{ALICE_TG}", "en")
        assert by_slack == by_telegram
        assert by_slack.platforms == ("slack", "telegram")
        assert [t.number for t in by_slack.open_tickets] == [3, 2, 1]
