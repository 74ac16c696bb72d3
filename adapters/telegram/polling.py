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
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import NextMiddlewareType
from aiogram.types import TelegramObject, Update

from core.redact import describe
from core.retry import Backoff
from core.storage.db import is_outage

_Next = NextMiddlewareType[TelegramObject]  # the rest of the chain

log = logging.getLogger(__name__)

# Short pauses first (a database restart takes seconds), never longer than 15 s.
HOLD_BACKOFF = Backoff(base=0.25, cap=15.0)


class HoldWhileDatabaseDown(BaseMiddleware):
    """An outer middleware for `Dispatcher.update` in polling mode."""

    def __init__(self, backoff: Backoff = HOLD_BACKOFF) -> None:
        self.backoff = backoff
        self.held = 0  # tries that met an unreachable database (each one is logged)

    async def __call__(self, handler: _Next, event: TelegramObject, data: dict[str, Any]) -> Any:
        tries = 0
        while True:
            try:
                return await handler(event, data)
            except Exception as error:
                if not is_outage(error):
                    raise
                self.held += 1
                tries += 1
                pause = self.backoff.delay(tries)
                update_id = event.update_id if isinstance(event, Update) else "?"
                log.warning(
                    "telegram update %s not stored, the database is unreachable (%s); "
                    "holding it, next try in %.1f s",
                    update_id,
                    describe(error),
                    pause,
                )
                await asyncio.sleep(pause)
