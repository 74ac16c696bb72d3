"""The team lead's numbers: questions, deflection, tickets, response times, SLA, CSAT."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from core.storage.db import Database
from core.storage.tables import faq_queries, tickets


@dataclass(frozen=True)
class Report:
    since: str
    until: str
    questions: int
    answered: int
    suggested: int
    unanswered: int
    helped: int
    escalated: int
    deflection_rate: float | None
    tickets_opened: int
    tickets_resolved: int
    tickets_open_now: int
    first_response_median_minutes: float | None
    first_response_p90_minutes: float | None
    resolution_median_minutes: float | None
    sla_first_response_minutes: int
    sla_compliance: float | None
    csat_average: float | None
    csat_satisfied_share: float | None
    ratings: int
    by_category: dict[str, int] = field(default_factory=dict)
    top_unanswered: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _normalise_question(text: str) -> str:
    return " ".join(text.lower().split()).strip(" ?!.")


async def build_report(
    db: Database, since: datetime, until: datetime, sla_first_response_minutes: int = 240
) -> Report:
    async with db.transaction() as conn:
        queries = (
            (
                await conn.execute(
                    select(faq_queries).where(
                        faq_queries.c.created_at >= since, faq_queries.c.created_at < until
                    )
                )
            )
            .mappings()
            .all()
        )
        opened = (
            (
                await conn.execute(
                    select(tickets).where(
                        tickets.c.created_at >= since, tickets.c.created_at < until
                    )
                )
            )
            .mappings()
            .all()
        )
        open_now = (
            (
                await conn.execute(
                    select(tickets.c.id).where(tickets.c.state.in_(["open", "claimed"]))
                )
            )
            .scalars()
            .all()
        )
    decisions = Counter(str(q["decision"]) for q in queries)
    outcomes = Counter(str(q["outcome"]) for q in queries if q["outcome"])
    escalated = outcomes["human"] + outcomes["ticket"]
    # Deflected: the FAQ answered (or a suggestion was chosen) and nobody escalated it.
    deflected = sum(
        1
        for q in queries
        if (q["decision"] == "answer" or q["outcome"] == "chose")
        and q["outcome"] not in ("human", "ticket")
    )
    first_responses = [
        (t["first_response_at"] - t["created_at"]) for t in opened if t["first_response_at"]
    ]
    resolutions = [(t["resolved_at"] - t["created_at"]) for t in opened if t["resolved_at"]]
    sla = timedelta(minutes=sla_first_response_minutes)
    responded_in_time = sum(1 for d in first_responses if d <= sla)
    ratings = [int(t["rating"]) for t in opened if t["rating"] is not None]
    unanswered = Counter(
        _normalise_question(str(q["text"]))
        for q in queries
        if (q["decision"] == "none" or q["outcome"] in ("human", "ticket"))
        and str(q["text"]).strip()  # files sent without words are no question to list
    )
    first_minutes = [_minutes(d) for d in first_responses]
    return Report(
        since=since.isoformat(),
        until=until.isoformat(),
        questions=len(queries),
        answered=decisions["answer"],
        suggested=decisions["suggest"],
        unanswered=decisions["none"],
        helped=outcomes["helped"],
        escalated=escalated,
        deflection_rate=_share(deflected, len(queries)),
        tickets_opened=len(opened),
        tickets_resolved=sum(1 for t in opened if t["state"] == "resolved"),
        tickets_open_now=len(open_now),
        first_response_median_minutes=(
            round(statistics.median(first_minutes), 1) if first_minutes else None
        ),
        first_response_p90_minutes=_percentile(first_minutes, 0.9),
        resolution_median_minutes=(
            round(statistics.median(_minutes(d) for d in resolutions), 1) if resolutions else None
        ),
        sla_first_response_minutes=sla_first_response_minutes,
        sla_compliance=_share(responded_in_time, len(first_responses)),
        csat_average=round(statistics.mean(ratings), 2) if ratings else None,
        csat_satisfied_share=_share(sum(1 for r in ratings if r >= 4), len(ratings)),
        ratings=len(ratings),
        by_category=dict(Counter(str(t["category"]) for t in opened).most_common()),
        top_unanswered=[
            {"question": text, "count": count} for text, count in unanswered.most_common(10)
        ],
    )
