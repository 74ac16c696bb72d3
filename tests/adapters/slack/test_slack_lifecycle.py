"""Employees ask and open tickets, agents claim, answer and resolve: the whole life cycle."""

from __future__ import annotations

from tests.adapters.slack.conftest import (
    AGENTS,
    ALICE,
    BOB,
    GENERAL,
    SlackHarness,
    modal_submission,
)


def _action_ids(blocks: list[dict] | None) -> list[str]:
    return [
        element.get("action_id", "")
        for block in blocks or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def test_a_question_in_dm_is_answered_from_the_faq_with_buttons(slack: SlackHarness) -> None:
    posted = await slack.dm(ALICE, "How do I connect to the VPN?")
    assert posted.status == 200
    await slack.deliver()
    [answer] = slack.api.posted(slack.api.dms[ALICE])
    assert "Connecting to the VPN" in answer.text
    assert "*GlobalConnect*" in answer.text  # Markdown **bold** rendered as mrkdwn
    assert _action_ids(answer.blocks) == ["faq_helped", "faq_human"]

    helped = next(e for b in answer.blocks or [] if b["type"] == "actions" for e in b["elements"])
    await slack.click(ALICE, slack.api.dms[ALICE], answer.ts, helped)
    await slack.deliver()
    assert slack.api.dm_texts(ALICE)[-1] == "Glad it helped!"


async def test_an_unknown_question_offers_a_ticket_and_talk_to_a_human_opens_it(
    slack: SlackHarness,
) -> None:
    await slack.dm(ALICE, "The coffee machine on floor three plays jazz at night")
    await slack.deliver()
    [offer] = slack.api.posted(slack.api.dms[ALICE])
    assert _action_ids(offer.blocks) == ["faq_human"]
    button = offer.blocks[-1]["elements"][0]  # type: ignore[index]
    await slack.click(ALICE, slack.api.dms[ALICE], offer.ts, button)
    await slack.deliver()
    *_, opened, question = slack.api.dm_texts(ALICE)
    assert opened.startswith("Ticket #1 opened")
    assert question.startswith("To help the agents with ticket #1 (optional)")
    assert "coffee machine" in slack.card(1).blocks[2]["text"]["text"]  # type: ignore[index]


async def test_a_mention_in_a_channel_is_answered_in_its_thread(slack: SlackHarness) -> None:
    ts = slack.api.human_message(GENERAL, ALICE, "@helpdesk how do I connect to the VPN?")
    await slack.event(
        {
            "type": "app_mention",
            "channel": GENERAL,
            "user": ALICE,
            "ts": ts,
            "text": slack.api.message(GENERAL, ts).text,
        }
    )
    await slack.deliver()
    [answer] = slack.api.posted(GENERAL)
    assert answer.thread_ts == ts
    assert "Connecting to the VPN" in answer.text


async def test_ticket_claim_relay_note_resolve_and_rating(slack: SlackHarness) -> None:
    # the requester opens a ticket with the slash command
    response = await slack.command(ALICE, "My laptop screen flickers")
    assert response.status == 200
    await slack.deliver()
    assert (
        slack.api.dm_texts(ALICE)
        == [
            "Ticket #1 opened: “My laptop screen flickers”. An agent will reply here.",
            "To help the agents with ticket #1 (optional):\nWhat is it?",  # optional, in the ticket's thread
        ]
    )
    card = slack.card(1)
    card_text = str(card.blocks)
    assert "<@UALICE>" in card_text and "My laptop screen flickers" in card_text
    for expected in ("Category", "Priority", "P3 medium", "State", "open"):
        assert expected in card_text
    assert _action_ids(card.blocks) == [
        "card_claim",
        "card_resolve",
        "card_wait",
        "card_assign",
        "card_priority",
        "card_person",
        "card_kind",
        "card_impact",
        "card_urgency",
    ]  # no FAQ entry matches the question: no picker

    # an agent claims it with 👀: the card changes in place, the requester is told
    await slack.reaction(BOB, AGENTS, card.ts, "eyes")
    await slack.deliver()
    card = slack.card(1)
    assert "claimed" in card.text and "<@UBOB>" in str(card.blocks)
    assert card.edits, "the card was updated with chat.update, not posted again"
    assert slack.api.dm_texts(ALICE)[-1] == "Bob is now handling your ticket #1."

    # the agent answers in the thread; a note stays internal
    await slack.thread_reply(BOB, card.ts, "Please restart it while holding F2")
    await slack.thread_reply(BOB, card.ts, "note: probably the panel cable")
    await slack.deliver()
    assert slack.api.dm_texts(ALICE)[-1] == "Bob (#1): Please restart it while holding F2"
    assert not any("panel cable" in text for text in slack.api.dm_texts(ALICE))
    assert any("Internal note" in text for text in slack.api.ephemeral_texts(BOB))

    # the requester's message in the ticket's DM thread goes to the card's thread, a file
    # as a file the agents can open
    photo = slack.api.add_file(ALICE, "photo.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")
    await slack.event(
        slack.dm_event(
            ALICE, "Done, still flickers", files=[photo], thread_ts=slack.ticket_thread(ALICE, 1)
        )
    )
    await slack.deliver()
    assert [t for t in slack.thread(1) if t][-1] == "Alice: Done, still flickers [1 attachment]"
    [copy] = slack.api.files_in(AGENTS, card.ts)
    assert (copy.name, copy.content) == ("photo.jpg", b"\xff\xd8\xff jpeg")

    # ✅ resolves it; the requester is told and asked for a rating
    await slack.reaction(BOB, AGENTS, card.ts, "white_check_mark")
    await slack.deliver()
    assert "resolved" in slack.card(1).text
    rating = slack.api.posted(slack.api.dms[ALICE])[-1]
    assert rating.text.startswith("Your ticket #1 was resolved by Bob.")
    assert _action_ids(rating.blocks) == [f"rate:{n}" for n in range(1, 6)]
    five = rating.blocks[-1]["elements"][4]  # type: ignore[index]
    await slack.click(ALICE, slack.api.dms[ALICE], rating.ts, five)
    await slack.deliver()
    assert slack.api.dm_texts(ALICE)[-1] == "Thank you! You rated ticket #1 5/5."
    assert "5/5" in str(slack.card(1).blocks)


async def test_buttons_on_the_card_claim_assign_prioritise_and_resolve(slack: SlackHarness) -> None:
    await slack.command(ALICE, "Printer jams on every page")
    await slack.deliver()
    card = slack.card(1)
    elements = {e["action_id"]: e for e in card.blocks[-1]["elements"]}  # type: ignore[index]
    await slack.click(BOB, AGENTS, card.ts, elements["card_claim"])
    await slack.deliver()
    assert "Claimed by Bob" in str(slack.card(1).blocks)

    await slack.click(
        BOB,
        AGENTS,
        card.ts,
        {
            "action_id": "card_assign",
            "block_id": "card:1",
            "type": "users_select",
            "selected_user": "UCAROL",
        },
    )
    await slack.deliver()
    assert "<@UCAROL>" in str(slack.card(1).blocks)
    assert slack.api.dm_texts(ALICE)[-1] == "Carol is now handling your ticket #1."

    await slack.click(
        BOB,
        AGENTS,
        card.ts,
        {
            "action_id": "card_priority",
            "block_id": "card:1",
            "type": "static_select",
            "selected_option": {"value": "1:P1"},
        },
    )
    await slack.deliver()
    assert "P1 critical" in str(slack.card(1).blocks[1])

    elements = {e["action_id"]: e for e in slack.card(1).blocks[-1]["elements"]}  # type: ignore[index]
    await slack.click(BOB, AGENTS, card.ts, elements["card_resolve"])
    await slack.deliver()
    card = slack.card(1)
    assert "resolved" in card.text
    assert [e["action_id"] for e in card.blocks[-1]["elements"]] == [  # type: ignore[index]
        "card_reopen",
        "card_person",
    ]


async def test_an_faq_entry_picked_on_the_card_resolves_the_ticket_with_its_answer(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "the VPN drops every time I work from home")
    await slack.deliver()
    card = slack.card(1)
    elements = {e["action_id"]: e for e in card.blocks[-1]["elements"]}  # type: ignore[index]
    picker = elements["card_resolve_faq"]
    labels = [o["text"]["text"] for o in picker["options"]]
    assert labels[0] == "Resolve with: Connecting to the VPN"
    assert labels[-1] == "Resolve without an FAQ entry"
    assert picker["options"][-1]["value"] == "1:"

    chosen = {**picker, "block_id": "card:1", "selected_option": picker["options"][0]}
    await slack.click(BOB, AGENTS, card.ts, chosen)
    await slack.deliver()

    card = slack.card(1)
    assert "resolved" in card.text
    assert [e["action_id"] for e in card.blocks[-1]["elements"]] == ["card_reopen", "card_person"]  # type: ignore[index]
    to_alice = slack.api.dm_texts(ALICE)
    assert any("GlobalConnect" in text for text in to_alice)
    assert to_alice[-1].startswith("Your ticket #1 was resolved by Bob.")


async def test_agent_slash_commands(slack: SlackHarness) -> None:
    await slack.command(ALICE, "VPN drops every hour")
    await slack.command(ALICE, "Need a second monitor")
    await slack.deliver()
    await slack.command(BOB, "queue", channel=AGENTS)
    await slack.deliver()
    queue = slack.api.ephemeral_texts(BOB)[-1]
    assert "#1" in queue and "#2" in queue

    await slack.command(BOB, "claim 1", channel=AGENTS)
    await slack.command(BOB, "assign 2 @Carol", channel=AGENTS)
    await slack.deliver()
    assert "<@UBOB>" in str(slack.card(1).blocks)
    assert "<@UCAROL>" in str(slack.card(2).blocks)

    await slack.command(BOB, "mine", channel=AGENTS)
    await slack.deliver()
    mine = slack.api.ephemeral_texts(BOB)[-1]
    assert "#1" in mine and "#2" not in mine

    await slack.command(BOB, "resolve 1", channel=AGENTS)
    await slack.deliver()
    assert "resolved" in slack.card(1).text

    # from a DM an agent's command works too (membership of the agents' channel)
    await slack.command(BOB, "resolve 2", channel="DUBOB")
    await slack.deliver()
    assert "resolved" in slack.card(2).text


async def test_a_requester_cannot_use_agent_commands_and_sees_only_own_tickets(
    slack: SlackHarness,
) -> None:
    await slack.command(ALICE, "Badge does not open the door")
    await slack.deliver()
    await slack.command(ALICE, "claim 1")
    await slack.deliver()
    assert slack.api.dm_texts(ALICE)[-1].endswith("Only agents can do that.")
    assert "open" in slack.card(1).text

    await slack.command(ALICE, "status")
    await slack.deliver()
    status = slack.api.dm_texts(ALICE)[-1]
    assert "Your tickets" in status and "#1 [open] Badge does not open the door" in status


async def test_slash_command_without_text_opens_a_modal_and_its_submission_opens_a_ticket(
    slack: SlackHarness,
) -> None:
    response = await slack.command(ALICE, "")
    assert response.status == 200
    [opened] = slack.api.views
    view = opened["view"]
    assert view["callback_id"] == "ticket_modal"
    await slack.interaction(modal_submission(ALICE, "Payslip missing", "finance", "high"))
    await slack.deliver()
    card = str(slack.card(1).blocks)
    assert "Payslip missing" in card and "finance" in card and "high" in card


async def test_a_message_shortcut_and_the_ticket_reaction_open_tickets_linking_the_message(
    slack: SlackHarness,
) -> None:
    ts = slack.api.human_message(GENERAL, ALICE, "Wifi in room 4 is down again", thread_ts="1.0")
    await slack.interaction(
        {
            "type": "message_action",
            "callback_id": "create_ticket",
            "user": {"id": ALICE},
            "channel": {"id": GENERAL},
            "message": {"ts": ts, "text": "Wifi in room 4 is down again", "user": ALICE},
        }
    )
    await slack.deliver()
    card = str(slack.card(1).blocks)
    assert "Wifi in room 4 is down again" in card
    assert f"archives/{GENERAL}/p{ts.replace('.', '')}" in card

    other = slack.api.human_message(GENERAL, ALICE, "Projector in room 2 shows no picture")
    await slack.reaction(ALICE, GENERAL, other, "ticket")
    await slack.deliver()
    card = str(slack.card(2).blocks)
    assert "Projector in room 2 shows no picture" in card
    assert f"p{other.replace('.', '')}" in card
    assert slack.api.dm_texts(ALICE)[-1].startswith("Ticket #2 opened")


async def test_edited_and_deleted_relayed_messages_update_their_copies(slack: SlackHarness) -> None:
    await slack.command(ALICE, "Outlook crashes on start")
    await slack.deliver()
    card = slack.card(1)
    _, reply_ts = await slack.thread_reply(BOB, card.ts, "Try safe mode")
    await slack.deliver()
    await slack.event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": AGENTS,
            "channel_type": "channel",
            "hidden": True,
            "ts": "9.9",
            "message": {
                "type": "message",
                "user": BOB,
                "text": "Try safe mode: outlook /safe",
                "ts": reply_ts,
                "thread_ts": card.ts,
            },
            "previous_message": {
                "type": "message",
                "user": BOB,
                "text": "Try safe mode",
                "ts": reply_ts,
                "thread_ts": card.ts,
            },
        }
    )
    await slack.deliver()
    copies = slack.api.posted(slack.api.dms[ALICE])
    relayed = next(m for m in copies if "safe mode" in m.text)
    assert relayed.text == "Bob (#1): Try safe mode: outlook /safe (edited)"

    await slack.dm(ALICE, "It says profile corrupted", thread_ts=slack.ticket_thread(ALICE, 1))
    await slack.deliver()
    dm_ts = next(m.ts for m in slack.api.messages if m.text == "It says profile corrupted")
    await slack.event(
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": slack.api.dms[ALICE],
            "channel_type": "im",
            "hidden": True,
            "ts": "9.10",
            "deleted_ts": dm_ts,
            "previous_message": {
                "type": "message",
                "user": ALICE,
                "text": "It says profile corrupted",
                "ts": dm_ts,
            },
        }
    )
    await slack.deliver()
    assert slack.thread(1)[-1] == "Alice: (message deleted)"


async def test_app_home_lists_the_persons_tickets(slack: SlackHarness) -> None:
    await slack.command(ALICE, "Cannot print in colour")
    await slack.deliver()
    await slack.event(
        {"type": "app_home_opened", "user": ALICE, "channel": "DUALICE", "tab": "home"}
    )
    await slack.deliver()
    [published] = [v for v in slack.api.views if v["method"] == "views.publish"]
    assert published["user_id"] == ALICE
    assert "#1 [open] Cannot print in colour" in str(published["view"]["blocks"])
