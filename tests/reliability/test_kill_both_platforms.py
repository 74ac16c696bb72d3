"""kill -9 in the middle of a cross-platform ticket, with both fake platforms running.

`helpdesk run --adapter all` is a real process, started as an operator would (Slack over
HTTP, Telegram long polling, SQLite), against tests/fakes/slack_api.py and
tests/fakes/telegram_api.py. A Telegram requester's ticket is worked from the Slack
agents' channel: 👀 claims it, the answer in the thread reaches her in Telegram, her photo
reaches the thread as a file, ✅ resolves it and she rates it in Telegram. The process is
killed with SIGKILL at one point of that flow and started again (as systemd does);
nothing is lost and nothing reaches anyone twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, CAROL, GENERAL, SECRET, event_callback
from tests.fakes.slack_api import BOT_TOKEN, BOT_USER, FakeSlackApi, free_port, sign
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
SETTLE_TIMEOUT = 120.0  # generous bound so a broken build fails instead of hanging
OLGA = 311  # a requester who only uses Telegram
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 16 + b"\xff\xd9"  # a small JPEG's bytes

T = TypeVar("T")


def tail(log: Path) -> str:
    return "--- worker log ---\n" + log.read_text(errors="replace")[-3000:]


def outbox_settled(database: Path) -> bool:
    """Everything the desk queued so far is recorded as sent: a kill now catches only what
    comes next. (A message sent but not yet recorded when the process dies is sent again:
    the documented at-least-once window, README "What nothing lost, nothing twice means".)"""
    with closing(sqlite3.connect(database, timeout=5)) as conn:
        row = conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()
    return bool(row[0] == 0)


async def until(what: str, found: Callable[[], T], log: Path) -> T:
    """`found()` once it is truthy; fails naming `what` (and the worker's log) if it never is."""
    try:
        async with asyncio.timeout(SETTLE_TIMEOUT):
            while True:
                if value := found():
                    return value
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"never happened: {what}\n{tail(log)}") from None


@dataclass
class Desk:
    """The `helpdesk` process and what it takes to start it again."""

    env: dict[str, str]
    port: int
    log: Path
    proc: asyncio.subprocess.Process | None = None

    async def start(self, http: aiohttp.ClientSession) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                *("-m", "bots", "run", "--adapter", "all"),
                cwd=self.log.parent,
                env=self.env,
                stdout=out,
                stderr=out,
            )

        async def healthy() -> bool:
            try:
                async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                    return response.status == 200
            except aiohttp.ClientError:
                return False

        async with asyncio.timeout(SETTLE_TIMEOUT):
            while not await healthy():
                assert self.proc.returncode is None, tail(self.log)
                await asyncio.sleep(0.1)

    async def kill_and_restart(self, http: aiohttp.ClientSession) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        assert await self.proc.wait() == -signal.SIGKILL
        await self.start(http)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()


