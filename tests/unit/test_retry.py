"""One backoff shape for every retry loop: the waits each user had before it existed."""

from __future__ import annotations

import math

import pytest

from adapters.telegram.polling import HOLD_BACKOFF
from core.delivery import OUTBOX_BACKOFF
from core.delivery_outcomes import RECORD_BACKOFF
from core.inbox import INBOX_BACKOFF
from core.retry import Backoff


def test_the_wait_doubles_from_base_up_to_the_cap() -> None:
    backoff = Backoff(base=0.25, cap=15.0)
    assert [backoff.delay(n) for n in range(1, 9)] == [0.25, 0.5, 1, 2, 4, 8, 15, 15]


def test_attempt_zero_or_less_waits_the_base() -> None:
    assert Backoff(base=3.0).delay(0) == 3.0


def test_a_very_long_run_of_failures_stays_at_the_cap() -> None:
    assert Backoff(base=0.25, cap=15.0).delay(100_000) == 15.0
    assert math.isfinite(Backoff(base=1.0).delay(100_000))  # no overflow without a cap


def test_jitter_draws_between_the_random_share_and_the_whole_wait() -> None:
    backoff = Backoff(base=1.0, cap=300.0, jitter=0.5)
    for attempt in range(1, 12):
        ceiling = min(300.0, 2.0 ** (attempt - 1))
        waits = [backoff.delay(attempt) for _ in range(200)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 1


def test_full_jitter_may_not_wait_at_all() -> None:
    waits = [Backoff(base=8.0, jitter=1.0).delay(1) for _ in range(200)]
    assert all(0.0 <= wait <= 8.0 for wait in waits) and min(waits) < 4.0


def test_attempts_are_exhausted_at_the_last_one_allowed() -> None:
    backoff = Backoff(base=1.0, attempts=3)
    assert [backoff.exhausted(n) for n in range(0, 5)] == [False, False, False, True, True]
    assert not Backoff(base=1.0).exhausted(10**9)  # no limit: never gives up


@pytest.mark.parametrize(
    "arguments",
    [
        {"base": -1.0},
        {"base": 1.0, "cap": -1.0},
        {"base": 1.0, "jitter": 1.5},
        {"base": 1.0, "attempts": 0},
    ],
)
def test_nonsense_is_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**arguments)  # type: ignore[arg-type]


def test_each_user_keeps_its_waits() -> None:
    # The outbox: 1 s doubling to 5 min, half of it random, dead after 12 attempts.
    assert [OUTBOX_BACKOFF.ceiling(n) for n in (1, 2, 9, 10)] == [1, 2, 256, 300]
    assert OUTBOX_BACKOFF.jitter == 0.5 and OUTBOX_BACKOFF.exhausted(12)
    assert not OUTBOX_BACKOFF.exhausted(11)
    # The inbox: 2, 4, 8, 16 s, parked at the fifth failure.
    assert [INBOX_BACKOFF.delay(n) for n in range(1, 5)] == [2, 4, 8, 16]
    assert INBOX_BACKOFF.exhausted(5) and not INBOX_BACKOFF.exhausted(4)
    # Recording a delivery: 0.05 s doubling to 5 s, seven tries.
    assert [RECORD_BACKOFF.delay(n) for n in range(1, 8)] == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2]
    assert RECORD_BACKOFF.exhausted(7)
    # Telegram's hold while the database is down: 0.25 s doubling to 15 s, for ever.
    assert [HOLD_BACKOFF.delay(n) for n in range(1, 9)] == [0.25, 0.5, 1, 2, 4, 8, 15, 15]
    assert not HOLD_BACKOFF.exhausted(10**6)
