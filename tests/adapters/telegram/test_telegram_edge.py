"""The webhook's edge: the secret first, then a body that must be an update; 401/400, one line."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from tests.adapters.telegram.harness import SECRET, Harness

NESTED = "[" * 100_000 + "]" * 100_000
SECRET_TEXT = "please-do-not-log-this-text"


async def post_raw(h: Harness, body: str, secret: str | None) -> int:
    assert h.webhook_url is not None
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(h.webhook_url, data=body.encode(), headers=headers) as response,
    ):
        return response.status


@pytest.mark.parametrize(
    ("body", "secret", "status"),
    [
        ("{", None, 401),
        (f'{{"update_id": 1, "text": "{SECRET_TEXT}"}}', "wrong", 401),
        ("{", SECRET, 400),
        (NESTED, SECRET, 400),
        ("[1]", SECRET, 400),
        (f'{{"update_id": "x", "text": "{SECRET_TEXT}"}}', SECRET, 400),
        ('{"update_id": 7}', SECRET, 400),
        (f'{{"update_id": 8, "unknown_kind": {{"text": "{SECRET_TEXT}"}}}}', SECRET, 400),
        (f'{{"update_id": 9, "message": {{"text": "{SECRET_TEXT}"}}}}', SECRET, 400),
    ],
    ids=[
        "unsigned",
        "wrong-secret",
        "broken-json",
        "deeply-nested",
        "not-an-object",
        "not-update",
        "no-content",
        "unknown-kind",
        "message-without-fields",
    ],
)
async def test_a_bad_webhook_request_is_refused_in_one_line(
    webhook_desk: Harness,
    caplog: pytest.LogCaptureFixture,
    body: str,
    secret: str | None,
    status: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert await post_raw(webhook_desk, body, secret) == status
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING, [r.getMessage() for r in lines]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET_TEXT not in logged and "[[[" not in logged
