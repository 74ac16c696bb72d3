"""The web console is served only when asked for: `HELPDESK_WEB_ENABLED=true` on
`helpdesk run`, or `helpdesk web`; otherwise no page of it answers."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from tests.fakes.slack_api import free_port

READY = "HTTP server on"


@asynccontextmanager
async def helpdesk(
    tmp_path: Path, kb: Path, port: int, *args: str, **env: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`helpdesk ARGS` in a process of its own, no platform credentials, stdin a pipe."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HELPDESK_", "SLACK_", "TELEGRAM_"))
    }
    clean |= {
        "HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'switch.db'}",
        "HELPDESK_FAQ_DIR": str(kb),
        "HELPDESK_SERVICE_FILE": str(tmp_path / "no-service.yaml"),
        "HELPDESK_HTTP_PORT": str(port),
        "HELPDESK_LANG": "en",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bots", *args,
        cwd=tmp_path,  # no .env of the repository
        env=clean,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await process.communicate()


async def _until_serving(process: asyncio.subprocess.Process) -> None:
    assert process.stderr is not None
    while READY.encode() not in (line := await process.stderr.readline()):
        assert line, "the process ended before its HTTP server started"


async def _login_page(port: int) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/console/login") as response,
    ):
        return response.status, await response.text()


async def test_helpdesk_run_serves_the_console_only_when_enabled(
    tmp_path: Path, small_kb: Path
) -> None:
    port = free_port()
    async with helpdesk(tmp_path, small_kb, port, "run", "--adapter", "console") as process:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"How do I connect to the VPN?\n")
        await process.stdin.drain()
        # The console answered, so everything `run` starts has started: no web console.
        assert (await process.stdout.readline()).strip()
        refused = False
        try:
            await _login_page(port)
        except aiohttp.ClientConnectionError:
            refused = True
        assert refused
        process.stdin.close()
        _, errors = await process.communicate()
        assert process.returncode == 0 and READY.encode() not in errors

    port = free_port()
    async with helpdesk(
        tmp_path, small_kb, port, "run", "--adapter", "console", HELPDESK_WEB_ENABLED="true"
    ) as process:
        await _until_serving(process)
        status, page = await _login_page(port)
        assert status == 200 and 'name="password"' in page


async def test_helpdesk_web_serves_the_console(tmp_path: Path, small_kb: Path) -> None:
    port = free_port()
    async with helpdesk(tmp_path, small_kb, port, "web") as process:
        await _until_serving(process)
        status, page = await _login_page(port)
        assert status == 200 and 'name="password"' in page
        process.send_signal(signal.SIGTERM)
        await process.communicate()
        assert process.returncode == 0
