"""Slow clients cannot hold the HTTP server: heads and bodies have deadlines."""

from __future__ import annotations

import asyncio
import time

import aiohttp
from aiohttp import web

from bots.http import start_http
from bots.http_edge import EdgeTimeouts, body_deadline
from tests.fakes.slack_api import free_port

TIMEOUTS = EdgeTimeouts(headers=0.5, body=0.5)
SLOW_CLIENTS = 50


async def hello(request: web.Request) -> web.Response:
    return web.Response(text=f"read {len(await request.read())} bytes")


async def serve() -> tuple[web.AppRunner, int]:
    app = web.Application(middlewares=[body_deadline(TIMEOUTS.body)])
    app.router.add_route("*", "/", hello)
    port = free_port()
    return await start_http(app, "127.0.0.1", port, TIMEOUTS), port


async def trickle(port: int, head: bytes, pieces: list[bytes]) -> float:
    """Send `head`, then one piece every 0.1 s; seconds until the server closed the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(head)
    try:
        for piece in pieces:
            await asyncio.sleep(0.1)
            if reader.at_eof():
                break
            writer.write(piece)
            await writer.drain()
        async with asyncio.timeout(10):
            while await reader.read(1024):
                pass
    except ConnectionError:
        pass
    finally:
        writer.close()
    return time.monotonic() - started


async def test_slow_heads_are_closed_while_normal_requests_are_answered() -> None:
    runner, port = await serve()
    try:
        slow = [
            asyncio.create_task(trickle(port, b"GET / HTTP/1.1\r\n", [b"X-Slow: a\r\n"] * 100))
            for _ in range(SLOW_CLIENTS)
        ]
        answered = 0
        async with aiohttp.ClientSession() as session:
            while not all(task.done() for task in slow):
                async with session.get(f"http://127.0.0.1:{port}/") as response:
                    assert response.status == 200
                    answered += 1
                await asyncio.sleep(0.05)
                assert answered < 200, "slow connections were never closed"
        held = [task.result() for task in slow]
        # A trickle would last 10 s; the server cuts each one at its head deadline.
        assert max(held) < 3.0, held
        assert answered > 0
    finally:
        await runner.cleanup()


async def test_a_slow_body_gets_408_and_is_closed() -> None:
    runner, port = await serve()
    try:
        head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
        held = await trickle(port, head, [b"x"] * 100)
        assert held < 3.0
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head + b"x")
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 408")
    finally:
        await runner.cleanup()


async def test_an_idle_keep_alive_connection_is_closed() -> None:
    runner, port = await serve()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.monotonic()
        async with asyncio.timeout(5):
            while await reader.read(1024):
                pass
        writer.close()
        assert time.monotonic() - started < 3.0
    finally:
        await runner.cleanup()
