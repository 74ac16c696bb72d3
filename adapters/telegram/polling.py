"""Long polling must not confirm an update the desk could not store.

aiogram confirms an update (the next getUpdates offset) once its handler has
returned or raised; a handler that failed because the database was down
would lose the update. In polling mode this middleware holds the update and
tries again, with growing pauses, for as long as the database is unreachable;
Telegram keeps unconfirmed updates for 24 hours. Other errors pass through
as before. The webhook needs none of this: a failed handler answers 500 and
Telegram delivers the update again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from core.redact import describe
from core.storage.db import is_outage

log = logging.getLogger(__name__)


class HoldWhileDatabaseDown(BaseMiddleware):
    """An outer middleware for `Dispatcher.update` in polling mode."""

    def __init__(self, first_pause: float = 0.25, longest_pause: float = 15.0) -> None:
        self.first_pause = first_pause
        self.longest_pause = longest_pause
        self.held = 0  # tries that met an unreachable database (each one is logged)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        pause = self.first_pause
        while True:
            try:
                return await handler(event, data)
            except Exception as error:
                if not is_outage(error):
                    raise
                self.held += 1
                update_id = event.update_id if isinstance(event, Update) else "?"
                log.warning(
                    "telegram update %s not stored, the database is unreachable (%s); "
                    "holding it, next try in %.1f s",
                    update_id,
                    describe(error),
                    pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, self.longest_pause)
