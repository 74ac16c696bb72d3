"""Files across platforms: a file shared in Telegram reaches Slack as a file, and back.

Each sender reads the other platform's file where it was shared (Telegram: getFile and
its download link; Slack: files.info and the private link with the bot token) and
uploads the bytes as a file of its own platform. A file that cannot cross becomes a
note where it would have been; files of the sender's own platform go as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.slack.codecs import file_ref
from core.delivery import PermanentFailure, RetryLater
from core.events import PersonTarget, TicketThreadTarget, event_from_json
from tests.adapters.both_senders import (
    SLACK_AGENTS,
    SLACK_PERSON,
    TELEGRAM_AGENTS,
    TELEGRAM_PERSON,
    both_senders,
    relay_event,
)
from tests.fakes.telegram_api import Upload

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 40
PDF = b"%PDF-1.7\n" + b"driver guide " * 500 + b"\n%%EOF"
MB = 1024 * 1024

SLACK_THREAD = TicketThreadTarget(platform="slack", ticket_number=7)
TELEGRAM_THREAD = TicketThreadTarget(platform="telegram", ticket_number=7)
TELEGRAM_REQUESTER = PersonTarget(platform="telegram", user_id=str(TELEGRAM_PERSON))
SLACK_REQUESTER = PersonTarget(platform="slack", user_id=SLACK_PERSON)


async def test_a_telegram_photo_reaches_the_slack_agents_thread_as_a_file_with_its_bytes(
    tmp_path: Path,
) -> None:
    async with both_senders(tmp_path) as both:
        both.telegram_api.add_file("AgACPHOTO-1", JPEG, "photos/file_12.jpg")
        card = await both.slack_card(7)

        await both.slack.sender.send(
            relay_event(
                SLACK_THREAD,
                source_platform="telegram",
                attachments=("photo:AgACPHOTO-1",),
                text="this is what it prints",
            )
        )

        thread = [m for m in both.slack_api.posted(SLACK_AGENTS) if m.thread_ts == card]
        assert [m.text for m in thread if m.text] == [
            "Alice: this is what it prints [1 attachment]"
        ]
        [copy] = both.slack_api.files_in(SLACK_AGENTS, card)
        assert (copy.name, copy.content) == ("file_12.jpg", JPEG)


async def test_slack_files_reach_the_telegram_agents_thread_as_a_photo_and_a_document(
    tmp_path: Path,
) -> None:
    async with both_senders(tmp_path) as both:
        shot = both.slack_api.add_file(SLACK_PERSON, "screenshot.png", PNG, "image/png")
        guide = both.slack_api.add_file(SLACK_PERSON, "guide.pdf", PDF, "application/pdf")
        card = await both.telegram_card(7)

        await both.telegram.sender.send(
            relay_event(
                TELEGRAM_THREAD,
                source_platform="slack",
                attachments=(
                    file_ref(str(shot["id"]), "screenshot.png"),
                    file_ref(str(guide["id"]), "guide.pdf"),
                ),
                text="the printer's settings",
            )
        )

        photo, document = both.telegram_api.messages_in(TELEGRAM_AGENTS)[-2:]
        assert photo.reply_to == document.reply_to == card  # in the card's thread
        assert photo.media is not None and photo.media.startswith("photo:")
        assert photo.upload == Upload("screenshot.png", PNG)
        assert "the printer's settings" in photo.text  # the message is the first file's caption
        assert document.media is not None and document.media.startswith("document:")
        assert document.upload == Upload("guide.pdf", PDF)


async def test_an_agents_slack_file_reaches_a_telegram_requester_as_a_document(
    tmp_path: Path,
) -> None:
    async with both_senders(tmp_path) as both:
        guide = both.slack_api.add_file("UBOB", "driver-guide.pdf", PDF, "application/pdf")

        await both.telegram.sender.send(
            relay_event(
                TELEGRAM_REQUESTER,
                source_platform="slack",
                attachments=(file_ref(str(guide["id"]), "driver-guide.pdf"),),
                text="install this driver",
                role="agent",
                author="Bob",
            )
        )

        [document] = both.telegram_api.messages_in(TELEGRAM_PERSON)
        assert document.upload == Upload("driver-guide.pdf", PDF)
        assert document.text == "Bob · #7\ninstall this driver"  # the caption


async def test_a_telegram_file_over_the_bots_download_limit_becomes_a_note_in_slack(
    tmp_path: Path,
) -> None:
    async with both_senders(tmp_path) as both:
        both.telegram_api.add_file("BQACDOC-1", b"...", "documents/file_3.mp4", size=25 * MB)
        card = await both.slack_card(7)

        await both.slack.sender.send(
            relay_event(
                SLACK_THREAD,
                source_platform="telegram",
                attachments=("document:BQACDOC-1",),
                text="a recording of the noise",
            )
        )

        thread = [m.text for m in both.slack_api.posted(SLACK_AGENTS) if m.thread_ts == card]
        assert thread == [
            "Alice: a recording of the noise [1 attachment]",
            "📎 document was not passed on: it is larger than 20 MB.",
        ]
        assert both.slack_api.files_in(SLACK_AGENTS, card) == []


async def test_a_slack_file_over_telegrams_upload_limit_is_noted_to_the_requester_and_the_card(
    tmp_path: Path,
) -> None:
    async with both_senders(tmp_path) as both:
        video = both.slack_api.add_file(
            "UBOB", "screen.mov", b"...", "video/quicktime", size=60 * MB
        )

        with pytest.raises(PermanentFailure, match=r"screen\.mov: larger than 50 MB"):
            await both.telegram.sender.send(
                relay_event(
                    TELEGRAM_REQUESTER,
                    source_platform="slack",
                    attachments=(file_ref(str(video["id"]), "screen.mov"),),
                    text="watch how I do it",
                    role="agent",
                    author="Bob",
                )
            )

        # The message still arrives, then the note; the failure puts it on the card.
        assert both.telegram_api.texts_to(TELEGRAM_PERSON) == [
            "Bob · #7\nwatch how I do it",
            "📎 screen.mov was not passed on: it is larger than 50 MB.",
        ]
        assert not [c for c in both.telegram_api.calls if "<upload>" in str(c.params)]


async def test_a_telegram_agents_file_that_cannot_be_read_is_noted_to_a_slack_requester(
    tmp_path: Path,
) -> None:
    async with both_senders(tmp_path) as both:
        with pytest.raises(PermanentFailure, match="invalid file_id"):
            await both.slack.sender.send(
                relay_event(
                    SLACK_REQUESTER,
                    source_platform="telegram",
                    attachments=("document:BQACGONE",),  # Telegram no longer has it
                    text="here is the form",
                    role="agent",
                    author="Boris",
                )
            )

        assert [t for t in both.slack_api.dm_texts(SLACK_PERSON) if t] == [
            "Boris (#7): here is the form [1 attachment]",
            "📎 document could not be passed on (Bad Request: invalid file_id).",
        ]


async def test_a_crossing_file_is_uploaded_once_when_the_delivery_is_retried(
    tmp_path: Path,
) -> None:
    async with both_senders(tmp_path) as both:
        both.telegram_api.add_file("AgACPHOTO-2", JPEG, "photos/file_13.jpg")
        card = await both.slack_card(7)
        both.slack_api.fail_next("files.completeUploadExternal")
        event = relay_event(
            SLACK_THREAD, source_platform="telegram", attachments=("photo:AgACPHOTO-2",)
        )

        with pytest.raises(RetryLater):
            await both.slack.sender.send(event)
        await both.slack.sender.send(event)  # the outbox's retry

        thread = [m for m in both.slack_api.posted(SLACK_AGENTS) if m.thread_ts == card]
        assert [m.text for m in thread if m.text] == ["Alice: [1 attachment]"]
        [copy] = both.slack_api.files_in(SLACK_AGENTS, card)
        assert copy.content == JPEG

        # Telegram: a refused second file is retried alone, the first is not sent again.
        shot = both.slack_api.add_file(SLACK_PERSON, "a.png", PNG, "image/png")
        guide = both.slack_api.add_file(SLACK_PERSON, "b.pdf", PDF, "application/pdf")
        await both.telegram_card(7)
        both.telegram_api.fail_next("sendDocument")
        event = relay_event(
            TELEGRAM_THREAD,
            source_platform="slack",
            attachments=(file_ref(str(shot["id"]), "a.png"), file_ref(str(guide["id"]), "b.pdf")),
        )
        with pytest.raises(RetryLater):
            await both.telegram.sender.send(event)
        await both.telegram.sender.send(event)
        uploads = [m.upload for m in both.telegram_api.messages_in(TELEGRAM_AGENTS) if m.upload]
        assert uploads == [Upload("a.png", PNG), Upload("b.pdf", PDF)]


async def test_a_relay_queued_before_files_crossed_still_goes_by_file_id(
    tmp_path: Path,
) -> None:
    # An outbox row written by the previous version: its Relay has no source_platform.
    old_row = (
        '{"target": {"kind": "ticket_thread", "platform": "telegram", "ticket_number": 7},'
        ' "lang": "en", "payload": {"kind": "relay", "ticket_number": 7, "message_id": 70,'
        ' "author_name": "Olga", "author_role": "requester", "text": "the screen",'
        ' "attachments": ["photo:AgACOLD-photo"]}}'
    )
    async with both_senders(tmp_path) as both:
        await both.telegram_card(7)
        await both.telegram.sender.send(event_from_json(old_row))

        relayed = both.telegram_api.messages_in(TELEGRAM_AGENTS)[-1]
        assert relayed.media == "photo:AgACOLD-photo"
        assert relayed.upload is None
        assert not both.telegram_api.calls_of("getFile")
