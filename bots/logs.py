"""Log output: one line per record, as text or JSON, with credentials scrubbed."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from core.redact import redact

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class RedactingTextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", ...extra, "exc"}` per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = redact(str(value)) if isinstance(value, str) else value
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


# Libraries whose DEBUG and INFO lines carry request bodies, SQL parameters or API
# payloads: people's messages. They stay at WARNING unless content logging is on.
CONTENT_LOGGERS = (
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "aiohttp",
    "slack_bolt",
    "slack_sdk",
    "aiogram",
    "websockets",
    "asyncio",
)


class WithholdPayloads(logging.Filter):
    """Bolt's "Unhandled request (<body>)" warning quotes the request: people's words."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("slack_bolt") and str(record.msg).startswith("Unhandled request"):
            record.msg, record.args = "Unhandled request (payload withheld)", None
        return True


def configure_logging(
    level: str, fmt: str, stream: TextIO = sys.stderr, *, log_content: bool = False
) -> None:
    """Log to `stream` at `level`; with `log_content` off, the chatty libraries stay at WARNING."""
    handler = logging.StreamHandler(stream)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            RedactingTextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
    if not log_content:
        handler.addFilter(WithholdPayloads())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in CONTENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if log_content else logging.WARNING)
