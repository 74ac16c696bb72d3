"""The pure Slack translation: escaping, mrkdwn, /ticket parsing."""

from __future__ import annotations

from adapters.slack import translate as tr
from core import commands as c
from core.domain import Actor, Priority

ACTOR = Actor(platform="slack", user_id="UALICE", display_name="Alice")
HERE = tr.ReplyPlace()


def test_escape_neutralises_slack_control_characters() -> None:
    assert tr.escape("<!channel> & <@U1|x>") == "&lt;!channel&gt; &amp; &lt;@U1|x&gt;"


def test_faq_markdown_becomes_mrkdwn_without_markup_injection() -> None:
    rendered = tr.markdown_to_mrkdwn(
        "**Bold** and [portal](https://it.example.com)\n\n> tip <!here>"
    )
    assert "*Bold*" in rendered
    assert "<https://it.example.com|portal>" in rendered
    assert "> tip &lt;!here&gt;" in rendered


def test_slash_command_words_and_free_text() -> None:
    assert isinstance(tr.slash_command("", ACTOR, HERE), tr.OpenModal)
    assert isinstance(tr.slash_command("status", ACTOR, HERE), c.ShowStatus)
    claim = tr.slash_command("claim #4", ACTOR, HERE)
    assert isinstance(claim, c.Claim) and claim.number == 4
    ticket = tr.slash_command("claim my expenses are wrong", ACTOR, HERE)
    assert isinstance(ticket, c.OpenTicket) and ticket.text == "claim my expenses are wrong"
    assign = tr.slash_command("assign 3 <@UBOB|bob>", ACTOR, HERE, {"UBOB": "Bob"})
    assert isinstance(assign, c.Assign) and assign.assignee.display_name == "Bob"
    assert tr.slash_command("assign 3 bob", ACTOR, HERE) == tr.Refusal(
        "error.usage", {"usage": "/ticket assign N @agent"}
    )
    priority = tr.slash_command("priority 2 urgent", ACTOR, HERE)
    assert isinstance(priority, c.SetPriority) and priority.priority is Priority.URGENT


def test_reply_place_round_trips() -> None:
    place = tr.ReplyPlace(channel="C1", thread_ts="1.2", ephemeral=True)
    assert tr.decode_place(place.encode()) == place
    assert tr.decode_place(None) == tr.ReplyPlace()
    assert tr.decode_place("not json") == tr.ReplyPlace()


def test_thread_note_prefix_is_internal() -> None:
    facts = tr.message_facts(
        {
            "type": "message",
            "channel": "CA",
            "user": "UBOB",
            "text": "NOTE: call him",
            "ts": "2.0",
            "thread_ts": "1.0",
        }
    )
    command = tr.thread_command(facts, ACTOR, 7, HERE)
    assert isinstance(command, c.Note) and command.text == "call him"


def test_retry_after_parsing() -> None:
    assert tr.retry_after_seconds("3") == 3.0
    assert tr.retry_after_seconds(None) == 1.0
    assert tr.retry_after_seconds("soon") == 1.0
