"""The HTTP server's edge: who may post, how long a client may take, what a bad request gets.

Every refusal is one WARNING line naming the path, the client and the reason, never the
body: an unverified body is a stranger's text.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Middleware
from pydantic import ValidationError
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class EdgeTimeouts:
    """Seconds a client may take before the server closes its connection.

    `headers` bounds the wait for a whole request head, counted from the connection's
    start or its last answer, so it is also the idle keep-alive limit; `body` bounds
    reading a request's body once its head has arrived.
    """

    headers: float = 10.0
    body: float = 30.0


def refuse(request: web.Request, status: int, reason: str) -> web.Response:
    log.warning("%s %s from %s refused: %s", request.method, request.path, request.remote, reason)
    return web.Response(status=status, text=f"{reason}\n")


def body_deadline(seconds: float) -> Middleware:
    """Read every request body first, within `seconds`; a slower client gets 408 and is closed."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.can_read_body:
            try:
                await asyncio.wait_for(request.read(), seconds)
            except TimeoutError:
                response = refuse(request, 408, "request body too slow")
                response.force_close()
                return response
        return await handler(request)

    return middleware


def slack_events_route(signing_secret: str, dispatch: Handler) -> Handler:
    """POST /slack/events: the signature checked on the raw bytes before anything parses them."""
    verifier = SignatureVerifier(signing_secret)

    async def route(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        try:
            signed = verifier.is_valid(
                body,
                request.headers.get("X-Slack-Request-Timestamp"),
                request.headers.get("X-Slack-Signature"),
            )
        except ValueError:  # a timestamp that is not a number
            signed = False
        if not signed:
            return refuse(request, 401, "missing, stale or invalid Slack signature")
        return await dispatch(request)

    return route


def telegram_webhook_route(secret: str, handle: Handler) -> Handler:
    """POST /telegram/webhook: the secret token compared first, then the body must be an update."""
    expected = secret.encode()

    async def route(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return refuse(request, 401, "missing or wrong Telegram secret token")
        if not _is_json_object(await request.read()):
            return refuse(request, 400, "body is not a JSON object")
        try:
            return await handle(request)
        except ValidationError:
            return refuse(request, 400, "body is not a Telegram update")

    return route


def _is_json_object(body: bytes) -> bool:
    try:
        return isinstance(json.loads(body), dict)
    except (ValueError, RecursionError):  # RecursionError: deeply nested arrays or objects
        return False
