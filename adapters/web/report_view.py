"""The report as a page: headline rows, trend charts and tables (shared by the web console
and the self-contained HTML file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.web.charts import bar_chart, column_chart
from core.reporting import Metrics, Report


def when(moment: datetime) -> str:
    """A date people read: 6 Dec 2026, 14:05 UTC."""
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def plain(value: float | int | None) -> str:
    return "–" if value is None else f"{value:g}"


def period_label(report: Report) -> str:
    m = report.metrics
    last = m.until - timedelta(seconds=1)
    return f"{m.since.day} {m.since:%b %Y} – {last.day} {last:%b %Y} (UTC)"


def bucket_label(point: Metrics, by: str) -> str:
    if by == "week":
        return f"wk {point.since.isocalendar().week}"
    return f"{point.since.day} {point.since:%b}"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str


def headline_rows(m: Metrics) -> list[tuple[str, str]]:
    q, d, t = m.questions, m.deflection, m.tickets
    return [
        ("Questions asked", plain(q.asked)),
        ("  answered / suggested / no match", f"{q.answered} / {q.suggested} / {q.none}"),
        ("Small talk (not questions)", plain(q.chitchat)),
        ("Deflected (no ticket within 24 h)", f"{d.deflected} ({percent(d.rate)})"),
        ("Confirmed ('That helped')", f"{d.confirmed} ({percent(d.confirmed_rate)})"),
        ("Tickets opened", plain(t.opened)),
        ("Tickets resolved", plain(t.resolved)),
        ("Tickets reopened", f"{t.reopened} (reopen rate {percent(t.reopen_rate)})"),
        ("Tickets cancelled", plain(t.cancelled)),
        ("Backlog at the end", plain(t.backlog)),
        (
            "First response p50 / p90",
            f"{duration(m.first_response.p50_seconds)} / {duration(m.first_response.p90_seconds)}",
        ),
        (
            "Resolution p50 / p90",
            f"{duration(m.resolution.p50_seconds)} / {duration(m.resolution.p90_seconds)}",
        ),
        ("SLA targets due / met / breached", f"{m.sla.due} / {m.sla.met} / {m.sla.breached}"),
        ("SLA compliance", percent(m.sla.compliance)),
        ("CSAT (latest rating per resolution)", f"{plain(m.csat.mean)} from {m.csat.ratings}"),
        ("Satisfied (4-5)", percent(m.csat.satisfied)),
    ]


def charts(report: Report) -> list[Chart]:
    points = report.trend
    labels = [bucket_label(p, report.by) for p in points]
    m = report.metrics
    found = [
        Chart(
            "Questions and deflected questions",
            column_chart(
                "Questions and deflected questions",
                labels,
                [
                    ("asked", [p.questions.asked for p in points]),
                    ("deflected", [p.deflection.deflected for p in points]),
                ],
            ),
        ),
        Chart(
            "Tickets opened and resolved",
            column_chart(
                "Tickets opened and resolved",
                labels,
                [
                    ("opened", [p.tickets.opened for p in points]),
                    ("resolved", [p.tickets.resolved for p in points]),
                ],
            ),
        ),
        Chart(
            "SLA compliance",
            column_chart(
                "SLA compliance", labels, [("met", [p.sla.compliance for p in points])], unit="%"
            ),
        ),
        Chart(
            "CSAT (mean rating)",
            column_chart("CSAT (mean rating)", labels, [("mean", [p.csat.mean for p in points])]),
        ),
        Chart(
            "Backlog by age",
            bar_chart("Backlog by age", [(k, v) for k, v in m.tickets.backlog_by_age.items()]),
        ),
        Chart(
            "SLA compliance by target",
            bar_chart(
                "SLA compliance by target",
                [(name, c.compliance) for name, c in m.sla_by_target.items()],
                unit="%",
            ),
        ),
        Chart(
            "FAQ entries shown",
            bar_chart("FAQ entries shown", [(e.id, e.shown) for e in m.faq_entries[:10]]),
        ),
        Chart(
            "Top unanswered questions",
            bar_chart(
                "Top unanswered questions", [(u.example, u.count) for u in m.unanswered[:10]]
            ),
        ),
    ]
    return [chart for chart in found if chart.svg]


def page_context(report: Report) -> dict[str, object]:
    return {
        "report": report,
        "m": report.metrics,
        "period": period_label(report),
        "generated": when(report.generated_at),
        "rows": headline_rows(report.metrics),
        "charts": charts(report),
        "trend": [(bucket_label(p, report.by), p) for p in report.trend],
        "when": when,
        "duration": duration,
        "percent": percent,
        "plain": plain,
    }
