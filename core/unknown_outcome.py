"""Sends whose outcome is unknown: looked for on the platform before anything is repeated.

A request that went out but whose answer was lost (a timeout, a dropped
connection, an answer that could not be read) may well have been delivered;
sending it again blindly is how a person gets the same video ten times. A
sender says so by raising `MaybeSent`. Then a sender that tags its messages
with the delivery's marker (`CheckingSender`) is asked to look for it; one
that cannot look gets one more try at most, tagged (`TagsRepeats`) so that a person
who ends up with two copies can tell the second one for what it is; if that answer
is lost too the message is taken as delivered.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from typing import Protocol, runtime_checkable

from core.events import Event
from core.redact import describe

log = logging.getLogger(__name__)


class MaybeSent(Exception):
    """The request reached the platform but its answer did not: the message may be there."""


@runtime_checkable
class CheckingSender(Protocol):
    """A sender whose messages carry a marker it can later look for on the platform."""

    async def send(self, event: Event) -> None: ...

    async def send_marked(self, event: Event, marker: str) -> None: ...

    async def verify(self, event: Event, marker: str) -> bool | None:
        """True: the message is there (and what the send does after posting is done);
        False: it is not; None: this sender cannot tell."""
        ...


@runtime_checkable
class TagsRepeats(Protocol):
    """A sender that can mark a message it sends again without knowing whether the first
    copy arrived."""

    async def send(self, event: Event) -> None: ...

    async def send_again(self, event: Event) -> None: ...


class Resolution(enum.StrEnum):
    FOUND = "found"  # the platform has it: recorded as sent
    MISSING = "missing"  # the platform has not: sent again like any failed send
    RESENT = "resent"  # could not look: tried once more
    ASSUMED_SENT = "assumed_sent"  # could not look, and the second answer was lost too


def marker_of(row_id: int) -> str:
    """The tag a delivery's message carries: its outbox row id, the same on every attempt."""
    return str(row_id)


async def send_once(sender: object, event: Event, marker: str) -> None:
    """Send `event`, tagged with `marker` when the sender can tag."""
    if isinstance(sender, CheckingSender):
        await sender.send_marked(event, marker)
        return
    await sender.send(event)  # type: ignore[attr-defined]


async def look(sender: object, event: Event, marker: str, seconds: float) -> bool | None:
    """Whether the platform has the message (asked for at most `seconds`); None when
    nobody can tell."""
    if not isinstance(sender, CheckingSender):
        return None
    try:
        async with asyncio.timeout(seconds):
            return await sender.verify(event, marker)
    except Exception as error:  # the platform is unwell: treated as "cannot tell"
        log.warning("could not look for delivery %s: %s", marker, describe(error))
        return None


async def settle(sender: object, event: Event, marker: str, seconds: float) -> Resolution:
    """What became of a send whose answer was lost (each step within `seconds`); errors
    of the one resend propagate."""
    found = await look(sender, event, marker, seconds)
    if found is not None:
        return Resolution.FOUND if found else Resolution.MISSING
    try:
        async with asyncio.timeout(seconds):
            if isinstance(sender, TagsRepeats):
                await sender.send_again(event)
            else:
                await send_once(sender, event, marker)
    except MaybeSent:
        return Resolution.ASSUMED_SENT
    return Resolution.RESENT
