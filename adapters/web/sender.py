"""Deliveries to web console users: the page that made the request already showed them
(the desk's outcome), so the outbox row only needs marking as sent."""

from __future__ import annotations

from core.events import Event

PLATFORM = "web"


class WebSender:
    async def send(self, event: Event) -> None:
        return None
