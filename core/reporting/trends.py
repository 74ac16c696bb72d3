"""A period cut into days or weeks (UTC; weeks start on Monday), each a window of its own."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Literal

from core.reporting.metrics import Window

Step = Literal["day", "week"]
MAX_BUCKETS = 400


def buckets(since: datetime, until: datetime, by: Step) -> list[Window]:
    """Calendar days or weeks covering [since, until), the first and last clipped to it."""
    start = datetime.combine(since.date(), time(), tzinfo=since.tzinfo)
    if by == "week":
        start -= timedelta(days=start.weekday())
    step = timedelta(days=7 if by == "week" else 1)
    windows: list[Window] = []
    while start < until and len(windows) < MAX_BUCKETS:
        end = start + step
        windows.append(Window(max(start, since), min(end, until)))
        start = end
    return windows
