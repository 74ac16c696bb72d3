"""Starts the chosen adapters around one core, one HTTP server and one dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import signal
import sys
import threading
from contextlib import AsyncExitStack

from adapters.console.app import ConsoleBot, ConsoleSender, piped_lines
from adapters.console.terminal import LineFeed, read_terminal
from adapters.console.translate import Session
from adapters.web.sender import PLATFORM as WEB_PLATFORM
from adapters.web.sender import WebSender
from bots.http import build_http_app, start_http
from bots.runtime import AdapterRuntime, PlatformConnection, share_files
from bots.settings import Settings
from bots.wiring import (
    Core,
    build_core,
    load_learned,
    open_database,
    report_policy,
    warmed_faq,
)
from core.delivery import Sender
from core.i18n import t
from core.reporting.digest import digest_events, team_places, weekly_digest
from core.storage.db import Database

log = logging.getLogger(__name__)


def _default_user() -> str:
    try:
        name = getpass.getuser()
    except Exception:
        name = ""
    return name if name and name != "root" else "you"


def _connect(name: str, settings: Settings, db: Database) -> PlatformConnection:
    if name == "slack":
        from bots.slack_runtime import connect_slack

        return connect_slack(settings, db)
    if name == "telegram":
        from bots.telegram_runtime import connect_telegram

        return connect_telegram(settings, db)
    raise SystemExit(f"unknown adapter: {name}")


REMINDER_INTERVAL_SECONDS = 60.0


DIGEST_PLATFORMS = ("slack", "telegram")  # the platforms with an agents' place


async def post_digest_when_due(core: Core, platforms: list[str]) -> bool:
    """The weekly digest to the agents' places, once per scheduled moment (any worker)."""
    settings = core.settings
    schedule = settings.digest_schedule
    if schedule is None or not platforms:
        return False
    due = await weekly_digest(
        core.db, report_policy(settings, core.desk.service), schedule, core.desk.clock()
    )
    if due is None:
        return False
    key, week, before = due
    places = team_places(core.desk.service)
    events = digest_events(week, before, platforms, settings.lang, settings.public_url, places)
    return await core.desk.post_once(key, events)


async def remind_periodically(
    core: Core, stop: asyncio.Event, digest_platforms: list[str] | None = None
) -> None:
    """Remind the agents of SLA targets near or breached (safe with several workers), post
    the weekly digest when it is due, and pick up learned phrasings other workers or
    `helpdesk faq learned remove` changed."""
    while not stop.is_set():
        try:
            await core.desk.remind_overdue(core.settings.sla)
        except Exception:
            log.exception("SLA reminder check failed; trying again later")
        try:
            await post_digest_when_due(core, digest_platforms or [])
        except Exception:
            log.exception("the weekly digest failed; trying again later")
        try:
            await load_learned(core.db, core.faq, core.settings.lang)
        except Exception:
            log.exception("loading the learned FAQ phrasings failed; trying again later")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), REMINDER_INTERVAL_SECONDS)


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def run_with_terminal(settings: Settings, names: list[str], console_user: str | None) -> None:
    """The console on a terminal: lines read on this (the main) thread, where Ctrl-C
    arrives, and the bot's event loop on another (adapters.console.terminal)."""
    session = Session(name=console_user or _default_user())
    feed = LineFeed()
    outcome: list[BaseException] = []

    def bot() -> None:
        try:
            asyncio.run(run_adapters(settings, names, session=session, feed=feed))
        except BaseException as error:  # handed to the main thread, raised there
            outcome.append(error)

    thread = threading.Thread(target=bot, name="helpdesk-bot")
    thread.start()
    console = TerminalPrompt(session, settings.lang)
    read_terminal(feed, console.prompt, console.goodbye, thread.is_alive, sys.stdout)
    thread.join()
    if outcome:
        raise outcome[0]


class TerminalPrompt:
    """The prompt and the goodbye, in the language the bot speaks to whoever types."""

    def __init__(self, session: Session, lang: str) -> None:
        self.session = session
        self.lang = lang

    def prompt(self) -> str:
        return f"{self.session.name}{' (agent)' if self.session.is_agent else ''}> "

    def goodbye(self) -> str:
        return t(self.session.langs.get(self.session.name, self.lang), "console.goodbye")


async def run_adapters(
    settings: Settings,
    names: list[str],
    console_user: str | None = None,
    *,
    session: Session | None = None,
    feed: LineFeed | None = None,
    web: bool = False,
) -> None:
    """Run every named adapter until a signal (or, with the console, until /quit or the
    end of its input: `feed` when a terminal types it, else stdin); with `web` (or
    HELPDESK_WEB_ENABLED) the web console too, on the HTTP server."""
    web = web or settings.web_enabled
    session = session or Session(name=console_user or _default_user())
    async with AsyncExitStack() as stack:
        db = await stack.enter_async_context(open_database(settings))
        faq = warmed_faq(settings)  # before any platform session opens: a bad FAQ stops here
        platforms = [_connect(name, settings, db) for name in names if name != "console"]
        share_files(platforms)
        senders: dict[str, Sender] = {p.platform: p.sender for p in platforms}
        if "console" in names:
            senders["console"] = ConsoleSender(session, sys.stdout)
        if web:
            senders[WEB_PLATFORM] = WebSender()
        core = await stack.enter_async_context(
            build_core(settings, db=db, faq=faq, senders=senders)
        )
        runtimes: list[AdapterRuntime] = [platform.runtime(core) for platform in platforms]
        if web:
            from bots.web_runtime import WebRuntime

            runtimes.append(WebRuntime(core))
        await _run(settings, names, session, core, runtimes, feed)


async def _run(
    settings: Settings,
    names: list[str],
    session: Session,
    core: Core,
    runtimes: list[AdapterRuntime],
    feed: LineFeed | None,
) -> None:
    """The background loops, the HTTP server and the adapters, until the end."""
    stop = asyncio.Event()
    # The console drains the outbox itself after each line, so its output keeps
    # the order things happened in; platforms need the background dispatcher, and
    # so does a console on a terminal: reminders come while nobody types.
    background = []
    if runtimes:
        background.append(asyncio.create_task(core.inbox.run_forever(stop)))
    if runtimes or feed is not None:
        background.append(asyncio.create_task(core.dispatcher.run_forever(stop)))
        digest = [r.platform for r in runtimes if r.platform in DIGEST_PLATFORMS]
        background.append(
            asyncio.create_task(remind_periodically(core, stop, digest_platforms=digest))
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
            bot = ConsoleBot(
                core.desk,
                core.dispatcher,
                session,
                lang=settings.lang,
                remind=lambda: core.desk.remind_overdue(core.settings.sla),
            )
            if feed is not None:
                bot.welcome()
                await bot.run(feed.lines(), feed)
            else:
                await bot.run(piped_lines(sys.stdin))
        else:
            await _wait_for_signal()
    finally:
        for runtime in runtimes:
            await runtime.stop()
        stop.set()
        await asyncio.gather(*background)
        if http_runner is not None:
            await http_runner.cleanup()
