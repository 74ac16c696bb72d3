"""`helpdesk web`: the real command serves the web console, and an account added with
`helpdesk web user add` signs in to it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.e2e.test_console import ROOT, helpdesk


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _answers(url: str) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(url) as page:
            return page.status == 200
    except aiohttp.ClientError:
        return False


async def test_helpdesk_web_serves_the_console_to_an_added_account(tmp_path: Path) -> None:
    added = await asyncio.to_thread(
        helpdesk,
        ["web", "user", "add", "lena", "--role", "lead", "--password-stdin"],
        tmp_path,
        "a long password\n",
    )
    assert added.returncode == 0, added.stderr
    port = _free_port()
    env = {
        **os.environ,
        "HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}",
        "HELPDESK_FAQ_DIR": str(ROOT / "faq"),
        "HELPDESK_HTTP_PORT": str(port),
    }
    for key in ("SLACK_BOT_TOKEN", "TELEGRAM_BOT_TOKEN", "SLACK_APP_TOKEN"):
        env.pop(key, None)
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bots",
        "web",
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/console"
    try:
        ready = False

        async def poll() -> None:
            nonlocal ready
            while server.returncode is None and not ready:
                ready = await _answers(f"{base}/login")
                await asyncio.sleep(0.2)

        await asyncio.wait_for(poll(), timeout=60)
        assert ready, "helpdesk web stopped before serving"
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            async with http.get(f"{base}/login") as page:
                found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
            assert found
            form = {"csrf": found.group(1), "username": "lena", "password": "a long password"}
            async with http.post(f"{base}/login", data=form) as queue:
                assert queue.status == 200 and "Queue" in await queue.text()
    finally:
        if server.returncode is None:
            server.send_signal(signal.SIGTERM)
        await asyncio.wait_for(server.wait(), timeout=30)
    assert server.returncode == 0
