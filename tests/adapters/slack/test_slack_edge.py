"""Unsigned or malformed requests: 401/400 before any parsing, one WARNING line, no body."""

from __future__ import annotations

import logging

import pytest

from tests.adapters.slack.conftest import SECRET, SlackHarness
from tests.fakes.slack_api import sign

NESTED = "[" * 100_000 + "]" * 100_000
SECRET_TEXT = "please-do-not-log-this-text"


async def post_raw(slack: SlackHarness, body: str, headers: dict[str, str]) -> int:
    async with slack.session.post(slack.url, data=body.encode(), headers=headers) as response:
        return response.status


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("{", {}),
        (f'{{"text": "{SECRET_TEXT}"', {}),
        (
            f'{{"text": "{SECRET_TEXT}"}}',
            {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
        ),
        (NESTED, {}),
        (f'{{"text": "{SECRET_TEXT}"}}', sign("not-the-secret", f'{{"text": "{SECRET_TEXT}"}}')),
    ],
    ids=["broken-json", "unsigned-text", "timestamp-abc", "deeply-nested", "wrong-secret"],
)
async def test_an_unsigned_request_is_refused_in_one_line_without_its_body(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, body: str, headers: dict[str, str]
) -> None:
    caplog.set_level(logging.DEBUG)
    status = await post_raw(slack, body, {"Content-Type": "application/json", **headers})
    assert status == 401
    lines = refusals(caplog)
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING, [r.getMessage() for r in lines]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET_TEXT not in logged and "[[[" not in logged
    assert await slack.core.dispatcher.depth() == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{", "application/json"),
        (NESTED, "application/json"),
        ("[1, 2]", "application/json"),
        ("payload=%7B", "application/x-www-form-urlencoded"),
    ],
    ids=["broken-json", "deeply-nested", "not-an-object", "broken-payload"],
)
async def test_a_signed_but_malformed_request_gets_400_in_one_line(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    status = await post_raw(slack, body, {"Content-Type": content_type, **sign(SECRET, body)})
    assert status == 400
    lines = refusals(caplog)
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING, [r.getMessage() for r in lines]
    assert "[[[" not in "\n".join(r.getMessage() for r in caplog.records)


async def test_a_body_over_the_size_limit_is_still_refused(slack: SlackHarness) -> None:
    body = "x" * (1024 * 1024 + 1)
    status = await post_raw(slack, body, {"Content-Type": "application/json", **sign(SECRET, body)})
    assert status == 413
