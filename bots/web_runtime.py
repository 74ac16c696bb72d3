"""The web console as one more runtime of `helpdesk run`: its routes on the shared server."""

from __future__ import annotations

from aiohttp import web

from adapters.web.app import WebConfig, WebConsole
from adapters.web.sender import PLATFORM
from bots.wiring import Core, report_policy


class WebRuntime:
    platform = PLATFORM

    def __init__(self, core: Core) -> None:
        settings = core.settings
        self.console = WebConsole(
            db=core.db,
            desk=core.desk,
            faq=core.faq,
            policy=report_policy(settings, core.desk.service),
            config=WebConfig(
                secure_cookies=(settings.public_url or "").lower().startswith("https://"),
                lang=settings.lang,
            ),
            clock=core.desk.clock,
        )

    def mount(self, http: web.Application) -> None:
        self.console.mount(http)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
