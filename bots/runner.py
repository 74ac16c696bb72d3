"""Starts the chosen adapters around one core, one HTTP server and one dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import signal
import sys

from adapters.console.app import ConsoleBot, ConsoleSender
from adapters.console.translate import Session
from bots.http import build_http_app, start_http
from bots.runtime import AdapterRuntime
from bots.settings import Settings
from bots.wiring import Core, build_core

log = logging.getLogger(__name__)


def _default_user() -> str:
    try:
        name = getpass.getuser()
    except Exception:
        name = ""
    return name if name and name != "root" else "you"


async def _build_runtime(name: str, settings: Settings, core: Core) -> AdapterRuntime:
    if name == "slack":
        from bots.slack_runtime import build_slack_runtime

        runtime: AdapterRuntime = await build_slack_runtime(settings, core)
        return runtime
    if name == "telegram":
        from bots.telegram_runtime import build_telegram_runtime

        runtime = await build_telegram_runtime(settings, core)
        return runtime
    raise SystemExit(f"unknown adapter: {name}")


REMINDER_INTERVAL_SECONDS = 60.0


async def remind_periodically(core: Core, stop: asyncio.Event) -> None:
    """Remind the agents of tickets past their SLA (safe with several workers)."""
    while not stop.is_set():
        try:
            await core.desk.remind_overdue(core.settings.sla)
        except Exception:
            log.exception("SLA reminder check failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), REMINDER_INTERVAL_SECONDS)


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def run_adapters(
    settings: Settings, names: list[str], console_user: str | None = None
) -> None:
    """Run every named adapter until a signal (or, with the console, until /quit)."""
    session = Session(name=console_user or _default_user())
    async with build_core(settings, {}) as core:
        if "console" in names:
            core.dispatcher.senders["console"] = ConsoleSender(session, sys.stdout)
        runtimes = [await _build_runtime(n, settings, core) for n in names if n != "console"]
        for runtime in runtimes:
            core.dispatcher.senders[runtime.platform] = runtime.sender
        stop = asyncio.Event()
        # The console drains the outbox itself after each line, so its output keeps
        # the order things happened in; platforms need the background dispatcher.
        background = (
            [
                asyncio.create_task(core.inbox.run_forever(stop)),
                asyncio.create_task(core.dispatcher.run_forever(stop)),
                asyncio.create_task(remind_periodically(core, stop)),
            ]
            if runtimes
            else []
        )
        http_runner = None
        if runtimes:
            http = build_http_app(core)
            for runtime in runtimes:
                runtime.mount(http)
            http_runner = await start_http(http, settings.http_host, settings.http_port)
            log.warning("HTTP server on %s:%s", settings.http_host, settings.http_port)
        try:
            for runtime in runtimes:
                await runtime.start()
            if "console" in names:
                bot = ConsoleBot(core.desk, core.dispatcher, session, lang=settings.lang)
                await bot.run(sys.stdin, interactive=sys.stdin.isatty())
            else:
                await _wait_for_signal()
        finally:
            for runtime in runtimes:
                await runtime.stop()
            stop.set()
            await asyncio.gather(*background)
            if http_runner is not None:
                await http_runner.cleanup()
