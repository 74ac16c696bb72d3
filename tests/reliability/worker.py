"""A worker process for the fault suite: inbound HTTP -> inbox -> desk -> outbox -> platform.

Run as `python -m tests.reliability.worker DB_URL SCHEMA KB_DIR PLATFORM_URL PORT WORKER_ID`
(SCHEMA is "-" for SQLite; WORKER_ID "-" leaves HELPDESK_WORKER_ID unset, the
default). It prints "ready" once it listens.

HELPDESK_TEST_CRASH="point:n" makes the process SIGKILL itself the n-th time
it reaches `point`:
- receive     inside the inbox's transaction, when the update is written (nothing
              committed, no ack: the platform redelivers)
- ack         after the inbox committed, before the HTTP answer (the platform
              never sees the ack and redelivers the update)
- store       inside the desk's transaction that applies queued updates, when
              the outbox rows are written (nothing of the batch committed: the
              updates stay queued)
- before_send after the row was leased, before the platform was called
- after_send  after the platform accepted the message, before it is marked sent
              (the documented at-least-once window)
With HELPDESK_TEST_CRASH_ONCE=PATH only the first process of a cluster to get
there crashes (it creates PATH); the others carry on.

HELPDESK_TEST_CROSS=1 runs one desk for two messengers instead of the one loopback
platform: "slack" and "telegram" (both delivered to the loopback platform, each its own
conversations), one team with an agents' place on each. An update's `platform` says
where its author wrote.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import event

from bots.wiring import CoreTuning, build_core
from core import commands as c
from core.delivery import OUTBOX_BACKOFF, DeliveryTuning, Dispatcher
from core.desk import InboundKey
from core.domain import Actor
from core.events import Event
from core.faq.service import FaqService
from core.inbox import Inbox, InboxTuning
from core.service.config import ServiceConfig, build_service
from core.storage.db import Database
from tests.reliability.loopback import LoopbackSender
from tests.support import postgres_database, settings_for

PLATFORM = "loop"
CROSS = os.environ.get("HELPDESK_TEST_CROSS") == "1"
CROSS_PLACES = {"slack": "CAGENTS", "telegram": "-1001234567890"}
_crash = os.environ.get("HELPDESK_TEST_CRASH", "")
_reached: Counter[str] = Counter()


def crashpoint(point: str) -> None:
    if not _crash:
        return
    name, _, nth = _crash.partition(":")
    if name != point:
        return
    _reached[point] += 1
    if _reached[point] == int(nth or "1") and _first_to_crash():
        os.kill(os.getpid(), signal.SIGKILL)


def _first_to_crash() -> bool:
    """With HELPDESK_TEST_CRASH_ONCE (a file path), only the first worker there crashes.

    Every worker of a cluster counts its own arrivals at the point; whichever
    reaches the n-th first dies, so the crash happens however the work is shared.
    """
    flag = os.environ.get("HELPDESK_TEST_CRASH_ONCE")
    if not flag:
        return True
    try:
        os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return False
    return True


class CrashingSender(LoopbackSender):
    async def send(self, event: Event) -> None:
        crashpoint("before_send")
        await super().send(event)
        crashpoint("after_send")


def command(body: dict[str, Any]) -> c.Command:
    actor = Actor(
        platform=body.get("platform", PLATFORM),
        user_id=body["user"],
        display_name=body["user"].title(),
        is_agent=bool(body.get("agent")),
    )
    kind = body["kind"]
    if kind == "open":
        return c.OpenTicket(actor=actor, text=body["text"])
    if kind == "say":
        return c.SendText(actor=actor, text=body["text"])
    if kind == "reply":
        return c.Reply(actor=actor, number=int(body["number"]), text=body["text"])
    raise ValueError(kind)


async def main(argv: list[str]) -> None:
    db_url, schema, kb, platform_url, port, worker_id = argv
    db = postgres_database(schema) if schema != "-" else Database(db_url)

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def _before(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        head = statement.lstrip().upper()
        if head.startswith("INSERT INTO OUTBOX"):
            crashpoint("store")
        elif head.startswith("INSERT INTO INBOX"):
            crashpoint("receive")

    sender = CrashingSender(platform_url)
    tuning = CoreTuning(
        inbox=InboxTuning(poll_seconds=0.05),
        delivery=DeliveryTuning(
            backoff=replace(OUTBOX_BACKOFF, base=0.05, cap=0.5),
            send_timeout_seconds=5,
            poll_seconds=0.05,
        ),
        limits={},
    )
    named = {"HELPDESK_WORKER_ID": worker_id} if worker_id != "-" else {}
    settings = settings_for(Path(kb), **named)
    faq = FaqService(Path(kb), "en")
    senders: dict[str, CrashingSender] = {PLATFORM: sender}
    service = None
    if CROSS:
        senders = {platform: CrashingSender(platform_url) for platform in CROSS_PLACES}
        service = build_service(
            ServiceConfig(), first_response=settings.sla.unclaimed, env_places=CROSS_PLACES
        )
    async with build_core(
        settings, db=db, faq=faq, senders=senders, tuning=tuning, service=service
    ) as core:
        await serve(core.inbox, core.dispatcher, int(port))
    for each in senders.values():
        await each.close()
    await db.dispose()


async def serve(inbox: Inbox, dispatcher: Dispatcher, port: int) -> None:
    """Answer inbound updates on `port` and run both loops until SIGTERM."""

    async def inbound(request: web.Request) -> web.Response:
        body = await request.json()
        key = InboundKey(body.get("platform", PLATFORM), body["id"])
        new = await inbox.submit(command(body), key)
        crashpoint("ack")
        return web.json_response({"duplicate": not new})

    app = web.Application()
    app.router.add_post("/update", inbound)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    tasks = [
        asyncio.create_task(inbox.run_forever(stop)),
        asyncio.create_task(dispatcher.run_forever(stop)),
    ]
    print("ready", flush=True)
    await stop.wait()
    await asyncio.gather(*tasks)
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
