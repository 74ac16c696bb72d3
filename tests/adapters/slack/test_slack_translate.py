"""The pure Slack translation: escaping, mrkdwn, /ticket parsing."""

from __future__ import annotations

from adapters.common.refusal import Refusal
from adapters.slack import codecs, errors, inbound, mrkdwn, slash
from core import commands as c
from core.domain import Actor, Priority

ACTOR = Actor(platform="slack", user_id="UALICE", display_name="Alice")
HERE = codecs.ReplyPlace()


def test_escape_neutralises_slack_control_characters() -> None:
    assert mrkdwn.escape("<!channel> & <@U1|x>") == "&lt;!channel&gt; &amp; &lt;@U1|x&gt;"


def test_faq_markdown_becomes_mrkdwn_without_markup_injection() -> None:
    rendered = mrkdwn.markdown_to_mrkdwn(
        "**Bold** and [portal](https://it.example.com)\n\n> tip <!here>"
    )
    assert "*Bold*" in rendered
    assert "<https://it.example.com|portal>" in rendered
    assert "> tip &lt;!here&gt;" in rendered


def test_slash_command_words_and_free_text() -> None:
    assert isinstance(slash.slash_command("", ACTOR, HERE), slash.OpenModal)
    assert isinstance(slash.slash_command("status", ACTOR, HERE), c.ShowStatus)
    claim = slash.slash_command("claim #4", ACTOR, HERE)
    assert isinstance(claim, c.Claim) and claim.number == 4
    ticket = slash.slash_command("claim my expenses are wrong", ACTOR, HERE)
    assert isinstance(ticket, c.OpenTicket) and ticket.text == "claim my expenses are wrong"
    assign = slash.slash_command("assign 3 <@UBOB|bob>", ACTOR, HERE, {"UBOB": "Bob"})
    assert isinstance(assign, c.Assign) and assign.assignee.display_name == "Bob"
    assert slash.slash_command("assign 3 bob", ACTOR, HERE) == Refusal(
        "error.usage", {"usage": "/ticket assign N @agent"}
    )
    priority = slash.slash_command("priority 2 urgent", ACTOR, HERE)
    assert isinstance(priority, c.SetPriority) and priority.priority is Priority.URGENT


def test_reply_place_round_trips() -> None:
    place = codecs.ReplyPlace(channel="C1", thread_ts="1.2", ephemeral=True)
    assert codecs.decode_place(place.encode()) == place
    assert codecs.decode_place(None) == codecs.ReplyPlace()
    assert codecs.decode_place("not json") == codecs.ReplyPlace()


def test_thread_note_prefix_is_internal() -> None:
    facts = inbound.message_facts(
        {
            "type": "message",
            "channel": "CA",
            "user": "UBOB",
            "text": "NOTE: call him",
            "ts": "2.0",
            "thread_ts": "1.0",
        }
    )
    command = inbound.thread_command(facts, ACTOR, 7, HERE)
    assert isinstance(command, c.Note) and command.text == "call him"


def test_retry_after_parsing() -> None:
    assert errors.retry_after_seconds("3") == 3.0
    assert errors.retry_after_seconds(None) == 1.0
    assert errors.retry_after_seconds("soon") == 1.0


def test_slash_command_numbers_and_usage_come_from_the_shared_grammar() -> None:
    usage = Refusal("error.usage", {"usage": "/ticket claim N"})
    assert slash.slash_command("claim 99999999999", ACTOR, HERE) == usage
    assert slash.slash_command("claim #", ACTOR, HERE) == usage
    assert slash.slash_command("rate 2", ACTOR, HERE) == Refusal(
        "error.usage", {"usage": "/ticket rate N 1-5"}
    )
    assert slash.slash_command("lang", ACTOR, HERE) == Refusal(
        "error.usage", {"usage": "/ticket lang en|pl|ru"}
    )
    # words typed elsewhere (a note goes in the card's thread) open a ticket here
    note = slash.slash_command("note 4 call him", ACTOR, HERE)
    assert isinstance(note, c.OpenTicket) and note.text == "note 4 call him"
    assert isinstance(slash.slash_command("queue please", ACTOR, HERE), c.OpenTicket)
