"""Button data: every kind is built and read by one codec; data already sent still reads."""

from __future__ import annotations

import pytest

from adapters.common.triage import PERSON, SKIP
from adapters.telegram import buttons as b
from adapters.telegram.dialog import ClassifyMenu, TriageCancel, TriagePick
from adapters.telegram.places import Place
from core import commands as c
from core.domain import Actor, Level, Priority, TicketKind

BOB = Actor(platform="telegram", user_id="7", display_name="Bob", is_agent=True)
HERE = Place(1)
CTX = HERE.encode()


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("fh:12", c.FaqFeedback(actor=BOB, reply_context=CTX, query_id=12, helped=True)),
        ("fx:12", c.FaqFeedback(actor=BOB, reply_context=CTX, query_id=12, helped=False)),
        (
            "fp:12:vpn-access",
            c.ChooseSuggestion(actor=BOB, reply_context=CTX, query_id=12, entry_id="vpn-access"),
        ),
        ("lg:pl", c.SetLanguage(actor=BOB, reply_context=CTX, lang="pl")),
        ("tc:3", c.Claim(actor=BOB, reply_context=CTX, number=3)),
        ("tr:3", c.Resolve(actor=BOB, reply_context=CTX, number=3)),
        (
            "tf:3:vpn-access",
            c.Resolve(actor=BOB, reply_context=CTX, number=3, entry_id="vpn-access"),
        ),
        ("to:3", c.Reopen(actor=BOB, reply_context=CTX, number=3)),
        ("rt:3:5", c.Rate(actor=BOB, reply_context=CTX, number=3, score=5)),
        # the card's Classify menu: the same commands as /kind, /impact, /urgency, /team
        ("tk:3", ClassifyMenu(3, BOB)),
        (
            "ck:3:incident",
            c.Classify(actor=BOB, reply_context=CTX, number=3, kind=TicketKind.INCIDENT),
        ),
        ("ci:3:high", c.Classify(actor=BOB, reply_context=CTX, number=3, impact=Level.HIGH)),
        ("cu:3:low", c.Classify(actor=BOB, reply_context=CTX, number=3, urgency=Level.LOW)),
        ("cm:3:facilities", c.Classify(actor=BOB, reply_context=CTX, number=3, team="facilities")),
        ("cp:3:P2", c.SetPriority(actor=BOB, reply_context=CTX, number=3, priority=Priority.P2)),
        ("tt:kind:0", TriagePick("kind", 0, BOB, CTX)),
        ("tt:urgency:-1", TriagePick("urgency", SKIP, BOB, CTX)),
        ("tt:faq:-2", TriagePick("faq", PERSON, BOB, CTX)),
        ("tq:7:impact:-1", TriagePick("impact", SKIP, BOB, CTX, ticket=7)),
        # the menus of the triage before the desk's: answered as expired
        ("tg:c:it", TriagePick(b.EXPIRED_STEP, SKIP, BOB, CTX)),
        ("tg:p:high", TriagePick(b.EXPIRED_STEP, SKIP, BOB, CTX)),
        ("tg:x", TriageCancel()),
    ],
)
def test_data_already_sent_still_reads(data: str, action: object) -> None:
    assert b.parse_callback(data, BOB, HERE) == action


def test_every_kind_reads_what_it_builds() -> None:
    built = [
        b.FaqPick(query_id=4, entry_id="printer"),
        b.ResolveWithEntry(number=7, entry_id="printer"),
        b.RateTicket(number=2, score=1),
        b.TriagePickChoice(step="impact", index=2),
        b.TicketTriageChoice(number=2147483647, step="category", index=4),
        b.TriageCancelChoice(),
    ]
    for data in built:
        assert type(data).unpack(data.pack()) == data


@pytest.mark.parametrize(
    "data",
    [
        "",
        "fh",
        "fh:x",
        "rt:3",
        "tt:kind",
        "tt:kind:x",
        "tg:q",
        "zz:1",
        "fp:1:a:b",
        "ck:3:broken",
        "cp:3:P9",
        "ci:3",
    ],
)
def test_other_data_is_ignored(data: str) -> None:
    assert b.parse_callback(data, BOB, HERE) is None


def test_data_that_cannot_be_a_button_is_not_built() -> None:
    assert b.packed(b.FaqPick(query_id=1, entry_id="x" * 80)) is None
    assert b.packed(b.FaqPick(query_id=1, entry_id="a:b")) is None
    assert b.packed(b.TeamChoice(number=1, team="t" * 70)) is None
