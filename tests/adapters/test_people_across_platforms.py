"""One person in Slack and in Telegram: both fake platforms at once behind one desk.

Alice asks for a code with `/ticket link` in Slack and gives it to the bot with `/link CODE`
in her Telegram chat; after that her tickets from both platforms are one list in `/status`
on either side, one profile behind the card's Person button (ephemeral in Slack, a reply
to the card in Telegram) and in `helpdesk people show`.
"""

from __future__ import annotations

from pathlib import Path

from core.people import person_profile
from tests.adapters.both import ALICE_TG, BORIS_TG, CODE, both_platforms
from tests.adapters.slack.conftest import AGENTS as SLACK_AGENTS
from tests.adapters.slack.conftest import ALICE, BOB
from tests.adapters.telegram.harness import AGENTS as TELEGRAM_AGENTS


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
        assert telegram.opened_to(ALICE_TG).text.startswith("Ticket #2 opened")

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