@asynccontextmanager
async def desk_with_both_fakes(
    tmp_path: Path,
) -> AsyncIterator[tuple[Desk, FakeSlackApi, FakeTelegram]]:
    slack = FakeSlackApi()
    for user, name in ((ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol")):
        slack.add_user(user, name)
    slack.add_channel(AGENTS, [BOT_USER, BOB, CAROL])
    slack.add_channel(GENERAL, [BOT_USER, ALICE, BOB, CAROL])
    telegram = FakeTelegram()
    await slack.start()
    telegram_url = await telegram.start()
    port = free_port()
    own = ("HELPDESK_", "SLACK_", "TELEGRAM_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)} | {
        "PYTHONPATH": str(ROOT),
        "HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        "HELPDESK_FAQ_DIR": str(ROOT / "faq"),
        "HELPDESK_FAQ_SEMANTIC": "off",
        "HELPDESK_HTTP_PORT": str(port),
        "HELPDESK_SERVICE_FILE": str(tmp_path / "no-service.yaml"),
        "HELPDESK_LOG_LEVEL": "INFO",
        # Only Slack has an agents' place: Telegram's tickets are worked there.
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_AGENTS_CHANNEL": AGENTS,
        "SLACK_API_URL": slack.base_url,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram_url,
    }
    desk = Desk(env, port, tmp_path / "worker.log")
    try:
        yield desk, slack, telegram
    finally:
        await desk.stop()
        await telegram.stop()
        await slack.stop()


@pytest.mark.parametrize("kill_after", ["agents_answer", "requesters_photo"])
async def test_a_telegram_requester_served_from_slack_loses_nothing_across_kill_minus_nine(
    kill_after: str, tmp_path: Path
) -> None:
    async with (
        desk_with_both_fakes(tmp_path) as (desk, slack, telegram),
        aiohttp.ClientSession() as http,
    ):
        log = desk.log
        await desk.start(http)

        async def slack_event(event: dict[str, Any]) -> None:
            body = json.dumps(event_callback(event))
            headers = {"Content-Type": "application/json", **sign(SECRET, body)}
            url = f"http://127.0.0.1:{desk.port}/slack/events"
            async with http.post(url, data=body.encode(), headers=headers) as response:
                assert response.status == 200, await response.text()

        async def react(name: str, ts: str) -> None:
            item = {"type": "message", "channel": AGENTS, "ts": ts}
            await slack_event(
                {
                    "type": "reaction_added",
                    "user": BOB,
                    "reaction": name,
                    "item_user": BOT_USER,
                    "item": item,
                }
            )

        def to_olga(text: str) -> list[str]:
            return [t for t in telegram.texts_to(OLGA) if text in t]

        olga = telegram.user(OLGA, "Olga")
        telegram.push(
            telegram.message_update(telegram.incoming(OLGA, olga, "/ticket My screen flickers"))
        )
        [card] = await until(
            "the card in Slack",
            lambda: [
                m
                for m in slack.posted(AGENTS)
                if m.thread_ts is None and m.text.startswith("Ticket #1")
            ],
            log,
        )
        assert "Olga (via Telegram)" in card.text

        await react("eyes", card.ts)
        await until(
            "the claim told to Olga", lambda: to_olga("Bob is now handling your ticket #1."), log
        )

        await until("the claim recorded", lambda: outbox_settled(tmp_path / "desk.db"), log)
        ts = slack.human_message(AGENTS, BOB, "Please restart it holding F2", thread_ts=card.ts)
        await slack_event(
            {
                "type": "message",
                "channel": AGENTS,
                "channel_type": "channel",
                "user": BOB,
                "text": slack.message(AGENTS, ts).text,
                "ts": ts,
                "thread_ts": card.ts,
            }
        )
        if kill_after == "agents_answer":  # acknowledged to Slack, perhaps not yet relayed
            await desk.kill_and_restart(http)
        await until(
            "the answer in Olga's chat", lambda: to_olga("Please restart it holding F2"), log
        )

        await until("the answer recorded", lambda: outbox_settled(tmp_path / "desk.db"), log)
        telegram.add_file("AgACPHOTO-flicker", PHOTO, "photos/file_7.jpg")
        photo = telegram.message_update(
            telegram.incoming(
                OLGA, olga, None, photo="AgACPHOTO-flicker", caption="This is how it looks"
            )
        )
        telegram.push(photo)
        if kill_after == "requesters_photo":  # confirmed to Telegram, perhaps not yet uploaded
            await telegram.wait_acked(photo["update_id"])
            await desk.kill_and_restart(http)
        [file] = await until(
            "the photo in the Slack thread", lambda: slack.files_in(AGENTS, card.ts), log
        )
        assert (file.name, file.content) == ("file_7.jpg", PHOTO)

        await react("white_check_mark", card.ts)
        resolved = await until(
            "the resolution in Olga's chat",
            lambda: [m for m in telegram.messages_in(OLGA) if "was resolved by Bob" in m.text],
            log,
        )
        data = resolved[-1].button("5⭐")["callback_data"]
        telegram.push(telegram.callback_update(olga, resolved[-1], data))
        await until("the thanks", lambda: to_olga("You rated ticket #1 5/5."), log)
        await until(
            "the rating on the card",
            lambda: "5/5" in str(slack.message(AGENTS, card.ts).blocks),
            log,
        )

        # Stop the worker (it finishes what it started), then count what everyone got.
        await desk.stop()
        olga_got = Counter(telegram.texts_to(OLGA))
        thread = Counter(m.text for m in slack.posted(AGENTS) if m.thread_ts == card.ts and m.text)
        assert [t for t, n in olga_got.items() if n > 1] == []
        assert [t for t, n in thread.items() if n > 1] == []
        assert len(to_olga("Please restart it holding F2")) == 1
        assert thread["Olga: This is how it looks [1 attachment]"] == 1
        assert len(slack.files_in(AGENTS, card.ts)) == 1
        assert len([m for m in slack.posted(AGENTS) if m.thread_ts is None]) == 1  # one card
