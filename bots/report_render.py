"""`helpdesk report` output: text, JSON, CSV and a self-contained HTML page with charts."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from core.report import Report

LABELS = {
    "questions": "Questions asked",
    "answered": "Answered from the FAQ",
    "suggested": "Answered with suggestions",
    "unanswered": "No FAQ match",
    "helped": "Marked 'That helped'",
    "escalated": "Escalated to a human",
    "deflection_rate": "FAQ deflection rate",
    "tickets_opened": "Tickets opened",
    "tickets_resolved": "Tickets resolved",
    "tickets_open_now": "Tickets open now",
    "first_response_median_minutes": "First response, median (min)",
    "first_response_p90_minutes": "First response, p90 (min)",
    "resolution_median_minutes": "Resolution, median (min)",
    "sla_compliance": "First-response SLA met",
    "csat_average": "CSAT average (1-5)",
    "csat_satisfied_share": "Satisfied (4-5)",
    "ratings": "Ratings",
}
SHARES = {"deflection_rate", "sla_compliance", "csat_satisfied_share"}


def _value(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key in SHARES:
        return f"{value * 100:.1f} %"
    return str(value)


def summary_rows(report: Report) -> list[tuple[str, str]]:
    data = report.as_dict()
    return [(label, _value(key, data[key])) for key, label in LABELS.items()]


def as_text(report: Report) -> str:
    lines = [f"Help desk report {report.since} .. {report.until}", ""]
    width = max(len(label) for label in LABELS.values())
    lines += [f"{label:<{width}}  {value}" for label, value in summary_rows(report)]
    if report.by_category:
        lines += ["", "Tickets by category"]
        lines += [f"  {name:<20} {count}" for name, count in report.by_category.items()]
    if report.top_unanswered:
        lines += ["", "Top unanswered questions"]
        lines += [f"  {row['count']:>4}  {row['question']}" for row in report.top_unanswered]
    return "\n".join(lines)


def as_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["metric", "value"])
    data = report.as_dict()
    for key in LABELS:
        writer.writerow([key, "" if data[key] is None else data[key]])
    for name, count in report.by_category.items():
        writer.writerow([f"category:{name}", count])
    for row in report.top_unanswered:
        writer.writerow([f"unanswered:{row['question']}", row["count"]])
    return out.getvalue()


def _bar_chart(title: str, items: list[tuple[str, int]]) -> str:
    if not items:
        return ""
    top = max(count for _, count in items) or 1
    bar_height, width = 22, 560
    rows = []
    for i, (name, count) in enumerate(items):
        y = i * bar_height
        length = int((width - 220) * count / top)
        rows.append(
            f'<text x="0" y="{y + 15}" font-size="12">{html.escape(name[:32])}</text>'
            f'<rect x="210" y="{y + 4}" width="{length}" height="14" fill="#4a7bd0"/>'
            f'<text x="{215 + length}" y="{y + 15}" font-size="12">{count}</text>'
        )
    height = bar_height * len(items)
    return (
        f"<h2>{html.escape(title)}</h2>"
        f'<svg width="{width}" height="{height}" role="img">{"".join(rows)}</svg>'
    )


def as_html(report: Report) -> str:
    table = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in summary_rows(report)
    )
    decisions = [
        ("answered", report.answered),
        ("suggested", report.suggested),
        ("no match", report.unanswered),
    ]
    charts = _bar_chart("FAQ decisions", decisions)
    charts += _bar_chart("Tickets by category", list(report.by_category.items()))
    charts += _bar_chart(
        "Top unanswered questions", [(r["question"], r["count"]) for r in report.top_unanswered]
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Help desk report</title>"
        "<style>body{font-family:sans-serif;margin:2em}th{text-align:left;padding-right:2em}"
        "</style></head><body>"
        f"<h1>Help desk report</h1><p>{html.escape(report.since)} .. {html.escape(report.until)}</p>"
        f"<table>{table}</table>{charts}</body></html>"
    )


RENDERERS = {"text": as_text, "json": as_json, "csv": as_csv, "html": as_html}
