"""The chat command grammar every surface shares."""

from __future__ import annotations

import pytest

from adapters.common.grammar import (
    WORDS,
    Shape,
    Surface,
    looks_like_number,
    note_text,
    parse,
    parse_number,
    split_word,
)
from adapters.common.refusal import Refusal, usage
from core import commands as c
from core.domain import MAX_ID, Actor, Priority

BOB = Actor(platform="chat", user_id="bob", display_name="Bob", is_agent=True)
CAROL = Actor(platform="chat", user_id="carol", display_name="Carol", is_agent=True)
SLASH = Surface()
TICKET = Surface(prefix="/ticket ", person="@agent", loose=True)


def carol(text: str) -> Actor | None:
    return CAROL if text == "carol" else None


@pytest.mark.parametrize(
    ("text", "number"),
    [("4", 4), ("#4", 4), (" 12 ", 12), (str(MAX_ID), MAX_ID), ("0", None), ("-1", None)],
)
def test_numbers_are_ticket_numbers_or_nothing(text: str, number: int | None) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", [str(MAX_ID + 1), "99999999999", "١٢", "²", "4a", "", "#"])
def test_numbers_no_ticket_can_have_are_refused(text: str) -> None:
    assert parse_number(text) is None


def test_a_number_too_large_is_a_usage_error_on_every_surface() -> None:
    for surface, expected in ((SLASH, "/claim N"), (TICKET, "/ticket claim N")):
        assert parse("claim", "9999999999", BOB, None, surface) == usage(expected)
    assert looks_like_number("#12") and not looks_like_number("my")


def test_words_build_their_commands() -> None:
    assert parse("claim", "#4 now", BOB, "ctx", SLASH) == c.Claim(
        actor=BOB, reply_context="ctx", number=4
    )
    assert parse("reply", "4 hold the power button", BOB, None, SLASH) == c.Reply(
        actor=BOB, number=4, text="hold the power button"
    )
    assert parse("PRIORITY", "2 Urgent", BOB, None, SLASH) == c.SetPriority(
        actor=BOB, number=2, priority=Priority.URGENT
    )
    assert parse("rate", "2 5", BOB, None, SLASH) == c.Rate(actor=BOB, number=2, score=5)
    assert parse("assign", "3 carol", BOB, None, SLASH, person=carol) == c.Assign(
        actor=BOB, number=3, assignee=CAROL
    )
    assert parse("queue", "", BOB, None, SLASH) == c.ShowQueue(actor=BOB)


def test_usage_texts_follow_the_surface() -> None:
    assert parse("assign", "3 dave", BOB, None, TICKET, person=carol) == usage(
        "/ticket assign N @agent"
    )
    assert parse("reply", "4", BOB, None, SLASH) == usage("/reply N TEXT")
    assert parse("ticket", "", BOB, None, SLASH) == usage("/ticket TEXT")
    assert parse("lang", "", BOB, None, SLASH) == usage("/lang en|pl|ru")
    assert parse("rate", "x", BOB, None, SLASH) == Refusal("error.usage", {"usage": "/rate N 1-5"})


def test_the_conversations_ticket_stands_in_for_a_missing_number() -> None:
    assert parse("note", "call him", BOB, None, SLASH, ticket=7) == c.Note(
        actor=BOB, number=7, text="call him"
    )
    assert parse("claim", "", BOB, None, SLASH) == usage("/claim N")


def test_a_loose_surface_leaves_text_that_is_no_command() -> None:
    assert parse("claim", "my expenses are wrong", BOB, None, TICKET) is None
    assert parse("status", "of my laptop", BOB, None, TICKET) is None
    assert parse("status", "of my laptop", BOB, None, SLASH) == c.ShowStatus(actor=BOB)
    assert parse("claim", "#x", BOB, None, TICKET) == usage("/ticket claim N")


def test_words_a_surface_does_not_offer_are_not_commands() -> None:
    assert parse("frobnicate", "", BOB, None, SLASH) is None
    assert parse("helped", "", BOB, None, SLASH) is None  # the surface remembers the query
    assert parse("assign", "3 carol", BOB, None, SLASH) is None  # no way to name a person
    only = Surface(words=frozenset({"claim"}))
    assert parse("resolve", "3", BOB, None, only) is None


def test_every_word_has_a_shape_and_a_usage() -> None:
    for name, word in WORDS.items():
        assert word.name == name
        assert SLASH.usage(word).params["usage"].startswith(f"/{name}")
    assert Shape.NUMBER_PERSON.numbered and not Shape.LANG.numbered


def test_note_prefix_and_split_word() -> None:
    assert note_text("NOTE: call him") == "call him"
    assert note_text("  note:x") == "x"
    assert note_text("a note: no") is None
    assert split_word("Claim  4 now") == ("claim", "4 now")
    assert split_word("   ") == ("", "")


@pytest.mark.parametrize(
    "typed",
    [
        "note: call him",
        "Note: call him",
        "NOTE: call him",
        " note : call him",
        "*note:* call him",
        "_note:_ call him",
        "**Note:** call him",
        "*note*: call him",
        "*_note:_* call him",  # bold and italic at once
        "_*Note*_: call him",
    ],
)
def test_a_note_is_recognised_as_people_type_it(typed: str) -> None:
    assert note_text(typed) == "call him"
    # the console's `/reply N note: …` is a note too, never a reply
    assert parse("reply", f"4 {typed}", BOB, None, SLASH) == c.Note(
        actor=BOB, number=4, text="call him"
    )


@pytest.mark.parametrize("typed", ["notebook: broken", "notes: a", "a note: no", "note it"])
def test_words_that_only_look_like_the_prefix_are_no_note(typed: str) -> None:
    assert note_text(typed) is None
    assert isinstance(parse("reply", f"4 {typed}", BOB, None, SLASH), c.Reply)


def test_a_note_keeps_the_formatting_of_its_own_first_word() -> None:
    assert note_text("note: *urgent* call him") == "*urgent* call him"
    assert note_text("*note:* _urgent_ call him") == "_urgent_ call him"


def test_resolve_names_an_faq_entry_on_every_surface() -> None:
    expected = c.Resolve(actor=BOB, number=4, entry_id="vpn-access")
    assert parse("resolve", "4 faq:vpn-access", BOB, None, SLASH) == expected
    assert parse("resolve", "#4 FAQ: vpn-access", BOB, None, TICKET) == expected
    assert parse("resolve", "faq:vpn-access", BOB, None, SLASH, ticket=4) == expected
    assert parse("resolve", "4", BOB, None, SLASH) == c.Resolve(actor=BOB, number=4)
    assert parse("resolve", "4 faq:", BOB, None, SLASH) == usage("/resolve N [faq:ID]")
    assert parse("resolve", "4 faq:a b", BOB, None, TICKET) == usage("/ticket resolve N [faq:ID]")
