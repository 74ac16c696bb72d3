"""One person across platforms, on every storage backend: linking with a one-time code
(expiry, single use, guessing refused), unlinking, one language, one list of tickets,
the card's line about the requester and the profile an agent gets from the card."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core import commands as c
from core.domain import Actor
from core.events import AgentHome, Event, Notice, PersonProfile, TicketCard, TicketList
from core.people import search_people
from tests.conftest import DatabaseFactory
from tests.support import FakeClock, Harness, harness_on, person

# The harness's recording platform is "test": two accounts of one person there stand for
# her Slack and Telegram accounts (the fake platforms' suites link those for real).
ANNA_WORK = Actor(platform="test", user_id="U-anna", display_name="Anna")
ANNA_PHONE = Actor(platform="test", user_id="tg-anna", display_name="Anna K")
MALLORY = person("mallory")
BOB = person("bob", agent=True)

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 14, 9, 0, tzinfo=UTC))


@pytest.fixture
async def desk(
    database_factory: DatabaseFactory, small_kb: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    async with harness_on(database_factory(), small_kb, clock) as h:
        yield h


def notices_to(actor: Actor, events: list[Event]) -> list[Notice]:
    return [
        e.payload
        for e in events
        if isinstance(e.payload, Notice) and getattr(e.target, "user_id", None) == actor.user_id
    ]


async def link_code(h: Harness, actor: Actor) -> str:
    await h.do(c.Link(actor=actor))
    (notice,) = notices_to(actor, h.take())
    assert notice.key == "link.code" and notice.params["minutes"] == 10
    return str(notice.params["code"])


async def status_numbers(h: Harness, actor: Actor) -> list[int]:
    await h.do(c.ShowStatus(actor=actor))
    (listing,) = [e.payload for e in h.take() if isinstance(e.payload, TicketList)]
    return [view.number for view in listing.tickets]


async def test_a_code_from_one_account_links_the_other_and_status_lists_both(
    desk: Harness,
) -> None:
    await desk.do(c.OpenTicket(actor=ANNA_WORK, text="vpn drops"))
    await desk.do(c.OpenTicket(actor=ANNA_PHONE, text="printer jams"))
    assert await status_numbers(desk, ANNA_WORK) == [1]

    code = await link_code(desk, ANNA_WORK)
    await desk.do(c.Link(actor=ANNA_PHONE, code=code.lower().replace("-", " ")))
    delivered = desk.take()
    assert [n.key for n in notices_to(ANNA_PHONE, delivered)] == ["link.done"]
    assert [n.key for n in notices_to(ANNA_WORK, delivered)] == ["link.done"]

    assert await status_numbers(desk, ANNA_WORK) == [2, 1]
    assert await status_numbers(desk, ANNA_PHONE) == [2, 1]
    # Her ticket from the other account is hers to cancel (told where the ticket lives);
    # it is still nobody else's.
    await desk.do(c.Cancel(actor=ANNA_WORK, number=2))
    assert [n.key for n in notices_to(ANNA_PHONE, desk.take())] == ["ticket.cancelled"]
    await desk.do(c.Cancel(actor=MALLORY, number=1))
    assert [n.key for n in notices_to(MALLORY, desk.take())] == ["error.unknown_ticket"]


async def test_a_code_expires_after_ten_minutes(desk: Harness, clock: FakeClock) -> None:
    code = await link_code(desk, ANNA_WORK)
    clock.advance(10 * 60 + 1)
    await desk.do(c.Link(actor=ANNA_PHONE, code=code))
    assert [n.key for n in notices_to(ANNA_PHONE, desk.take())] == ["error.link.expired"]
    assert await status_numbers(desk, ANNA_PHONE) == []

    fresh = await link_code(desk, ANNA_WORK)
    clock.advance(9 * 60)
    await desk.do(c.Link(actor=ANNA_PHONE, code=fresh))
    assert [n.key for n in notices_to(ANNA_PHONE, desk.take())] == ["link.done"]


async def test_a_code_works_once_and_a_new_one_replaces_the_old(desk: Harness) -> None:
    old = await link_code(desk, ANNA_WORK)
    code = await link_code(desk, ANNA_WORK)
    await desk.do(c.Link(actor=ANNA_PHONE, code=old))
    assert [n.key for n in notices_to(ANNA_PHONE, desk.take())] == ["error.link.wrong_code"]

    await desk.do(c.Link(actor=ANNA_PHONE, code=code))
    desk.take()
    await desk.do(c.OpenTicket(actor=ANNA_WORK, text="vpn drops"))
    await desk.do(c.Link(actor=MALLORY, code=code))
    assert [n.key for n in notices_to(MALLORY, desk.take())] == ["error.link.used"]
    assert await status_numbers(desk, MALLORY) == []


async def test_guessing_is_refused_after_five_wrong_codes(desk: Harness, clock: FakeClock) -> None:
    code = await link_code(desk, ANNA_WORK)
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "EEEE-EEEE"):
        await desk.do(c.Link(actor=MALLORY, code=guess))
        assert [n.key for n in notices_to(MALLORY, desk.take())] == ["error.link.wrong_code"]
    # The sixth try is refused even with the right code, and the code stays unused.
    await desk.do(c.Link(actor=MALLORY, code=code))
    (refused,) = notices_to(MALLORY, desk.take())
    assert refused.key == "error.link.too_many" and refused.params == {"minutes": 10}
    assert refused.error

    clock.advance(5 * 60)
    await desk.do(c.Link(actor=ANNA_PHONE, code=code))  # another person is not held back
    assert [n.key for n in notices_to(ANNA_PHONE, desk.take())] == ["link.done"]
    clock.advance(5 * 60 + 1)
    await desk.do(c.Link(actor=MALLORY, code="FFFF-FFFF"))
    assert [n.key for n in notices_to(MALLORY, desk.take())] == ["error.link.wrong_code"]


async def test_the_language_chosen_on_one_side_holds_on_the_other(desk: Harness) -> None:
    await desk.do(c.SetLanguage(actor=ANNA_PHONE, lang="pl"))
    desk.take()
    code = await link_code(desk, ANNA_PHONE)
    await desk.do(c.Link(actor=ANNA_WORK, code=code))
    desk.take()
    await desk.do(c.ShowStatus(actor=ANNA_WORK))
    assert [e.lang for e in desk.take()] == ["pl"]

    await desk.do(c.SetLanguage(actor=ANNA_WORK, lang="ru"))
    desk.take()
    await desk.do(c.ShowStatus(actor=ANNA_PHONE))
    assert [e.lang for e in desk.take()] == ["ru"]


async def test_unlinking_gives_each_account_its_own_tickets_again(desk: Harness) -> None:
    await desk.do(c.Unlink(actor=ANNA_WORK))
    assert [n.key for n in notices_to(ANNA_WORK, desk.take())] == ["error.link.not_linked"]
    await desk.do(c.OpenTicket(actor=ANNA_WORK, text="vpn drops"))
    await desk.do(c.OpenTicket(actor=ANNA_PHONE, text="printer jams"))
    code = await link_code(desk, ANNA_WORK)
    await desk.do(c.Link(actor=ANNA_PHONE, code=code))
    assert await status_numbers(desk, ANNA_PHONE) == [2, 1]

    await desk.do(c.Unlink(actor=ANNA_WORK))  # the account that stood for both leaves
    assert [n.key for n in notices_to(ANNA_WORK, desk.take())] == ["link.unlinked"]
    assert await status_numbers(desk, ANNA_WORK) == [1]
    assert await status_numbers(desk, ANNA_PHONE) == [2]
    await desk.do(c.Link(actor=ANNA_WORK, code=code))
    assert [n.key for n in notices_to(ANNA_WORK, desk.take())] == ["error.link.used"]


def cards(events: list[Event]) -> list[TicketCard]:
    return [e.payload for e in events if isinstance(e.payload, TicketCard)]


async def test_the_card_counts_the_persons_tickets_this_month_on_every_platform(
    desk: Harness, clock: FakeClock
) -> None:
    code = await link_code(desk, ANNA_WORK)
    await desk.do(c.Link(actor=ANNA_PHONE, code=code))
    await desk.do(c.OpenTicket(actor=ANNA_WORK, text="vpn drops"))
    (first,) = cards(desk.take())
    assert first.ticket.history is not None
    assert (first.ticket.history.nth_this_month, first.ticket.history.last_number) == (1, None)

    await desk.do(c.OpenTicket(actor=ANNA_PHONE, text="printer jams"))
    await desk.do(c.Resolve(actor=BOB, number=2))
    await desk.do(c.OpenTicket(actor=ANNA_WORK, text="VPN again"))
    third = cards(desk.take())[-1]
    assert third.ticket.number == 3
    assert third.ticket.history is not None
    assert third.ticket.history.nth_this_month == 3
    assert (third.ticket.history.last_number, third.ticket.history.last_subject) == (
        2,
        "printer jams",
    )
    assert third.ticket.history.last_state == "resolved"

    # A later change to the card keeps the line; a new month starts the count again.
    await desk.do(c.Claim(actor=BOB, number=3))
    (claimed,) = cards(desk.take())
    assert claimed.ticket.history == third.ticket.history
    clock.advance(20 * 24 * 3600)
    await desk.do(c.OpenTicket(actor=ANNA_PHONE, text="new badge"))
    (april,) = cards(desk.take())
    assert april.ticket.history is not None
    assert (april.ticket.history.nth_this_month, april.ticket.history.last_number) == (1, 3)


async def test_the_person_button_shows_the_requester_to_agents_only(desk: Harness) -> None:
    code = await link_code(desk, ANNA_WORK)
    await desk.do(c.Link(actor=ANNA_PHONE, code=code))
    await desk.do(c.AskQuestion(actor=ANNA_PHONE, text="How do I connect to the VPN?"))
    await desk.do(c.OpenTicket(actor=ANNA_PHONE, text="vpn drops"))
    await desk.do(c.Resolve(actor=BOB, number=1))
    await desk.do(c.Rate(actor=ANNA_WORK, number=1, score=4))
    await desk.do(c.OpenTicket(actor=ANNA_WORK, text="printer jams"))
    desk.take()

    await desk.do(c.ShowPerson(actor=MALLORY, number=2))
    assert [n.key for n in notices_to(MALLORY, desk.take())] == ["error.agents_only"]

    await desk.do(c.ShowPerson(actor=BOB, number=2, reply_context="agents-thread"))
    (event,) = desk.take()
    assert getattr(event.target, "user_id", None) == "bob"
    assert getattr(event.target, "context", None) == "agents-thread"
    profile = event.payload
    assert isinstance(profile, PersonProfile)
    assert profile.ticket_number == 2
    assert [(i.user_id, i.name) for i in profile.identities] == [
        ("U-anna", "Anna"),
        ("tg-anna", "Anna K"),
    ]
    assert [t.number for t in profile.open_tickets] == [2]
    assert [(t.number, t.state, t.rating) for t in profile.past_tickets] == [(1, "resolved", 4)]
    assert profile.ratings == (4,)
    assert [(q.text, q.decision, q.entry_id) for q in profile.questions] == [
        ("How do I connect to the VPN?", "answer", "vpn-access")
    ]


async def _linked_anna(h: Harness) -> None:
    code = await link_code(h, ANNA_WORK)
    await h.do(c.Link(actor=ANNA_PHONE, code=code))
    h.take()


async def test_an_agents_overview_lists_the_queue_with_who_asks(desk: Harness) -> None:
    await desk.do(c.OpenTicket(actor=ANNA_WORK, text="vpn drops"))
    await desk.do(c.OpenTicket(actor=ANNA_PHONE, text="printer jams"))
    await desk.do(c.OpenTicket(actor=MALLORY, text="mouse is dead"))
    await _linked_anna(desk)
    await desk.do(c.Claim(actor=BOB, number=3))
    desk.take()

    await desk.do(c.ShowAgentHome(actor=BOB))
    (home,) = [e.payload for e in desk.take() if isinstance(e.payload, AgentHome)]

    assert [item.ticket.number for item in home.unclaimed] == [1, 2]  # longest waiting first
    assert [item.ticket.number for item in home.mine] == [3]
    anna = home.unclaimed[0].requester
    assert home.unclaimed[1].requester == anna  # one person, whichever account asked
    assert (anna.name, anna.tickets_total, anna.open_count, anna.ratings) == ("Anna", 2, 2, 0)
    assert home.own == ()

    # An agent of another team sees only what they have.
    elsewhere = replace(BOB, teams=("facilities",))
    await desk.do(c.ShowAgentHome(actor=elsewhere))
    (home,) = [e.payload for e in desk.take() if isinstance(e.payload, AgentHome)]
    assert home.unclaimed == () and [item.ticket.number for item in home.mine] == [3]
    # A requester has no overview.
    await desk.do(c.ShowAgentHome(actor=MALLORY))
    assert [n.key for n in notices_to(MALLORY, desk.take())] == ["error.agents_only"]


async def test_people_are_found_by_a_part_of_a_name_or_their_id(desk: Harness) -> None:
    await desk.do(c.OpenTicket(actor=ANNA_WORK, text="vpn drops"))
    await desk.do(c.OpenTicket(actor=ANNA_PHONE, text="printer jams"))
    await desk.do(c.OpenTicket(actor=MALLORY, text="mouse is dead"))
    await _linked_anna(desk)

    (anna,) = await search_people(desk.db, "ANN", "en")  # both accounts: one person
    assert anna.display_name == "Anna"
    assert [p.display_name for p in await search_people(desk.db, "tg-", "en")] == ["Anna K"]
    assert [p.user_id for p in await search_people(desk.db, str(anna.id), "en")] == ["U-anna"]
    assert await search_people(desk.db, "%", "en") == []
    assert await search_people(desk.db, "_", "en") == []
