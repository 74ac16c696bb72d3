"""Commands are cleaned of what no database stores: NUL characters and lone surrogates."""

from __future__ import annotations

from core import commands as c
from core.domain import Actor, Priority
from core.storable import REPLACEMENT, storable, storable_text


def test_nul_and_lone_surrogates_become_the_replacement_character() -> None:
    assert storable_text("vpn\u0000question") == f"vpn{REPLACEMENT}question"
    assert storable_text("broken \ud800 screen") == f"broken {REPLACEMENT} screen"
    assert storable_text("\udc00") == REPLACEMENT
    # A pair still split in two code points is one character, kept whole.
    assert storable_text("smile \ud83d\ude00") == "smile \U0001f600"
    assert storable_text("zażółć 😀") == "zażółć 😀"


def test_every_string_of_a_command_is_cleaned_and_a_clean_one_is_not_copied() -> None:
    actor = Actor(platform="telegram", user_id="7", display_name="Ol\u0000ga", locale="ru")
    cmd = c.SendText(
        actor=actor,
        text="see \ud800",
        attachments=("photo:report\u0000.png", "ok.pdf"),
        reply_context="chat:7",
    )
    cleaned = storable(cmd)
    assert cleaned.actor.display_name == f"Ol{REPLACEMENT}ga"
    assert cleaned.text == f"see {REPLACEMENT}"
    assert cleaned.attachments == (f"photo:report{REPLACEMENT}.png", "ok.pdf")
    assert cleaned.reply_context == "chat:7"

    clean = c.OpenTicket(actor=cleaned.actor, text="fine", priority=Priority.HIGH)
    assert storable(clean) is clean
    assert storable(clean).priority is Priority.HIGH


def test_sqlite_keeps_a_nul_character_as_it_came() -> None:
    assert storable_text("nul\u0000 \ud800", keep_nul=True) == f"nul\u0000 {REPLACEMENT}"
    text = "a\u0000b"
    assert storable_text(text, keep_nul=True) is text
