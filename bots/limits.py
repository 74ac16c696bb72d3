"""Each platform's documented send limits, as the dispatcher's shared budgets.

Budgets count outbox events; an event the sender splits into several API
calls (a long text, a card edit plus a post) spends one slot, which the
small per-person burst absorbs.
"""

from __future__ import annotations

from core.ratelimit import PlatformLimits, Rate

# core.telegram.org/bots/faq: about 30 messages per second per bot, about one per
# second in a chat (short bursts tolerated), at most 20 per minute in a group.
# The bot-wide budget keeps two messages per second of headroom: sends scheduled
# exactly 1/30 s apart arrive bunched by network jitter and draw 429s.
TELEGRAM = PlatformLimits(
    per_person=Rate(1, 1.0, burst=3),
    per_agents_chat=Rate(20, 60.0),
    per_bot=Rate(28, 1.0),
)

# api.slack.com/methods/chat.postMessage: about one message per second per
# channel, short bursts allowed; every ticket thread lives in the agents' channel.
SLACK = PlatformLimits(
    per_person=Rate(1, 1.0, burst=2),
    per_agents_chat=Rate(1, 1.0, burst=2),
)


def platform_limits() -> dict[str, PlatformLimits]:
    return {"telegram": TELEGRAM, "slack": SLACK}
