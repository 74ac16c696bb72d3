"""Reactions on a ticket's messages: which emoji mean what, read in one place.

The card's hint names the same emoji (render.py imports them from here).
"""

from __future__ import annotations

from aiogram.types import MessageReactionUpdated, ReactionTypeEmoji

from adapters.telegram.places import Place
from core import commands as c
from core.domain import Actor

CLAIM_EMOJI = "👀"
RESOLVE_EMOJI = "👌"  # Telegram's reaction set has no ✅
NOTE_EMOJI = "✍"
"""Set by the sender on an agent's note: it was recorded."""


def parse_reaction(
    reaction: MessageReactionUpdated, actor: Actor, *, ticket: int, place: Place
) -> c.Command | None:
    """👀 added to a ticket's message claims it, 👌 resolves it; anything else is ignored."""

    def emojis(items: list[object]) -> set[str]:
        return {item.emoji for item in items if isinstance(item, ReactionTypeEmoji)}

    added = emojis(list(reaction.new_reaction)) - emojis(list(reaction.old_reaction))
    ctx = place.encode()
    if RESOLVE_EMOJI in added:
        return c.Resolve(actor=actor, reply_context=ctx, number=ticket)
    if CLAIM_EMOJI in added:
        return c.Claim(actor=actor, reply_context=ctx, number=ticket)
    return None
