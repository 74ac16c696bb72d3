"""SLA targets as people write them: `30m`, `8h`, `2d`, `1h30m`."""

from __future__ import annotations

import re
from datetime import timedelta

# A day of an SLA target is a working day: eight business hours, counted in the
# policy's calendar (so `3d` in an office calendar of 09:00-17:00 is three working days).
BUSINESS_DAY = timedelta(hours=8)

_PART = re.compile(r"(\d+)\s*([dhm])")
_UNITS = {"d": BUSINESS_DAY, "h": timedelta(hours=1), "m": timedelta(minutes=1)}


def parse_duration(text: str) -> timedelta:
    """`1h30m` -> 90 minutes; ValueError for anything else (no unit, zero, junk)."""
    compact = "".join(str(text).lower().split())
    if not compact or _PART.sub("", compact):
        raise ValueError("not a duration like 30m, 8h, 2d or 1h30m")
    total = sum(
        (int(number) * _UNITS[unit] for number, unit in _PART.findall(compact)), timedelta()
    )
    if total <= timedelta():
        raise ValueError("a target must be longer than zero")
    return total
