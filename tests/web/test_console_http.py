"""The web console over real HTTP: signing in, CSRF, lock-out, and a ticket worked through
the same desk and outbox as every other surface."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.web.auth import MAX_FAILURES
from core import commands as c
from core.events import PersonTarget
from core.presenter import render_text
from tests.support import person
from tests.web.console_server import PASSWORD, ConsoleServer, console_server

ALICE = person("alice")


@pytest.fixture
async def server(tmp_path: Path, small_kb: Path) -> AsyncIterator[ConsoleServer]:
    async with console_server(tmp_path, small_kb) as running:
        yield running


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found, f"no {name} field on the page"
    return found.group(1)


async def _sign_in(
    http: aiohttp.ClientSession, base: str, name: str, password: str = PASSWORD
) -> tuple[int, str]:
    async with http.get(f"{base}/login") as page:
        csrf = _field(await page.text(), "csrf")
    async with http.post(
        f"{base}/login", data={"csrf": csrf, "username": name, "password": password}
    ) as answer:
        return answer.status, await answer.text()


def _browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


def _to_alice(server: ConsoleServer) -> list[str]:
    return [
        render_text(e)
        for e in server.requesters.delivered
        if isinstance(e.target, PersonTarget) and e.target.user_id == "alice"
    ]


async def test_an_agent_works_a_ticket_and_a_note_never_reaches_the_requester(
    server: ConsoleServer,
) -> None:
    await server.requester_does(c.OpenTicket(actor=ALICE, text="my laptop does not boot"))
    async with _browser() as http:
        status, queue = await _sign_in(http, server.url, "bob")
        assert status == 200 and "#1" in queue and "my laptop does not boot" in queue
        async with http.get(f"{server.url}/tickets/1") as page:
            ticket = await page.text()
        csrf, key = _field(ticket, "csrf"), _field(ticket, "key")
        for action, data in [
            ("claim", {}),
            ("reply", {"text": "hold the power button for 10 seconds"}),
            ("note", {"text": "probably the battery again"}),
        ]:
            form = {"csrf": csrf, "key": f"{key[:-1]}{action}", **data}
            async with http.post(f"{server.url}/tickets/1/{action}", data=form) as done:
                assert done.status == 200
        await server.core.dispatcher.run_until_idle()
        said = _to_alice(server)
        assert any("hold the power button" in text for text in said)
        assert not any("battery" in text for text in said)
        async with http.get(f"{server.url}/tickets/1") as page:
            ticket = await page.text()
        assert "internal note — never sent to the requester" in ticket
        assert "claimed" in ticket
        # The requester answers in their chat; the agent reads it on the ticket's page.
        await server.requester_does(c.SendText(actor=ALICE, text="it boots now, thanks"))
        async with http.get(f"{server.url}/tickets/1") as page:
            assert "it boots now, thanks" in await page.text()


async def test_a_repeated_form_changes_nothing_twice(server: ConsoleServer) -> None:
    await server.requester_does(c.OpenTicket(actor=ALICE, text="printer jam"))
    async with _browser() as http:
        await _sign_in(http, server.url, "bob")
        async with http.get(f"{server.url}/tickets/1") as page:
            ticket = await page.text()
        form = {"csrf": _field(ticket, "csrf"), "key": "same-key-123", "text": "on my way"}
        for _ in range(2):
            async with http.post(f"{server.url}/tickets/1/reply", data=form) as done:
                assert done.status == 200
    await server.core.dispatcher.run_until_idle()
    assert sum("on my way" in text for text in _to_alice(server)) == 1


async def test_a_form_without_its_csrf_token_is_refused(server: ConsoleServer) -> None:
    await server.requester_does(c.OpenTicket(actor=ALICE, text="printer jam"))
    async with _browser() as http:
        await _sign_in(http, server.url, "bob")
        form = {"csrf": "forged", "key": "abcdefgh1", "text": "phishing link"}
        async with http.post(f"{server.url}/tickets/1/reply", data=form) as refused:
            assert refused.status == 403
    await server.core.dispatcher.run_until_idle()
    assert not any("phishing" in text for text in _to_alice(server))


async def test_repeated_failures_lock_the_account(server: ConsoleServer) -> None:
    async with _browser() as http:
        for _ in range(MAX_FAILURES - 1):
            status, page = await _sign_in(http, server.url, "bob", "wrong password")
            assert status == 401 and "Wrong name or password" in page
        status, page = await _sign_in(http, server.url, "bob", "wrong password")
        assert "locked" in page
        status, page = await _sign_in(http, server.url, "bob")  # the right one, too late
        assert status == 401 and "locked" in page
        async with http.get(f"{server.url}/queue", allow_redirects=False) as queue:
            assert queue.status == 303 and queue.headers["Location"].endswith("/login")


async def test_the_session_cookie_is_http_only_and_strict(server: ConsoleServer) -> None:
    async with _browser() as http:
        async with http.get(f"{server.url}/login") as page:
            csrf = _field(await page.text(), "csrf")
        form = {"csrf": csrf, "username": "bob", "password": PASSWORD}
        async with http.post(f"{server.url}/login", data=form, allow_redirects=False) as answer:
            cookie = answer.headers.getall("Set-Cookie")
    session = next(line for line in cookie if line.startswith("helpdesk_session="))
    assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/console/" in session


async def test_reports_and_the_knowledge_base_are_for_leads(server: ConsoleServer) -> None:
    await server.requester_does(c.SendText(actor=ALICE, text="How do I connect to the VPN?"))
    async with _browser() as http:
        await _sign_in(http, server.url, "bob")
        async with http.get(f"{server.url}/reports") as page:
            assert page.status == 403
    async with _browser() as http:
        await _sign_in(http, server.url, "lena")
        async with http.get(f"{server.url}/reports?by=week") as page:
            report = await page.text()
        assert page.status == 200 and "<svg" in report and "Questions asked" in report
        async with http.get(f"{server.url}/kb", params={"q": "vpn from home"}) as page:
            kb = await page.text()
        assert "Decision: " in kb and "vpn-access" in kb
        assert re.search(r'class="num">0\.\d{3}<', kb), "the scores are shown"


async def test_priority_and_resolution_from_the_console(server: ConsoleServer) -> None:
    await server.requester_does(c.OpenTicket(actor=ALICE, text="badge does not open door 3"))
    async with _browser() as http:
        await _sign_in(http, server.url, "bob")
        async with http.get(f"{server.url}/tickets/1") as page:
            ticket = await page.text()
        csrf = _field(ticket, "csrf")
        form = {"csrf": csrf, "key": "priority-key-1", "priority": "urgent"}
        async with http.post(f"{server.url}/tickets/1/priority", data=form) as done:
            assert "Priority of #1 changed." in await done.text()
        form = {"csrf": csrf, "key": "priority-key-2", "priority": "whenever"}
        async with http.post(f"{server.url}/tickets/1/priority", data=form) as done:
            assert "Choose one of the listed priorities." in await done.text()
        async with http.get(f"{server.url}/queue", params={"priority": "urgent"}) as page:
            assert "badge does not open door 3" in await page.text()
        form = {"csrf": csrf, "key": "resolve-key-1"}
        async with http.post(f"{server.url}/tickets/1/resolve", data=form) as done:
            assert "#1 is resolved" in await done.text()
        async with http.get(f"{server.url}/queue") as page:
            assert "badge does not open door 3" not in await page.text()  # no longer waiting
    await server.core.dispatcher.run_until_idle()
    assert any("resolved" in text.lower() for text in _to_alice(server))


async def test_the_console_speaks_the_desks_language(tmp_path: Path, small_kb: Path) -> None:
    async with console_server(tmp_path, small_kb, HELPDESK_LANG="pl") as server:
        await server.requester_does(c.OpenTicket(actor=ALICE, text="drukarka nie działa"))
        async with _browser() as http:
            status, queue = await _sign_in(http, server.url, "lena")
            assert status == 200 and "Kolejka" in queue and "otwarte" in queue
            async with http.get(f"{server.url}/tickets/1") as page:
                ticket = await page.text()
            assert "Odpowiedź dla zgłaszającego" in ticket and 'lang="pl"' in ticket
            async with http.get(f"{server.url}/reports") as page:
                assert "Zgłoszenia otwarte i rozwiązane" in await page.text()


async def test_signing_out_ends_the_session(server: ConsoleServer) -> None:
    async with _browser() as http, _browser() as other:
        _, queue = await _sign_in(http, server.url, "bob")
        copied = next(c.value for c in http.cookie_jar if c.key == "helpdesk_session")
        other.cookie_jar.update_cookies({"helpdesk_session": copied})
        async with other.get(f"{server.url}/queue", allow_redirects=False) as page:
            assert page.status == 200  # the cookie is the whole session
        async with http.post(f"{server.url}/logout", data={"csrf": _field(queue, "csrf")}) as out:
            assert "Sign in" in await out.text()
        async with other.get(f"{server.url}/queue", allow_redirects=False) as page:
            assert page.status == 303  # and after signing out it opens nothing


TEAMS_FILE = """\
teams:
  it: {categories: [it, access], default: true}
  facilities: {categories: [facilities]}
"""


async def test_the_queue_filters_by_the_service_files_teams(tmp_path: Path, small_kb: Path) -> None:
    service = tmp_path / "service.yaml"
    service.write_text(TEAMS_FILE)
    async with console_server(tmp_path, small_kb, HELPDESK_SERVICE_FILE=str(service)) as server:
        await server.requester_does(
            c.OpenTicket(actor=ALICE, text="the kitchen tap drips", category="facilities")
        )
        await server.requester_does(
            c.OpenTicket(actor=ALICE, text="my laptop does not boot", category="it")
        )
        async with _browser() as http:
            status, queue = await _sign_in(http, server.url, "bob")
            assert status == 200
            offered = re.findall(r'<option value="([^"]*)"', queue.split('name="team"')[1])
            assert offered[:3] == ["", "it", "facilities"]
            async with http.get(f"{server.url}/queue", params={"team": "facilities"}) as page:
                facilities = await page.text()
            assert "the kitchen tap drips" in facilities
            assert "my laptop does not boot" not in facilities
