"""Logs are structured on request and never carry a token."""

from __future__ import annotations

import io
import json
import logging

from bots.logs import configure_logging

SLACK_TOKEN = "xoxb-1234567890-abcdefghijklmnop"
TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_x"


def test_json_lines_carry_fields_but_no_secrets() -> None:
    out = io.StringIO()
    configure_logging("INFO", "json", out)
    try:
        logging.getLogger("helpdesk.test").warning(
            "send failed: POST https://api.telegram.org/bot%s/sendMessage with %s",
            TELEGRAM_TOKEN,
            SLACK_TOKEN,
            extra={"ticket": 7, "platform": "telegram"},
        )
    finally:
        logging.getLogger().handlers.clear()
    line = json.loads(out.getvalue())
    assert line["level"] == "warning" and line["logger"] == "helpdesk.test"
    assert line["ticket"] == 7 and line["platform"] == "telegram"
    assert TELEGRAM_TOKEN not in out.getvalue() and SLACK_TOKEN not in out.getvalue()
    assert "[redacted]" in line["message"]


def test_text_lines_are_scrubbed_too() -> None:
    out = io.StringIO()
    configure_logging("INFO", "text", out)
    try:
        logging.getLogger("x").error("token=%s", SLACK_TOKEN)
    finally:
        logging.getLogger().handlers.clear()
    assert SLACK_TOKEN not in out.getvalue() and "redacted" in out.getvalue()


def test_bolts_unhandled_request_warning_keeps_the_payload_out() -> None:
    out = io.StringIO()
    configure_logging("DEBUG", "text", out)
    try:
        logging.getLogger("slack_bolt.AsyncApp").warning(
            "Unhandled request ({'event': {'text': 'my salary is 4200'}})"
        )
    finally:
        logging.getLogger().handlers.clear()
    assert "Unhandled request" in out.getvalue()
    assert "salary" not in out.getvalue()
