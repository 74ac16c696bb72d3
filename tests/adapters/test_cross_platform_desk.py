"""One desk for both messengers: a ticket is worked wherever its team's agents are.

A Telegram requester served by a team that lives in Slack, a Slack requester served by a
team that lives in Telegram, and a team with places on both, where each place sees what
the other did. Both fake platforms run at once behind one core (tests/adapters/both.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.both import BORIS_TG, BothPlatforms, both_platforms
from tests.adapters.slack.conftest import AGENTS as SLACK_AGENTS
from tests.adapters.slack.conftest import ALICE, BOB, running_slack
from tests.adapters.telegram.harness import AGENTS as TELEGRAM_AGENTS
from tests.fakes.telegram_api import SentMessage

OLGA_TG = 311  # a requester who only uses Telegram
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 16 + b"\xff\xd9"  # a small JPEG's bytes

# A team for IT questions that lives only in the Telegram group; the rest in Slack.
REMOTE_IT = f"""
teams:
  office: {{categories: [general, hr, facilities, finance], default: true}}
  remote: {{categories: [it], telegram_chat: {TELEGRAM_AGENTS}}}
"""


def slack_cards(both: BothPlatforms, number: int) -> list[str]:
    return [
        m.text
        for m in both.slack.api.posted(SLACK_AGENTS)
        if m.thread_ts is None and m.text.startswith(f"Ticket #{number}:")
    ]


def telegram_thread(both: BothPlatforms, card: SentMessage) -> list[str]:
    """What the Telegram group shows in reply to a ticket's card (a group without topics)."""
    return [
        m.text
        for m in both.telegram.fake.messages_in(TELEGRAM_AGENTS)
        if m.reply_to == card.message_id
    ]


