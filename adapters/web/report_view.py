"""The report as a page: headline rows, trend charts and tables (shared by the web console
and the self-contained HTML file), in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.web.charts import bar_chart, column_chart
from core.i18n import t
from core.reporting import Metrics, Report
from core.reporting.metrics import Percentiles

Translate = Callable[..., str]


def translator(lang: str) -> Translate:
    def translate(key: str, /, **params: object) -> str:
        return t(lang, key, **params)

    return translate


def day_label(moment: datetime, lang: str) -> str:
    """6 Dec in English; 06.12 in Polish and Russian (no month names to decline)."""
    return f"{moment.day} {moment:%b}" if lang == "en" else f"{moment:%d.%m}"


def date_label(moment: datetime, lang: str) -> str:
    return f"{moment.day} {moment:%b %Y}" if lang == "en" else f"{moment:%d.%m.%Y}"


def when(moment: datetime, lang: str = "en") -> str:
    """A moment people read: 6 Dec 2026, 14:05 UTC."""
    return f"{date_label(moment, lang)}, {moment:%H:%M} UTC"


def duration(seconds: int | None, lang: str = "en") -> str:
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return t(lang, "web.duration.minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return t(lang, "web.duration.hours", hours=hours, minutes=f"{minutes:02d}")
    return t(lang, "web.duration.days", days=hours // 24, hours=hours % 24)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def plain(value: float | int | None) -> str:
    return "–" if value is None else f"{value:g}"


def period_label(report: Report, lang: str = "en") -> str:
    m = report.metrics
    last = m.until - timedelta(seconds=1)
    return f"{date_label(m.since, lang)} – {date_label(last, lang)} (UTC)"


def bucket_label(point: Metrics, by: str, lang: str = "en") -> str:
    if by == "week":
        return t(lang, "web.week_label", week=point.since.isocalendar().week)
    return day_label(point.since, lang)


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str


def headline_rows(m: Metrics, lang: str = "en") -> list[tuple[str, str]]:
    q, d, tk = m.questions, m.deflection, m.tickets
    tr = translator(lang)

    def span(p: Percentiles) -> str:
        return f"{duration(p.p50_seconds, lang)} / {duration(p.p90_seconds, lang)}"

    return [
        (tr("web.metric.asked"), plain(q.asked)),
        ("  " + tr("web.metric.decisions"), f"{q.answered} / {q.suggested} / {q.none}"),
        (tr("web.metric.chitchat"), plain(q.chitchat)),
        (tr("web.metric.deflected"), f"{d.deflected} ({percent(d.rate)})"),
        (tr("web.metric.confirmed"), f"{d.confirmed} ({percent(d.confirmed_rate)})"),
        (tr("web.metric.opened"), plain(tk.opened)),
        (tr("web.metric.resolved"), plain(tk.resolved)),
        (
            tr("web.metric.reopened"),
            tr("web.metric.reopen_rate", count=tk.reopened, rate=percent(tk.reopen_rate)),
        ),
        (tr("web.metric.cancelled"), plain(tk.cancelled)),
        (tr("web.metric.backlog"), plain(tk.backlog)),
        (tr("web.metric.first_response"), span(m.first_response)),
        (tr("web.metric.resolution"), span(m.resolution)),
        (tr("web.metric.sla_counts"), f"{m.sla.due} / {m.sla.met} / {m.sla.breached}"),
        (tr("web.metric.sla"), percent(m.sla.compliance)),
        (
            tr("web.metric.csat"),
            tr("web.metric.csat_value", mean=plain(m.csat.mean), count=m.csat.ratings),
        ),
        (tr("web.metric.satisfied"), percent(m.csat.satisfied)),
    ]


def charts(report: Report, lang: str = "en") -> list[Chart]:
    tr = translator(lang)
    points = report.trend
    labels = [bucket_label(p, report.by, lang) for p in points]
    m = report.metrics

    def columns(key: str, series: list[tuple[str, list[float | None]]], unit: str = "") -> Chart:
        return Chart(tr(key), column_chart(tr(key), labels, series, unit=unit))

    def bars(key: str, items: list[tuple[str, float | None]], unit: str = "") -> Chart:
        return Chart(tr(key), bar_chart(tr(key), items, unit=unit))

    found = [
        columns(
            "web.chart.questions",
            [
                (tr("web.metric.asked_short"), [p.questions.asked for p in points]),
                (tr("web.metric.deflected_short"), [p.deflection.deflected for p in points]),
            ],
        ),
        columns(
            "web.chart.tickets",
            [
                (tr("web.metric.opened_short"), [p.tickets.opened for p in points]),
                (tr("web.metric.resolved_short"), [p.tickets.resolved for p in points]),
            ],
        ),
        columns(
            "web.chart.sla", [(tr("web.sla.met"), [p.sla.compliance for p in points])], unit="%"
        ),
        columns("web.chart.csat", [(tr("web.metric.mean"), [p.csat.mean for p in points])]),
        bars("web.chart.backlog", list(m.tickets.backlog_by_age.items())),
        bars(
            "web.chart.sla_targets",
            [(tr(f"web.target.{name}"), c.compliance) for name, c in m.sla_by_target.items()],
            unit="%",
        ),
        bars("web.chart.entries", [(e.id, e.shown) for e in m.faq_entries[:10]]),
        bars("web.chart.unanswered", [(u.example, u.count) for u in m.unanswered[:10]]),
    ]
    return [chart for chart in found if chart.svg]


def page_context(report: Report, lang: str = "en") -> dict[str, object]:
    return {
        "lang": lang,
        "t": translator(lang),
        "report": report,
        "m": report.metrics,
        "period": period_label(report, lang),
        "generated": when(report.generated_at, lang),
        "rows": headline_rows(report.metrics, lang),
        "charts": charts(report, lang),
        "trend": [(bucket_label(p, report.by, lang), p) for p in report.trend],
        "when": lambda moment: when(moment, lang),
        "duration": lambda seconds: duration(seconds, lang),
        "percent": percent,
        "plain": plain,
    }
