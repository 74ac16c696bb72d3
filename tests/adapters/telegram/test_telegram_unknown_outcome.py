"""Telegram answers that could not be read, or came too late: delivered once, never ten times."""

from __future__ import annotations

from adapters.telegram.sender import TelegramSender
from tests.adapters.telegram.harness import Harness

OLGA_ID = 111
ANNA_ID = 201
BOT_API_TIMEOUT = 0.5  # seconds: aiogram gives up on an answer this late
LATE = 1.5  # seconds: how late the slow answer comes


async def test_a_video_whose_answer_aiogram_cannot_parse_is_delivered_once(desk: Harness) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    await desk.say(OLGA_ID, olga, "/ticket My screen flickers")
    desk.fake.undecodable_next("sendVideo")
    video = desk.fake.incoming(OLGA_ID, olga, video="BAACAgVIDEO-file-id", caption="watch")
    await desk.feed(desk.fake.message_update(video))
    await desk.deliver()
    for _ in range(3):  # anything left to retry would go out now
        desk.clock.advance(600)
        await desk.deliver()
    videos = [
        m for m in desk.fake.messages_in(desk.agents) if m.media == "video:BAACAgVIDEO-file-id"
    ]
    assert len(videos) == 1
    assert len(desk.fake.calls_of("sendVideo")) == 1
    assert await desk.core.dispatcher.depth() == 0
    # the ticket's thread is not blocked: the next message follows at once
    await desk.say(OLGA_ID, olga, "It is worse now")
    assert desk.fake.messages_in(desk.agents)[-1].text.endswith("It is worse now")


async def test_a_message_whose_answer_aiogram_cannot_parse_is_delivered_once(
    desk: Harness,
) -> None:
    olga = desk.fake.user(OLGA_ID, "Olga")
    desk.fake.undecodable_next("sendMessage")
    await desk.say(OLGA_ID, olga, "How do I connect to the VPN?")
    desk.clock.advance(600)
    await desk.deliver()
    assert len(desk.fake.messages_in(OLGA_ID)) == 1
    assert len(desk.fake.calls_of("sendMessage")) == 1
    assert desk.core.dispatcher.stats.retried == {}
    assert await desk.core.dispatcher.depth() == 0


async def test_a_late_answer_is_tried_once_more_at_most(desk: Harness) -> None:
    sender = desk.core.dispatcher.senders["telegram"]
    assert isinstance(sender, TelegramSender)
    sender.bot.session.timeout = BOT_API_TIMEOUT
    olga = desk.fake.user(OLGA_ID, "Olga")
    desk.fake.late_next("sendMessage", LATE)
    desk.fake.late_next("sendMessage", LATE)
    await desk.say(OLGA_ID, olga, "How do I connect to the VPN?")
    for _ in range(3):
        desk.clock.advance(600)
        await desk.deliver()
    # Telegram cannot be asked whether it has a message: one more copy at most, and that
    # copy says it may be a second one.
    first, again = desk.fake.messages_in(OLGA_ID)
    assert "Sent again after a connection problem" not in first.text
    assert again.text.startswith(first.text)
    assert again.text.endswith(
        "Sent again after a connection problem: if you already have this message, ignore this copy."
    )
    assert desk.core.dispatcher.stats.unknown == {("telegram", "assumed_sent"): 1}
    assert await desk.core.dispatcher.depth() == 0