async def test_a_telegram_requester_is_served_from_the_slack_channel(
    tmp_path: Path, small_kb: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Only Slack has an agents' place: TELEGRAM_AGENTS_CHAT_ID is not set, and the start
    # does not warn about it (Telegram's tickets have somewhere to go).
    async with both_platforms(tmp_path, small_kb, telegram_agents=False) as both:
        assert "TELEGRAM_AGENTS_CHAT_ID is not set" not in caplog.text
        slack, telegram = both.slack, both.telegram
        olga = telegram.fake.user(OLGA_TG, "Olga")

        await telegram.say(OLGA_TG, olga, "/ticket My laptop screen flickers")
        assert telegram.opened_to(OLGA_TG).text.startswith("Ticket #1 opened")
        card = slack.card(1)
        card_text = str(card.blocks)
        assert "Olga (via Telegram)" in card_text and "My laptop screen flickers" in card_text
        assert f"<@{OLGA_TG}>" not in card_text and f"<@{OLGA_TG}>" not in card.text

        # 👀 in Slack claims it; the requester hears it in Telegram
        await slack.reaction(BOB, SLACK_AGENTS, card.ts, "eyes")
        await slack.deliver()
        assert "<@UBOB>" in str(slack.card(1).blocks) and "claimed" in slack.card(1).text
        assert telegram.last_to(OLGA_TG).text == "Bob is now handling your ticket #1."

        # the answer in the Slack thread reaches her Telegram chat; a note does not
        _, reply_ts = await slack.thread_reply(BOB, card.ts, "Please restart it holding F2")
        await slack.thread_reply(BOB, card.ts, "note: probably the panel cable")
        await slack.deliver()
        answer = telegram.last_to(OLGA_TG)
        assert answer.text == "Bob · #1\nPlease restart it holding F2"
        assert not any("panel cable" in t for t in telegram.fake.texts_to(OLGA_TG))

        # an edit in Slack changes her copy in Telegram
        await slack.event(slack.api.human_edit(SLACK_AGENTS, reply_ts, "Restart it holding F12"))
        await slack.deliver()
        assert answer.text == "Bob · #1\nRestart it holding F12 (edited)"

        # her reply in Telegram reaches the Slack thread
        await telegram.say(OLGA_TG, olga, "Done, it still flickers")
        assert slack.thread(1)[-1] == "Olga: Done, it still flickers"

        # her photo reaches the Slack thread as a file Bob opens, with the photo's bytes
        telegram.fake.add_file("AgACPHOTO-flicker", PHOTO, "photos/file_7.jpg")
        message = telegram.fake.incoming(
            OLGA_TG, olga, None, photo="AgACPHOTO-flicker", caption="This is how it looks"
        )
        await telegram.feed(telegram.fake.message_update(message))
        await telegram.deliver()
        assert "Olga: This is how it looks [1 attachment]" in slack.thread(1)
        [photo] = slack.api.files_in(SLACK_AGENTS, card.ts)
        assert (photo.name, photo.content) == ("file_7.jpg", PHOTO)

        # a Slack agent passes it on to another Slack agent
        await slack.command(BOB, "assign 1 @Carol", channel=SLACK_AGENTS)
        await slack.deliver()
        assert "<@UCAROL>" in str(slack.card(1).blocks)
        assert telegram.last_to(OLGA_TG).text == "Carol is now handling your ticket #1."

        # ✅ in Slack resolves it; she rates it in Telegram, the Slack card shows the rating
        await slack.reaction(BOB, SLACK_AGENTS, card.ts, "white_check_mark")
        await slack.deliver()
        assert "resolved" in slack.card(1).text
        resolved = telegram.last_to(OLGA_TG)
        assert resolved.text.startswith("Your ticket #1 was resolved by Bob.")
        await telegram.press(olga, resolved, "5⭐")
        assert telegram.last_to(OLGA_TG).text == "Thank you! You rated ticket #1 5/5."
        await slack.deliver()
        assert "5/5" in str(slack.card(1).blocks)
        # nothing went to a Telegram group: there is none
        assert not telegram.fake.messages_in(TELEGRAM_AGENTS)


async def test_a_slack_requester_is_served_from_the_telegram_group(
    tmp_path: Path, small_kb: Path
) -> None:
    async with both_platforms(
        tmp_path, small_kb, telegram_agents=False, service_yaml=REMOTE_IT
    ) as both:
        slack, telegram = both.slack, both.telegram
        boris = telegram.fake.user(BORIS_TG, "Boris")

        # an IT question: the remote team's, whose place is the Telegram group only
        await slack.command(ALICE, "VPN does not work from home")
        await slack.deliver()
        assert slack.api.dm_texts(ALICE)[0].startswith("Ticket #1 opened")
        assert slack_cards(both, 1) == []
        card = telegram.card(1)
        assert "Requester: Alice (via Slack)" in card.text
        assert "Team: remote" in card.text

        # 👀 in Telegram claims it; Alice hears it in Slack
        await telegram.react(boris, card, "👀")
        assert "Assignee: Boris" in card.text and "State: claimed" in card.text
        assert slack.api.dm_texts(ALICE)[-1] == "Boris is now handling your ticket #1."

        # a reply to the card reaches her DM, in the ticket's thread there
        reply = await telegram.say(
            TELEGRAM_AGENTS, boris, "Which VPN client do you use?", reply_to=card.message_id
        )
        thread = slack.ticket_thread(ALICE, 1)
        [copy] = [m for m in slack.api.posted(slack.api.dms[ALICE]) if "VPN client" in m.text]
        assert copy.text == "Boris (#1): Which VPN client do you use?"
        assert copy.thread_ts == thread

        # an edit in Telegram changes her copy in Slack
        await telegram.feed(telegram.fake.edited_update(reply, "Which VPN app do you use?"))
        await telegram.deliver()
        assert slack.api.message(copy.channel, copy.ts).text == (
            "Boris (#1): Which VPN app do you use? (edited)"
        )

        # her answer in the DM thread reaches the card's thread in Telegram
        await slack.dm(ALICE, "GlobalConnect 5", thread_ts=thread)
        await slack.deliver()
        assert telegram_thread(both, card)[-1] == "Alice · #1\nGlobalConnect 5"

        # /queue in the group lists Slack requesters' open tickets too
        await slack.command(ALICE, "VPN does not work from home")
        await slack.deliver()
        await telegram.say(TELEGRAM_AGENTS, boris, "/queue")
        assert "#2 [open]" in telegram.last_to(TELEGRAM_AGENTS).text

        # 👌 resolves it; Alice rates it in Slack; the Telegram card shows the rating
        await telegram.react(boris, card, "👌")
        assert "State: resolved" in card.text
        rating = slack.api.posted(slack.api.dms[ALICE])[-1]
        assert rating.text.startswith("Your ticket #1 was resolved by Boris.")
        five = rating.blocks[-1]["elements"][4]  # type: ignore[index]
        await slack.click(ALICE, slack.api.dms[ALICE], rating.ts, five)
        await slack.deliver()
        assert slack.api.dm_texts(ALICE)[-1] == "Thank you! You rated ticket #1 5/5."
        assert "Rating: 5/5" in card.text


async def test_a_team_on_both_platforms_sees_one_ticket_in_both_places(
    tmp_path: Path, small_kb: Path
) -> None:
    # SLACK_AGENTS_CHANNEL and TELEGRAM_AGENTS_CHAT_ID: the one team has a place on each
    async with both_platforms(tmp_path, small_kb) as both:
        slack, telegram = both.slack, both.telegram
        olga = telegram.fake.user(OLGA_TG, "Olga")
        boris = telegram.fake.user(BORIS_TG, "Boris")

        await telegram.say(OLGA_TG, olga, "/ticket The printer on floor 2 jams")
        await slack.deliver()
        slack_card, telegram_card = slack.card(1), telegram.card(1)
        assert "Requester: Olga\n" in telegram_card.text + "\n"  # her own platform: no "via"
        assert "Olga (via Telegram)" in str(slack_card.blocks)

        # a claim in Slack shows on the Telegram card; a claim there loses to it
        await slack.reaction(BOB, SLACK_AGENTS, slack_card.ts, "eyes")
        await slack.deliver()
        assert "Assignee: Bob (via Slack)" in telegram_card.text
        assert "State: claimed" in telegram_card.text
        await telegram.react(boris, telegram_card, "👀")
        assert "already claimed by Bob" in telegram.last_to(TELEGRAM_AGENTS).text
        assert "Assignee: Bob (via Slack)" in telegram_card.text
        assert "<@UBOB>" in str(slack.card(1).blocks)

        # Bob's answer and his note in Slack are mirrored into the Telegram thread
        _, answer_ts = await slack.thread_reply(
            BOB, slack_card.ts, "Open tray 2 and pull the sheet"
        )
        await slack.thread_reply(BOB, slack_card.ts, "note: the roller is worn")
        await slack.deliver()
        assert telegram.last_to(OLGA_TG).text == "Bob · #1\nOpen tray 2 and pull the sheet"
        assert telegram_thread(both, telegram_card)[-2:] == [
            "Bob via Slack · #1\nOpen tray 2 and pull the sheet",
            "📝 Note · Bob via Slack · #1\nthe roller is worn",
        ]
        assert not any("roller" in t for t in telegram.fake.texts_to(OLGA_TG))

        # Bob makes his answer a note: Olga's copy is withdrawn, the mirror becomes a note
        [mirror] = [
            m
            for m in telegram.fake.messages_in(TELEGRAM_AGENTS)
            if m.text == "Bob via Slack · #1\nOpen tray 2 and pull the sheet"
        ]
        await slack.event(slack.api.human_edit(SLACK_AGENTS, answer_ts, "note: tray 2 is broken"))
        await slack.deliver()
        assert not any("tray 2" in t for t in telegram.fake.texts_to(OLGA_TG))
        assert mirror.text.startswith("📝 Note · Bob via Slack · #1\n")
        assert "tray 2 is broken" in mirror.text

        # Boris's answer in Telegram is mirrored into the Slack thread
        await telegram.say(
            TELEGRAM_AGENTS, boris, "Also check tray 3", reply_to=telegram_card.message_id
        )
        assert telegram.last_to(OLGA_TG).text == "Boris · #1\nAlso check tray 3"
        await slack.deliver()
        assert slack.thread(1)[-1] == "Boris via Telegram (#1): Also check tray 3"

        # the requester's message reaches both places, once each
        await telegram.say(OLGA_TG, olga, "It works now, thanks")
        await slack.deliver()
        assert slack.thread(1).count("Olga: It works now, thanks") == 1
        assert telegram_thread(both, telegram_card).count("Olga · #1\nIt works now, thanks") == 1

        # 👌 in Telegram resolves it: both cards show it, Olga is asked once
        await telegram.react(boris, telegram_card, "👌")
        await slack.deliver()
        assert "State: resolved" in telegram_card.text
        assert "resolved" in slack.card(1).text
        asked = [t for t in telegram.fake.texts_to(OLGA_TG) if "was resolved" in t]
        assert len(asked) == 1 and asked[0].startswith("Your ticket #1 was resolved by Boris.")


async def test_a_telegram_agents_edit_reaches_both_slack_copies_of_his_answer(
    tmp_path: Path, small_kb: Path
) -> None:
    """A Slack requester, a team on both: Boris's answer from Telegram has two copies in
    Slack, Alice's and the agents' thread's; editing it changes each, in its own place."""
    async with both_platforms(tmp_path, small_kb) as both:
        slack, telegram = both.slack, both.telegram
        boris = telegram.fake.user(BORIS_TG, "Boris")
        await slack.command(ALICE, "My monitor stays black")
        await slack.deliver()
        card = telegram.card(1)
        assert "Requester: Alice (via Slack)" in card.text

        reply = await telegram.say(
            TELEGRAM_AGENTS, boris, "Is the cable in?", reply_to=card.message_id
        )
        await slack.deliver()
        [dm_copy] = [m for m in slack.api.posted(slack.api.dms[ALICE]) if "cable" in m.text]
        assert dm_copy.text == "Boris (#1): Is the cable in?"
        assert slack.thread(1)[-1] == "Boris via Telegram (#1): Is the cable in?"

        await telegram.feed(telegram.fake.edited_update(reply, "Is the HDMI cable in?"))
        await telegram.deliver()
        assert slack.api.message(dm_copy.channel, dm_copy.ts).text == (
            "Boris (#1): Is the HDMI cable in? (edited)"
        )
        assert slack.thread(1)[-1] == "Boris via Telegram (#1): Is the HDMI cable in? (edited)"
        assert len([t for t in slack.thread(1) if "cable" in t]) == 1  # updated, not posted


async def test_a_team_whose_group_is_on_a_platform_the_desk_does_not_run_falls_back(
    tmp_path: Path, small_kb: Path
) -> None:
    """Only Slack runs: the remote team's Telegram group cannot receive anything, so its
    tickets go to the Slack agents' channel, as they did before teams crossed platforms."""
    service = tmp_path / "service.yaml"
    service.write_text(REMOTE_IT, encoding="utf-8")
    async with running_slack(tmp_path, small_kb, service_file=service) as slack:
        await slack.command(ALICE, "VPN does not work from home")
        await slack.deliver()
        card = slack.card(1)
        assert "<@UALICE>" in str(card.blocks) and "via" not in str(card.blocks)
        assert "remote" in str(card.blocks)
        await slack.reaction(BOB, SLACK_AGENTS, card.ts, "eyes")
        await slack.deliver()
        assert slack.api.dm_texts(ALICE)[-1] == "Bob is now handling your ticket #1."


async def test_a_telegram_agents_photo_reaches_the_slack_requester_as_a_file_she_can_open(
    tmp_path: Path, small_kb: Path
) -> None:
    """A Slack requester served from the Telegram group: Boris answers with a screenshot;
    Alice gets it in her ticket's DM thread as a Slack file with the photo's bytes."""
    async with both_platforms(
        tmp_path, small_kb, telegram_agents=False, service_yaml=REMOTE_IT
    ) as both:
        slack, telegram = both.slack, both.telegram
        boris = telegram.fake.user(BORIS_TG, "Boris")
        await slack.command(ALICE, "VPN does not work from home")
        await slack.deliver()
        card = telegram.card(1)
        await telegram.react(boris, card, "👀")

        telegram.fake.add_file("AgACPHOTO-settings", PHOTO, "photos/file_9.jpg")
        photo = telegram.fake.incoming(
            TELEGRAM_AGENTS,
            boris,
            None,
            reply_to=card.message_id,
            photo="AgACPHOTO-settings",
            caption="Use these settings",
        )
        await telegram.feed(telegram.fake.message_update(photo))
        await telegram.deliver()

        dm, thread = slack.api.dms[ALICE], slack.ticket_thread(ALICE, 1)
        assert "Boris (#1): Use these settings [1 attachment]" in slack.api.dm_texts(ALICE)
        [copy] = slack.api.files_in(dm, thread)
        assert (copy.name, copy.content) == ("file_9.jpg", PHOTO)
