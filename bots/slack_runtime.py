"""Wires the Slack adapter: bolt app, Web API client, sender, HTTP route or Socket Mode."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackDeps, register
from adapters.slack.codecs import PLATFORM
from adapters.slack.deferred import Deferred
from adapters.slack.directory import AgentDirectory, TeamDirectory, UserDirectory
from adapters.slack.errors import refused_token_code
from adapters.slack.file_source import SlackFileSource
from adapters.slack.files import FilePasser
from adapters.slack.sender import SlackSender
from bots.http_edge import refuse, slack_events_route
from bots.settings import Settings
from bots.wiring import Core, checked_service
from core.delivery import Sender
from core.files import FileSource
from core.redact import describe
from core.storage.db import Database
from core.storage.lookup_records import PendingLookups
from core.storage.refs import RefStore

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
WEB_API_TIMEOUT = 10  # seconds; with our own session slack_sdk takes the session's


@dataclass
class SlackConnection:
    """The Web API side: one HTTP session, the client, reply places and the sender."""

    settings: Settings
    session: aiohttp.ClientSession
    client: AsyncWebClient
    refs: RefStore
    sender: Sender
    agents_channel: str
    users: UserDirectory
    files: FileSource
    foreign_files: dict[str, FileSource]
    app_token: str | None = None
    platform: str = PLATFORM

    def runtime(self, core: Core) -> SlackRuntime:
        return build_slack_runtime(core, self)


@dataclass
class SlackRuntime:
    app: AsyncApp
    client: AsyncWebClient
    app_token: str | None = None
    signing_secret: str = ""
    platform: str = PLATFORM
    session: aiohttp.ClientSession | None = None
    users: UserDirectory | None = None
    agents: TeamDirectory | None = None
    deferred: Deferred | None = None
    _socket: Any = field(default=None, repr=False)

    async def handle_http(self, request: web.Request) -> web.Response:
        """POST /slack/events: events, interactivity and slash commands at one URL."""
        try:
            bolt_request = await to_bolt_request(request)
        # Signed, yet not JSON or a form bolt can read (bolt parses while constructing).
        except (ValueError, RecursionError, AttributeError, TypeError):
            return refuse(request, 400, "body is not a Slack request")
        bolt_response = await self.app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    def mount(self, http: web.Application) -> None:
        if self.app_token is None:
            http.router.add_post(
                EVENTS_PATH, slack_events_route(self.signing_secret, self.handle_http)
            )

    async def start(self) -> None:
        await self._check_bot_token()
        # People and agents known before the first update, so no ack waits on them.
        if self.users is not None and self.agents is not None:
            await asyncio.gather(self.users.warm(), self.agents.warm())
        if self.deferred is not None:
            # what a previous run acknowledged and had not looked up yet
            await self.deferred.resume()
        if self.app_token is None:
            return
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        await self._check_app_token(self.app_token)
        self._socket = AsyncSocketModeHandler(self.app, self.app_token)
        await self._socket.connect_async()
        log.warning("Slack Socket Mode connected")

    async def _check_bot_token(self) -> None:
        """auth.test once: a refused token or an unreachable Web API stops the start."""
        try:
            await self.client.auth_test()
        except SlackApiError as error:
            if code := refused_token_code(error):
                raise SystemExit(f"Slack refused SLACK_BOT_TOKEN ({code})") from None
            raise
        except (aiohttp.ClientError, TimeoutError) as error:
            raise SystemExit(
                f"cannot reach the Slack Web API at {self.client.base_url}: {describe(error)}"
            ) from None

    async def _check_app_token(self, app_token: str) -> None:
        """Ask Slack for a socket once, so a wrong token stops the start with a reason.

        The Socket Mode client would retry a refused token every 10 s forever,
        leaving a bot that looks up and never hears anything.
        """
        try:
            await self.client.apps_connections_open(app_token=app_token)
        except SlackApiError as error:
            if code := refused_token_code(error):
                raise SystemExit(
                    f"Slack refused SLACK_APP_TOKEN ({code}): use the app-level token "
                    "(xapp-...) with the connections:write scope"
                ) from None
            raise

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self.deferred is not None:
            await self.deferred.close()
        for directory in (self.users, self.agents):
            if directory is not None:
                await directory.close()
        if self.session is not None:
            await self.session.close()


def api_base_url(settings: Settings) -> str:
    base = settings.slack_api_url or SLACK_API_URL
    return base if base.endswith("/") else base + "/"


def connect_slack(settings: Settings, db: Database) -> SlackConnection:
    """Check the Slack settings, then open the Web API client; no request is made yet."""
    if settings.slack_bot_token is None:
        raise SystemExit("SLACK_BOT_TOKEN is not set")
    if not settings.slack_agents_channel:
        raise SystemExit("SLACK_AGENTS_CHANNEL is not set (the channel id where cards go)")
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SystemExit(
            "SLACK_APP_TOKEN must be the app-level token (xapp-...), not a bot or user token"
        )
    if app_token is None and settings.slack_signing_secret is None:
        raise SystemExit("set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)")
    # One HTTP session for every Web API call: slack_sdk opens a new one per call
    # without it (a new connection each time). No retry handlers at all: a 429 goes
    # back to the outbox, which reschedules it, and slack_sdk's default one (a blind
    # second request after a dropped connection, slack_sdk/http_retry/
    # builtin_async_handlers.py) could post a message twice; a lost answer is looked
    # for instead (adapters/slack/marks.py).
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WEB_API_TIMEOUT))
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=api_base_url(settings),
        timeout=WEB_API_TIMEOUT,
        session=session,
        retry_handlers=[],
    )
    refs = RefStore(db, PLATFORM)
    channel = settings.slack_agents_channel
    users = UserDirectory(client)
    foreign_files: dict[str, FileSource] = {}  # filled by bots.runtime.share_files
    files = SlackFileSource(client)
    return SlackConnection(
        settings=settings,
        session=session,
        client=client,
        refs=refs,
        sender=SlackSender(
            client,
            refs,
            channel,
            files=FilePasser(client, max_bytes=settings.slack_max_file_mb * 1024**2, source=files),
            people=users.ids_by_name,
            foreign_files=foreign_files,
            teams=tuple(checked_service(settings).teams),
        ),
        agents_channel=channel,
        users=users,
        files=files,
        foreign_files=foreign_files,
        app_token=app_token,
    )


def build_slack_runtime(core: Core, slack: SlackConnection) -> SlackRuntime:
    """The bolt app on `slack`'s client, its listeners handing updates to `core`'s inbox."""
    settings = slack.settings
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    app = AsyncApp(
        client=slack.client,
        signing_secret=signing_secret,
        process_before_response=True,
        request_verification_enabled=slack.app_token is None,
    )
    channel = slack.agents_channel
    # Each team's agents are the members of its channel; without a service file that is
    # one team in SLACK_AGENTS_CHANNEL. A team whose tickets go to no Slack channel (it
    # lives in a Telegram group) has no agents here; one with no place on any platform
    # the desk runs falls back to the default channel, as its tickets do.
    service = core.desk.service
    team_channels: dict[str, str] = {}
    for name in service.teams:
        places = dict(service.ticket_places(name, PLATFORM))
        if PLATFORM in places:
            team_channels[name] = places[PLATFORM] or channel
    deps = SlackDeps(
        intake=core.inbox,
        client=slack.client,
        refs=slack.refs,
        users=slack.users,
        agents=TeamDirectory(
            {name: AgentDirectory(slack.client, ch) for name, ch in team_channels.items()}
        ),
        agents_channel=channel,
        deferred=Deferred(PendingLookups(slack.refs.db, PLATFORM), clock=core.desk.clock),
        tell=core.desk.post_once,
        default_lang=settings.lang,
        areas=core.desk.service.areas(),
    )
    register(app, deps)
    return SlackRuntime(
        app=app,
        client=slack.client,
        app_token=slack.app_token,
        signing_secret=signing_secret,
        session=slack.session,
        users=deps.users,
        agents=deps.agents,
        deferred=deps.deferred,
    )
