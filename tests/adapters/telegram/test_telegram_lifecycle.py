"""The whole life of a ticket, as the requester and the agents see it in Telegram.

Run over both transports (getUpdates and the webhook) and both kinds of agents'
group (a forum supergroup with a topic per ticket, a plain group with cards).
"""

from __future__ import annotations

from typing import Any

from tests.adapters.telegram.harness import Harness

OLGA_ID = 111
ANNA_ID = 201
BORIS_ID = 202


async def agent_writes(h: Harness, agent: dict[str, Any], number: int, text: str) -> dict[str, Any]:
    """An agent writes in the ticket's topic, or replies to its card."""
    card = h.card(number)
    if card.thread_id is not None:
        return await h.say(h.agents, agent, text, thread_id=card.thread_id)
    return await h.say(h.agents, agent, text, reply_to=card.message_id)


async def test_faq_question_answered_with_buttons(transport_desk: Harness) -> None:
    olga = transport_desk.fake.user(OLGA_ID, "Olga")
    await transport_desk.say(OLGA_ID, olga, "How do I connect to the VPN?")
    answer = transport_desk.last_to(OLGA_ID)
    assert answer.text.startswith("Connecting to the VPN")
    assert "<b>Connecting to the VPN</b>" in answer.html
    assert [b["text"] for b in answer.buttons()] == ["That helped", "Talk to a human"]

    await transport_desk.press(olga, answer, "That helped")
    assert transport_desk.last_to(OLGA_ID).text == "Glad it helped!"
    assert transport_desk.fake.calls_of("answerCallbackQuery")


async def test_whole_life_cycle(any_desk: Harness) -> None:
    h = any_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    anna = h.fake.user(ANNA_ID, "Anna")
    boris = h.fake.user(BORIS_ID, "Boris")

    await h.say(OLGA_ID, olga, "/start")
    greeting = h.last_to(OLGA_ID)
    assert "help desk" in greeting.text
    assert [b["text"] for b in greeting.buttons()] == ["English", "Polski", "Русский"]

    await h.say(OLGA_ID, olga, "/ticket My laptop shows <b>nothing</b> & beeps")
    assert h.opened_to(OLGA_ID).text.startswith("Ticket #1 opened")
    card = h.card(1)
    assert "My laptop shows <b>nothing</b> & beeps" in card.text  # shown, not interpreted
    assert "&lt;b&gt;nothing&lt;/b&gt; &amp; beeps" in card.html
    assert "Requester: Olga" in card.text
    assert "State: open" in card.text
    labels = [b["text"] for b in card.buttons()]
    assert labels[:3] == ["Claim", "Resolve", "Resolve with: Laptop will not turn on or start"]
    assert labels[-2:] == ["Classify", "Person"]
    if h.fake.chats[h.agents]["is_forum"]:
        (topic,) = h.fake.topics.values()
        assert topic.name.startswith("#1 · My laptop")
        assert card.thread_id == topic.thread_id
    else:
        assert card.thread_id is None
        assert not h.fake.calls_of("createForumTopic")

    # 👀 claims; a second 👀 is told who has it.
    await h.react(anna, card, "👀")
    assert "State: claimed" in card.text
    assert "Assignee: Anna" in card.text
    assert card.edits == 1
    assert h.last_to(OLGA_ID).text == "Anna is now handling your ticket #1."
    await h.react(boris, card, "👀")
    assert "already claimed by Anna" in h.fake.messages_in(h.agents)[-1].text
    assert "Assignee: Anna" in card.text

    # The requester's messages and files reach the ticket's thread.
    await h.say(OLGA_ID, olga, "It also smells of smoke")
    relayed = h.fake.messages_in(h.agents)[-1]
    assert relayed.text == "Olga · #1\nIt also smells of smoke"
    assert relayed.thread_id == card.thread_id
    if card.thread_id is None:
        assert relayed.reply_to == card.message_id
    photo = h.fake.incoming(OLGA_ID, olga, photo="AgACAgPHOTO-file-id", caption="the screen")
    await h.feed(h.fake.message_update(photo))
    await h.deliver()
    relayed_photo = h.fake.messages_in(h.agents)[-1]
    assert relayed_photo.media == "photo:AgACAgPHOTO-file-id"
    assert relayed_photo.text == "Olga · #1\nthe screen"
    voice = h.fake.incoming(OLGA_ID, olga, voice="AwACAgVOICE-file-id")
    await h.feed(h.fake.message_update(voice))
    await h.deliver()
    assert h.fake.messages_in(h.agents)[-1].media == "voice:AwACAgVOICE-file-id"
    assert all(
        "<upload>" not in str(call.params.values()) for call in h.fake.calls
    )  # files go by file_id, never re-uploaded

    # The agent answers in the thread; a note stays inside.
    before = len(h.fake.messages_in(OLGA_ID))
    await agent_writes(h, anna, 1, "Please unplug it & wait <10 min>")
    answer = h.last_to(OLGA_ID)
    assert answer.text == "Anna · #1\nPlease unplug it & wait <10 min>"
    await agent_writes(h, anna, 1, "note: probably the power supply")
    assert len(h.fake.messages_in(OLGA_ID)) == before + 1
    assert not any("power supply" in m.text for m in h.fake.messages_in(OLGA_ID))
    assert h.fake.calls_of("setMessageReaction")  # the note is acknowledged with ✍

    # 👌 resolves: the card changes, the topic closes, the requester is asked for a rating.
    await h.react(anna, card, "👌")
    assert "State: resolved" in card.text
    assert [b["text"] for b in card.buttons()] == ["Reopen", "Person"]
    if card.thread_id is not None:
        assert h.fake.topics[(h.agents, card.thread_id)].closed
    resolved = h.last_to(OLGA_ID)
    assert resolved.text.startswith("Your ticket #1 was resolved by Anna.")
    assert [b["text"] for b in resolved.buttons()] == [f"{n}⭐" for n in range(1, 6)]

    await h.press(olga, resolved, "4⭐")
    assert h.last_to(OLGA_ID).text == "Thank you! You rated ticket #1 4/5."
    assert "Rating: 4/5" in card.text


