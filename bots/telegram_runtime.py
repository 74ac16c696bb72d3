"""Wires the Telegram adapter: Bot, aiogram Dispatcher, sender, polling or webhook."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from adapters.telegram import PLATFORM, migration
from adapters.telegram.facts import ChatFacts
from adapters.telegram.file_source import TelegramFileSource
from adapters.telegram.handlers import ALLOWED_UPDATES, TelegramDeps, build_router
from adapters.telegram.inbound import known_update
from adapters.telegram.polling import HoldWhileDatabaseDown
from adapters.telegram.sender import TelegramSender
from adapters.telegram.setup import check_agents_chat, register_commands
from bots.http_edge import refuse, telegram_webhook_route
from bots.settings import Settings
from bots.wiring import Core, checked_service
from core.delivery import Sender
from core.files import FileSource
from core.queries import ticket_view
from core.redact import redact
from core.storage.db import Database
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
# Below the dispatcher's send timeout (30 s): a late answer is then aiogram's timeout, a
# "maybe sent" that gets one more try at most, not a blind retry of the whole send.
BOT_API_TIMEOUT = 20.0  # seconds; long polling adds its own wait to this


def build_bot(settings: Settings) -> Bot:
    if settings.telegram_bot_token is None:
        raise SystemExit("TELEGRAM_BOT_TOKEN is not set")
    session = (
        AiohttpSession(
            api=TelegramAPIServer.from_base(settings.telegram_api_url), timeout=BOT_API_TIMEOUT
        )
        if settings.telegram_api_url
        else AiohttpSession(timeout=BOT_API_TIMEOUT)
    )
    return Bot(settings.telegram_bot_token.get_secret_value(), session=session)


class TelegramConnection:
    """The Bot API side: the bot, reply places, what we know of chats, and the sender."""

    platform = PLATFORM

    def __init__(self, settings: Settings, bot: Bot, db: Database) -> None:
        self.settings = settings
        self.bot = bot
        self.refs = RefStore(db, PLATFORM)
        # Each team's agents are the members of its group; without a service file that is
        # one team in TELEGRAM_AGENTS_CHAT_ID.
        default = settings.telegram_agents_chat_id
        service = checked_service(settings)
        self.teams = tuple(service.teams)
        # Whether some team's Telegram tickets fall back to TELEGRAM_AGENTS_CHAT_ID (a team
        # living in a Slack channel takes them there instead).
        self.needs_default_group = any(
            place == (PLATFORM, None)
            for team in service.teams
            for place in service.ticket_places(team, PLATFORM)
        )
        team_chats = {
            name: int(team.places[PLATFORM])
            for name, team in service.teams.items()
            if team.places.get(PLATFORM)
        }
        self.facts = ChatFacts(bot, default, team_chats=team_chats)
        self.files: FileSource = TelegramFileSource(bot)
        self.foreign_files: dict[str, FileSource] = {}  # filled by bots.runtime.share_files
        self.sender: Sender = TelegramSender(
            bot,
            self.refs,
            self.facts,
            views=functools.partial(ticket_view, db),
            foreign_files=self.foreign_files,
        )

    def runtime(self, core: Core) -> TelegramRuntime:
        return TelegramRuntime(core, self)


class TelegramRuntime:
    platform = PLATFORM

    def __init__(self, core: Core, telegram: TelegramConnection) -> None:
        settings = telegram.settings
        self.settings = settings
        self.bot = telegram.bot
        self.telegram = telegram
        self.dispatcher = Dispatcher(name="helpdesk-telegram")
        self.dispatcher.include_router(
            build_router(
                TelegramDeps(
                    intake=core.inbox,
                    db=core.db,
                    refs=telegram.refs,
                    facts=telegram.facts,
                    default_lang=settings.lang,
                    teams=telegram.teams,
                )
            )
        )
        secret = settings.telegram_webhook_secret
        # Without a configured secret, a fresh one per start still keeps strangers out.
        self.webhook_secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        self._polling: asyncio.Task[None] | None = None
        self.hold = HoldWhileDatabaseDown()
        if not self.webhook_mode:
            self.dispatcher.update.outer_middleware(self.hold)

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url)

    def mount(self, http: web.Application) -> None:
        if not self.webhook_mode:
            return
        # Handled before the 200 goes back: Telegram redelivers what we failed to store.
        handler = SimpleRequestHandler(
            dispatcher=self.dispatcher,
            bot=self.bot,
            handle_in_background=False,
            secret_token=self.webhook_secret,
        )

        async def handle(request: web.Request) -> web.StreamResponse:
            # aiogram would skip an update of no kind it knows with a warning carrying
            # the whole update: refuse it here, in one line and without its body.
            if not known_update(await request.json()):
                return refuse(request, 400, "body is not a Telegram update of a known kind")
            return await handler.handle(request)

        http.router.add_post(WEBHOOK_PATH, telegram_webhook_route(self.webhook_secret, handle))

    async def start(self) -> None:
        await self._check_token()
        facts = self.telegram.facts
        await migration.restore(facts, self.telegram.refs)
        if facts.agents_chat_id is not None or self.telegram.needs_default_group:
            for problem in await check_agents_chat(self.bot, facts.agents_chat_id):
                log.warning("telegram: %s", problem)
        await register_commands(
            self.bot, facts.agents_chat_id, self.settings.lang, facts.agents_chats
        )
        if self.webhook_mode:
            url = str(self.settings.telegram_webhook_url).rstrip("/")
            if not url.endswith(WEBHOOK_PATH):
                url += WEBHOOK_PATH
            await self.bot.set_webhook(
                url=url, secret_token=self.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
            log.warning("telegram: webhook set to %s", url)
            return
        await self.bot.delete_webhook()
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                # One update at a time: a person's messages reach the desk in order.
                handle_as_tasks=False,
                allowed_updates=ALLOWED_UPDATES,
                polling_timeout=25,
            )
        )
        log.warning("telegram: long polling started")

    async def _check_token(self) -> None:
        """getMe once: a refused token or an unreachable Bot API stops the start with a reason."""
        try:
            await self.bot.me()
        except TelegramUnauthorizedError:
            raise SystemExit("Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized)") from None
        except TelegramNetworkError as error:
            api = self.settings.telegram_api_url or "https://api.telegram.org"
            raise SystemExit(
                f"cannot reach the Telegram Bot API at {api}: {redact(str(error))}"
            ) from None

    async def stop(self) -> None:
        if self._polling is not None:
            with contextlib.suppress(RuntimeError):
                await self.dispatcher.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        await self.bot.session.close()


def connect_telegram(settings: Settings, db: Database) -> TelegramConnection:
    return TelegramConnection(settings, build_bot(settings), db)
