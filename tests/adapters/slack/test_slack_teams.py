"""Teams in Slack: a ticket's card goes to its team's channel, only that channel's members
may claim it, and a move to another team leaves a note on the old card and a new card."""

from __future__ import annotations

import json
from pathlib import Path

from tests.adapters.slack.conftest import AGENTS, ALICE, BOB, CAROL, running_slack

FACILITIES = "C0FAC"
SERVICE = f"""\
teams:
  it: {{categories: [it, general], slack_channel: {AGENTS}}}
  facilities: {{categories: [facilities], slack_channel: {FACILITIES}}}
"""
FAY = "UFAY"  # a member of the facilities channel only


def cards_in(api: object, channel: str) -> list[str]:
    return [
        m.text
        for m in api.posted(channel)  # type: ignore[attr-defined]
        if m.thread_ts is None and m.ephemeral_for is None and m.text.startswith("Ticket #")
    ]


async def test_a_facilities_ticket_goes_to_its_channel_and_only_its_members_claim_it(
    tmp_path: Path, small_kb: Path
) -> None:
    service = tmp_path / "service.yaml"
    service.write_text(SERVICE, encoding="utf-8")
    async with running_slack(
        tmp_path, small_kb, service_file=service, channels={FACILITIES: [FAY]}
    ) as slack:
        slack.api.add_user(FAY, "Fay")
        await slack.command(ALICE, "the door of room 4 is stuck")  # no category: it's
        await slack.interaction(
            {
                "type": "view_submission",
                "user": {"id": ALICE},
                "view": {
                    "id": "V9",
                    "type": "modal",
                    "hash": "h9",
                    "callback_id": "ticket_modal",
                    "state": {
                        "values": {
                            "text": {
                                "value": {"type": "plain_text_input", "value": "Broken chair"}
                            },
                            "category": {"value": {"selected_option": {"value": "facilities"}}},
                        }
                    },
                },
            }
        )
        await slack.deliver()
        assert [t.split(":")[0] for t in cards_in(slack.api, FACILITIES)] == ["Ticket #2"]
        assert all(not t.startswith("Ticket #2") for t in cards_in(slack.api, AGENTS))
        card = next(m for m in slack.api.posted(FACILITIES) if m.text.startswith("Ticket #2"))

        # Bob is an agent of IT (the agents' channel), not of facilities.
        await slack.command(BOB, "claim 2", channel=AGENTS)
        await slack.deliver()
        refused = [m.text for m in slack.api.messages if m.ephemeral_for == BOB]
        assert any("only its agents can take it" in text for text in refused), refused
        await slack.reaction(FAY, FACILITIES, card.ts, "eyes")
        await slack.deliver()
        claimed = next(m for m in slack.api.posted(FACILITIES) if m.ts == card.ts)
        assert "Fay" in str(claimed.blocks)

        # Moved to IT: the old card says where it went, IT's channel gets a card.
        await slack.command(CAROL, "team 2 it", channel=AGENTS)
        await slack.deliver()
        old = next(m for m in slack.api.posted(FACILITIES) if m.ts == card.ts)
        assert "Moved to team it by Carol" in str(old.blocks)
        assert any(t.startswith("Ticket #2") for t in cards_in(slack.api, AGENTS))


async def test_the_card_waits_for_the_requester_and_sets_the_kind(
    tmp_path: Path, small_kb: Path
) -> None:
    async with running_slack(tmp_path, small_kb) as slack:
        await slack.command(ALICE, "the printer prints blank pages")
        await slack.deliver()
        card = slack.card(1)
        elements = {e["action_id"]: e for e in card.blocks[-1]["elements"]}  # type: ignore[index]
        kinds = elements["card_kind"]["options"]
        incident = next(o for o in kinds if o["text"]["text"] == "incident")
        await slack.click(
            BOB,
            AGENTS,
            card.ts,
            {
                "action_id": "card_kind",
                "block_id": "card:1",
                "type": "static_select",
                "selected_option": {"value": incident["value"]},
            },
        )
        await slack.deliver()
        assert "*Kind*\\nincident" in str(slack.card(1).blocks)
        high = next(o for o in elements["card_impact"]["options"] if o["text"]["text"] == "high")
        await slack.click(
            BOB,
            AGENTS,
            card.ts,
            {
                "action_id": "card_impact",
                "block_id": "card:1",
                "type": "static_select",
                "selected_option": {"value": high["value"]},
            },
        )
        await slack.deliver()
        assert "high / -" in str(slack.card(1).blocks)  # the urgency stays unknown (medium)
        assert "P2 high" in str(slack.card(1).blocks)
        await slack.click(BOB, AGENTS, card.ts, elements["card_wait"])
        await slack.deliver()
        assert "waiting for requester" in str(slack.card(1).blocks)
        assert slack.api.dm_texts(ALICE)[-1].startswith(
            "We are waiting for your answer on ticket #1"
        )
        await slack.dm(ALICE, "it is the HP on floor 2", thread_ts=slack.ticket_thread(ALICE, 1))
        await slack.deliver()
        assert "The requester answered" in str(slack.card(1).blocks)
        assert "waiting for requester" not in str(slack.card(1).blocks)


