"""Both fake platforms and the two senders as `helpdesk run --adapter all` wires them.

No desk: a test hands events to a sender the way the outbox dispatcher does, and looks
at what reached the fakes. The connections come from bots.slack_runtime and
bots.telegram_runtime and are joined by bots.runtime.share_files, so each sender reads
the other platform's files through the real file sources.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from bots.runtime import share_files
from bots.settings import Settings
from bots.slack_runtime import SlackConnection, connect_slack
from bots.telegram_runtime import TelegramConnection, connect_telegram
from core.domain import Priority, TicketState
from core.events import (
    CardChange,
    Event,
    PersonTarget,
    Relay,
    TicketCard,
    TicketThreadTarget,
    TicketView,
)
from core.storage.db import Database
from tests.fakes.slack_api import BOT_TOKEN, BOT_USER, FakeSlackApi
from tests.fakes.telegram_api import FakeTelegram

SLACK_AGENTS = "CAGENTS"
TELEGRAM_AGENTS = -1001234567890
SLACK_PERSON = "UALICE"  # someone in Slack
TELEGRAM_PERSON = 301  # someone in Telegram (and their private chat with the bot)


@dataclass
class BothSenders:
    slack_api: FakeSlackApi
    telegram_api: FakeTelegram
    slack: SlackConnection
    telegram: TelegramConnection

    async def slack_card(self, number: int, requester_platform: str = "telegram") -> str:
        """Post ticket `number`'s card in the Slack agents' channel; its ts (the thread)."""
        await self.slack.sender.send(card_event(number, "slack", requester_platform))
        ts = await self.slack.refs.get("card", str(number))
        assert ts is not None
        return ts

    async def telegram_card(self, number: int, requester_platform: str = "slack") -> int:
        """Post ticket `number`'s card in the Telegram agents' group; its message id."""
        await self.telegram.sender.send(card_event(number, "telegram", requester_platform))
        return self.telegram_api.messages_in(TELEGRAM_AGENTS)[-1].message_id


def view(number: int, platform: str) -> TicketView:
    requester = SLACK_PERSON if platform == "slack" else str(TELEGRAM_PERSON)
    return TicketView(
        number=number,
        platform=platform,
        requester_user_id=requester,
        requester_name="Alice",
        assignee_user_id=None,
        assignee_name=None,
        subject="Printer prints blank pages",
        text="Printer prints blank pages",
        category="hardware",
        priority=Priority.P3,
        state=TicketState.OPEN,
        created_at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
    )


def card_event(number: int, platform: str, requester_platform: str) -> Event:
    return Event(
        target=TicketThreadTarget(platform=platform, ticket_number=number),
        lang="en",
        payload=TicketCard(ticket=view(number, requester_platform), change=CardChange.OPENED),
    )


def relay_event(
    to: PersonTarget | TicketThreadTarget,
    *,
    source_platform: str | None,
    attachments: tuple[str, ...],
    text: str = "",
    number: int = 7,
    message_id: int = 70,
    role: Literal["requester", "agent"] = "requester",
    author: str = "Alice",
) -> Event:
    """A relayed message of ticket `number` as the desk queues it in the outbox."""
    relay = Relay(
        ticket_number=number,
        message_id=message_id,
        author_name=author,
        author_role=role,
        text=text,
        attachments=attachments,
        source_platform=source_platform,
    )
    return Event(target=to, lang="en", payload=relay)


@asynccontextmanager
async def both_senders(tmp_path: Path) -> AsyncIterator[BothSenders]:
    slack_api = FakeSlackApi()
    slack_api.add_user(SLACK_PERSON, "Alice")
    slack_api.add_user("UBOB", "Bob")
    slack_api.add_channel(SLACK_AGENTS, [BOT_USER, "UBOB"])
    telegram_api = FakeTelegram()
    telegram_api.add_chat(TELEGRAM_AGENTS, "supergroup", "Help desk agents", is_forum=False)
    telegram_api.members[(TELEGRAM_AGENTS, telegram_api.bot_id)] = "administrator"
    telegram_api.started.add(TELEGRAM_PERSON)  # they wrote to the bot: it may answer
    await slack_api.start()
    telegram_url = await telegram_api.start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        HELPDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'senders.db'}",
        HELPDESK_LANG="en",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET="test-signing-secret",
        SLACK_AGENTS_CHANNEL=SLACK_AGENTS,
        SLACK_API_URL=slack_api.base_url,
        TELEGRAM_BOT_TOKEN=telegram_api.token,
        TELEGRAM_AGENTS_CHAT_ID=TELEGRAM_AGENTS,
        TELEGRAM_API_URL=telegram_url,
    )
    db = Database(settings.database_url)
    await db.upgrade()
    slack = connect_slack(settings, db)
    telegram = connect_telegram(settings, db)
    share_files([slack, telegram])
    try:
        yield BothSenders(slack_api, telegram_api, slack, telegram)
    finally:
        await slack.session.close()
        await telegram.bot.session.close()
        await db.dispose()
        await telegram_api.stop()
        await slack_api.stop()
