"""How long to wait before trying something again, and when to stop trying.

One shape for every retry loop of the bot (the outbox, the inbox, Telegram's
hold while the database is down): the wait doubles from `base` per attempt up
to `cap`, and a share of it (`jitter`) is drawn at random so many workers
that failed together do not retry together.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

# 2.0 ** 1000 is still a float: beyond it the power would overflow, and any cap
# is long reached anyway.
_LONGEST_DOUBLING = 1000


@dataclass(frozen=True)
class Backoff:
    base: float
    cap: float = math.inf
    # The random share of each wait: 0 waits exactly, 0.5 waits between half and
    # all of it, 1 anywhere from nothing to all of it.
    jitter: float = 0.0
    # Attempts allowed in all; None never gives up.
    attempts: int | None = None

    def __post_init__(self) -> None:
        if self.base < 0 or self.cap < 0 or not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"invalid backoff {self}")
        if self.attempts is not None and self.attempts < 1:
            raise ValueError(f"invalid backoff {self}")

    def ceiling(self, attempt: int) -> float:
        """The longest wait after failed attempt number `attempt` (the first is 1)."""
        doublings = min(max(0, attempt - 1), _LONGEST_DOUBLING)
        return min(self.cap, self.base * 2.0**doublings)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (the first is 1)."""
        ceiling = self.ceiling(attempt)
        if self.jitter == 0.0:
            return ceiling
        return random.uniform(ceiling * (1.0 - self.jitter), ceiling)

    def exhausted(self, attempt: int) -> bool:
        """True when attempt number `attempt` was the last one allowed."""
        return self.attempts is not None and attempt >= self.attempts
