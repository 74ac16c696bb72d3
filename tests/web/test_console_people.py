"""The web console's person page: a requester's profile across the accounts they linked,
found from their tickets, the queue or the people search; for signed-in agents only."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import aiohttp
import pytest

from core import commands as c
from core.domain import Actor
from core.people import link_by_operator
from tests.support import person
from tests.web.console_server import PASSWORD, ConsoleServer, console_server

ALICE = person("alice")
ALICE_ON_TELEGRAM = Actor(platform="telegram", user_id="555", display_name="Alice K")
BOB = person("bob", agent=True)


@pytest.fixture
async def server(tmp_path: Path, small_kb: Path) -> AsyncIterator[ConsoleServer]:
    async with console_server(tmp_path, small_kb) as running:
        yield running


async def _signed_in(server: ConsoleServer) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.get(f"{server.url}/login") as page:
        found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert found
    form = {"csrf": found.group(1), "username": "bob", "password": PASSWORD}
    async with http.post(f"{server.url}/login", data=form) as answer:
        assert answer.status == 200
    return http


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str, str]:
    async with http.get(url) as page:
        return page.status, str(page.url), await page.text()


async def _alice_on_two_platforms(server: ConsoleServer) -> None:
    """Alice's first ticket is resolved and rated 4; on Telegram she asked the FAQ, then
    opened a second ticket; an operator linked her two accounts."""
    await server.requester_does(c.OpenTicket(actor=ALICE, text="my laptop does not boot"))
    await server.requester_does(c.Resolve(actor=BOB, number=1))
    await server.requester_does(c.Rate(actor=ALICE, number=1, score=4))
    await server.requester_does(
        c.AskQuestion(actor=ALICE_ON_TELEGRAM, text="How do I connect to the VPN?")
    )
    await server.requester_does(c.OpenTicket(actor=ALICE_ON_TELEGRAM, text="the printer jams"))
    await link_by_operator(server.core.db, "test:alice", "telegram:555", datetime.now(UTC))


def _profile_link(page: str) -> str:
    found = re.search(r'href="(/console/people/\d+)"', page)
    assert found, "no link to a person's page"
    return found.group(1)


def _text(html: str) -> str:
    """The page as a person reads it: tags dropped, spaces squeezed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_the_requesters_page_shows_both_accounts_tickets_questions_and_ratings(
    server: ConsoleServer,
) -> None:
    await _alice_on_two_platforms(server)
    http = await _signed_in(server)
    async with http:
        _, _, ticket = await _get(http, f"{server.url}/tickets/2")
        assert "Alice K's profile" in _text(ticket)
        base = server.url.removesuffix("/console")
        status, _, page = await _get(http, base + _profile_link(ticket))

    assert status == 200
    shown = _text(page)
    assert "Platforms and linked accounts" in shown
    assert "test: Alice alice" in shown and "Telegram: Alice K 555" in shown
    assert "2 tickets · 1 rating, average 4.0/5" in shown
    open_part, past_part = shown.split("Open tickets")[1].split("Past tickets")
    assert "#2 the printer jams open Telegram nobody" in open_part
    assert "#1 my laptop does not boot resolved test Bob" in past_part and "4/5" in past_part
    assert "How do I connect to the VPN? answered with vpn-access no reply" in shown
    assert 'href="/console/tickets/2"' in page and 'href="/console/tickets/1"' in page


async def test_the_queue_links_requesters_and_the_search_finds_people(
    server: ConsoleServer,
) -> None:
    await _alice_on_two_platforms(server)
    http = await _signed_in(server)
    async with http:
        _, _, queue = await _get(http, f"{server.url}/queue")
        assert 'role="search"' in queue
        base = server.url.removesuffix("/console")
        # the queue's link names the account that asked; the page has one address per person
        _, profile, _ = await _get(http, base + _profile_link(queue))
        # a part of a name finds the one person: straight to their page
        _, landed, _ = await _get(http, f"{server.url}/people?q=ALI")
        assert landed == profile
        # so does their id
        person_id = profile.rsplit("/", 1)[1]
        assert person_id.isdigit()
        _, landed, _ = await _get(http, f"{server.url}/people?q={person_id}")
        assert landed == profile
        # several people: a list to choose from
        await server.requester_does(c.AskQuestion(actor=person("alina"), text="hello there"))
        _, _, listed = await _get(http, f"{server.url}/people?q=ali")
        assert "Alice" in listed and "Alina" in listed
        # `%` is a character like any other, not a wildcard
        _, _, none = await _get(http, f"{server.url}/people?q=%25")
        assert "Nobody matches “%”." in none


async def test_a_persons_page_is_for_signed_in_agents_and_known_people(
    server: ConsoleServer,
) -> None:
    await _alice_on_two_platforms(server)
    async with aiohttp.ClientSession() as stranger:
        status, landed, page = await _get(stranger, f"{server.url}/people/1")
        assert landed.endswith("/console/login") and "Alice" not in page
    http = await _signed_in(server)
    async with http:
        status, _, page = await _get(http, f"{server.url}/people/999")
    assert status == 404 and "There is no person with id 999." in page
