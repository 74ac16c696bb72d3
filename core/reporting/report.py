"""`helpdesk report`: the period's metrics and their trend, ready for any renderer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.reporting.history import load_history
from core.reporting.metrics import Metrics, Window, compute
from core.reporting.policy import ReportPolicy
from core.reporting.trends import Step, buckets
from core.storage.db import Database


@dataclass(frozen=True)
class Report:
    metrics: Metrics
    by: Step
    trend: list[Metrics]
    generated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            **self.metrics.to_json(),
            "generated_at": self.generated_at.isoformat(),
            "trend": {"by": self.by, "points": [point.headline() for point in self.trend]},
        }


async def build_report(
    db: Database,
    since: datetime,
    until: datetime,
    *,
    policy: ReportPolicy,
    by: Step = "day",
    now: datetime,
) -> Report:
    history = await load_history(db, since, until, as_of=now)
    period = compute(history, policy, Window(since, until))
    trend = [compute(history, policy, window) for window in buckets(since, until, by)]
    return Report(metrics=period, by=by, trend=trend, generated_at=now)
