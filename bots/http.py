"""The one HTTP server: platform webhooks mount their routes here, plus /healthz and /metrics."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bots.http_edge import EdgeTimeouts, body_deadline
from bots.metrics import CONTENT_TYPE, render_metrics
from bots.wiring import Core
from core.desk import utc_now

CORE_KEY = web.AppKey("core", Core)


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers and the dispatcher and the inbox loop cycled recently."""
    core = request.app[CORE_KEY]
    database_ok = await core.db.ping()
    now = utc_now()
    stale_after = timedelta(seconds=max(30.0, core.dispatcher.poll_seconds * 20))
    loops = {"dispatcher": core.dispatcher.last_cycle_at, "inbox": core.inbox.last_cycle_at}
    body = {"database": "ok" if database_ok else "down"}
    for name, last in loops.items():
        body[name] = "ok" if last is not None and now - last < stale_after else "stalled"
    healthy = all(value == "ok" for value in body.values())
    return web.json_response(body, status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    """Prometheus exposition: delivery counters and the outbox's depth and age."""
    core = request.app[CORE_KEY]
    body = await render_metrics(core.db, core.dispatcher, core.inbox)
    return web.Response(body=body.encode(), headers={"Content-Type": CONTENT_TYPE})


MAX_BODY_BYTES = 1024 * 1024
# After an early answer (408, 413) the rest of a body is read this long so the client
# sees the answer, then the connection is closed (aiohttp's default is 10 s).
LINGER_SECONDS = 1.0


def edge_timeouts(core: Core) -> EdgeTimeouts:
    settings = core.settings
    return EdgeTimeouts(
        headers=settings.http_header_timeout_seconds, body=settings.http_body_timeout_seconds
    )


def build_http_app(core: Core) -> web.Application:
    app = web.Application(
        client_max_size=MAX_BODY_BYTES, middlewares=[body_deadline(edge_timeouts(core).body)]
    )
    app[CORE_KEY] = core
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def start_http(
    app: web.Application, host: str, port: int, timeouts: EdgeTimeouts | None = None
) -> web.AppRunner:
    """Serve `app`; a connection that sends no whole request head in time is closed.

    aiohttp's keep-alive timer runs from a connection's start and from each answer
    until the next request head is complete, so it bounds slow heads and idle
    connections alike.
    """
    limits = timeouts or edge_timeouts(app[CORE_KEY])
    runner = web.AppRunner(
        app, access_log=None, keepalive_timeout=limits.headers, lingering_time=LINGER_SECONDS
    )
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
