"""An assignee's agent membership, checked the way the actor's own is.

Surfaces name an assignee by mention, pick or reply; whether that person is
an agent is a platform fact (membership of the agents' channel or group) that
only the I/O layer can look up. The desk trusts the flag it is given, or else
its own record of who acted as an agent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from core import commands as c


async def with_checked_assignee(
    command: c.Command, is_agent: Callable[[str], Awaitable[bool]]
) -> c.Command:
    """`command`, an `Assign` carrying whether its assignee is an agent right now."""
    if not isinstance(command, c.Assign):
        return command
    member = await is_agent(command.assignee.user_id)
    return replace(command, assignee=replace(command.assignee, is_agent=member))