async def test_buttons_and_commands_work_like_reactions(any_desk: Harness) -> None:
    h = any_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    anna = h.fake.user(ANNA_ID, "Anna")
    boris = h.fake.user(BORIS_ID, "Boris")
    await h.say(OLGA_ID, olga, "/ticket Printer on floor 3 is jammed")
    await h.say(OLGA_ID, olga, "/ticket Need a second monitor")
    card1, card2 = h.card(1), h.card(2)

    await h.press(anna, card1, "Claim")
    assert "Assignee: Anna" in card1.text
    await h.say(h.agents, boris, "/claim 1")
    assert "already claimed by Anna" in h.fake.messages_in(h.agents)[-1].text

    await h.say(h.agents, boris, "/queue")
    queue = h.fake.messages_in(h.agents)[-1]
    assert "#2 [open] Need a second monitor" in queue.text
    assert "#1" not in queue.text

    # /assign N as a reply to the agent who should take it.
    boris_message = await h.say(h.agents, boris, "I can take the monitor one")
    assign = h.fake.incoming(h.agents, anna, "/assign 2")
    assign["reply_to_message"] = {**boris_message}
    await h.feed(h.fake.message_update(assign))
    await h.deliver()
    assert "Assignee: Boris" in card2.text
    await h.say(h.agents, boris, "/mine")
    assert "#2 [claimed] Need a second monitor" in h.fake.messages_in(h.agents)[-1].text

    await h.say(h.agents, boris, "/resolve 2")
    assert "State: resolved" in card2.text
    await h.press(anna, card1, "Resolve")
    assert "State: resolved" in card1.text
    assert h.last_to(OLGA_ID).text.startswith("Your ticket #1 was resolved by Anna.")


async def test_an_faq_entry_on_the_card_resolves_the_ticket_with_its_answer(
    any_desk: Harness,
) -> None:
    h = any_desk
    olga = h.fake.user(OLGA_ID, "Olga")
    anna = h.fake.user(ANNA_ID, "Anna")
    await h.say(OLGA_ID, olga, "/ticket my laptop stays black when I press the power button")
    card = h.card(1)
    entry = "Resolve with: Laptop will not turn on or start"
    assert entry in [b["text"] for b in card.buttons()]

    await h.press(anna, card, entry)

    assert "State: resolved" in card.text
    assert [b["text"] for b in card.buttons()] == ["Reopen", "Person"]
    to_olga = [m.text for m in h.fake.messages_in(OLGA_ID)]
    assert any(text.startswith("Laptop will not turn on or start") for text in to_olga)
    assert to_olga[-1].startswith("Your ticket #1 was resolved by Anna.")