def triage_form(user: str, text: str, **selected: str) -> dict[str, object]:
    """The `/ticket` form submitted (view_submission); selects left empty are absent
    (api.slack.com/reference/interaction-payloads/views)."""
    values: dict[str, object] = {"text": {"value": {"type": "plain_text_input", "value": text}}}
    for block, value in selected.items():
        values[block] = {"value": {"selected_option": {"value": value}}}
    view = {"id": "V7", "type": "modal", "hash": "h7", "callback_id": "ticket_modal"}
    return {
        "type": "view_submission",
        "user": {"id": user},
        "view": {**view, "state": {"values": values}},
    }


async def test_the_form_offers_the_areas_faq_entries_before_a_person(
    tmp_path: Path, small_kb: Path
) -> None:
    async with running_slack(tmp_path, small_kb) as slack:
        await slack.command(ALICE, "")  # `/ticket` alone opens the form
        (opened,) = slack.api.calls_of("views.open")
        view = opened.params["view"]
        view = json.loads(view) if isinstance(view, str) else view
        blocks = [b["block_id"] for b in view["blocks"]]
        assert blocks == ["text", "kind", "category", "impact", "urgency"]

        form = triage_form(
            ALICE, "the VPN does not work from home", kind="incident", category="it", impact="low"
        )
        await slack.interaction(form)
        await slack.deliver()
        offer = next(
            m for m in reversed(slack.api.posted()) if m.text == "These answers may already help:"
        )
        buttons = {e["text"]["text"]: e for e in offer.blocks[-1]["elements"]}  # type: ignore[index]
        assert list(buttons) == ["Connecting to the VPN", "None of these, I want a person"]
        assert not any(m.text.startswith("Ticket #") for m in slack.api.posted(AGENTS))

        await slack.click(ALICE, offer.channel, offer.ts, buttons["None of these, I want a person"])
        await slack.deliver()
        card = slack.card(1)
        text = str(card.blocks)
        assert "*Kind*\\nincident" in text and "low / -" in text and "P4 low" in text
        assert slack.api.dm_texts(ALICE)[-1].startswith("Ticket #1 opened")


async def test_the_weekly_digest_goes_to_every_teams_channel(
    tmp_path: Path, small_kb: Path
) -> None:
    from datetime import timedelta

    from core.reporting import ReportPolicy
    from core.reporting.digest import DigestSchedule, digest_events, team_places, weekly_digest

    service = tmp_path / "service.yaml"
    service.write_text(SERVICE, encoding="utf-8")
    async with running_slack(
        tmp_path, small_kb, service_file=service, channels={FACILITIES: [FAY]}
    ) as slack:
        await slack.command(ALICE, "my laptop does not boot")
        await slack.deliver()
        now = slack.clock.now + timedelta(days=7)
        schedule = DigestSchedule(weekday=now.weekday(), at=now.time().replace(microsecond=0))
        due = await weekly_digest(slack.core.db, ReportPolicy(), schedule, now)
        assert due is not None
        key, week, before = due
        places = team_places(slack.core.desk.service)
        events = digest_events(week, before, ["slack"], "en", None, places)
        assert await slack.core.desk.post_once(key, events)
        await slack.core.dispatcher.run_until_idle()
        for channel in (AGENTS, FACILITIES):
            [digest] = [m for m in slack.api.posted(channel) if m.text.startswith("Weekly")]
            assert digest.thread_ts is None


async def test_the_cards_team_select_moves_the_ticket(tmp_path: Path, small_kb: Path) -> None:
    """With several teams the card offers the others (a select, like Telegram's Classify
    menu); one team alone has nothing to move to."""
    async with running_slack(tmp_path, small_kb) as slack:
        await slack.command(ALICE, "the printer prints blank pages")
        await slack.deliver()
        actions = slack.card(1).blocks[-1]["elements"]
        assert "card_team" not in [e["action_id"] for e in actions]

    service = tmp_path / "service.yaml"
    service.write_text(SERVICE, encoding="utf-8")
    async with running_slack(
        tmp_path / "teams", small_kb, service_file=service, channels={FACILITIES: [FAY]}
    ) as slack:
        await slack.command(ALICE, "the door of room 4 is stuck")
        await slack.deliver()
        card = slack.card(1)  # IT's: no area named
        elements = {e["action_id"]: e for e in card.blocks[-1]["elements"]}
        teams = elements["card_team"]["options"]
        assert [o["text"]["text"] for o in teams] == ["facilities"]  # not the one it is in
        await slack.click(
            CAROL,
            AGENTS,
            card.ts,
            {
                "action_id": "card_team",
                "block_id": "card:1",
                "type": "static_select",
                "selected_option": {"value": teams[0]["value"]},
            },
        )
        await slack.deliver()
        old = next(m for m in slack.api.posted(AGENTS) if m.ts == card.ts)
        assert "Moved to team facilities by Carol" in str(old.blocks)
        [moved] = [t for t in cards_in(slack.api, FACILITIES) if t.startswith("Ticket #1")]
        new_card = next(m for m in slack.api.posted(FACILITIES) if m.text == moved)
        options = {e["action_id"]: e for e in new_card.blocks[-1]["elements"]}["card_team"]
        assert [o["text"]["text"] for o in options["options"]] == ["it"]
