"""`helpdesk report` output: text, JSON, CSV and a self-contained HTML page with charts."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from adapters.web.report_view import duration, headline_rows, page_context, percent, plain
from adapters.web.templating import environment
from core.reporting import Report


def as_text(report: Report) -> str:
    m = report.metrics
    lines = [f"Help desk report {m.since.isoformat()} .. {m.until.isoformat()}", ""]
    rows = headline_rows(m)
    width = max(len(label) for label, _ in rows)
    lines += [f"{label:<{width}}  {value}" for label, value in rows]
    if m.sla_by_target:
        lines += ["", "SLA by target"]
        lines += [
            f"  {name:<16} due {c.due:>4}  met {c.met:>4}  breached {c.breached:>4}  "
            f"{percent(c.compliance)}"
            for name, c in m.sla_by_target.items()
        ]
    if m.breaches:
        lines += ["", "SLA breaches"]
        lines += [
            f"  #{b.ticket:<5} {b.target:<16} due {b.due_at:%Y-%m-%d %H:%M} "
            f"{'kept ' + format(b.met_at, '%Y-%m-%d %H:%M') if b.met_at else 'not kept'}"
            for b in m.breaches
        ]
    if m.agents:
        lines += ["", "Agents (claimed, resolved, first response p50, CSAT)"]
        lines += [
            f"  {a.name:<20} {a.claimed:>4} {a.resolved:>4}  "
            f"{duration(a.first_response_p50_seconds):>12}  {plain(a.csat.mean)}"
            for a in m.agents
        ]
    if m.faq_entries:
        lines += ["", "FAQ entries (shown, suggested, helped, escalated after)"]
        lines += [
            f"  {e.id:<30} {e.shown:>4} {e.suggested:>4} {e.helped:>4} {e.escalated:>4}"
            for e in m.faq_entries
        ]
    if m.unanswered:
        lines += ["", "Top unanswered questions"]
        lines += [f"  {u.count:>4}  {u.example}" for u in m.unanswered]
    lines += ["", f"Trend by {report.by} (asked, deflected, opened, resolved, backlog, SLA, CSAT)"]
    for p in report.trend:
        lines.append(
            f"  {p.since:%Y-%m-%d}  {p.questions.asked:>4} {p.deflection.deflected:>4} "
            f"{p.tickets.opened:>4} {p.tickets.resolved:>4} {p.tickets.backlog:>4}  "
            f"{percent(p.sla.compliance):>8}  {plain(p.csat.mean)}"
        )
    return "\n".join(lines)


def as_json(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2)


def _flat(prefix: str, value: Any, into: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(f"{prefix}.{key}" if prefix else str(key), inner, into)
    else:
        into[prefix] = value


def as_csv(report: Report) -> str:
    """One row for the whole period, then one per day or week: every headline metric."""
    rows: list[dict[str, Any]] = []
    for scope, metrics in [("period", report.metrics)] + [(report.by, p) for p in report.trend]:
        flat: dict[str, Any] = {"scope": scope}
        _flat("", metrics.headline(), flat)
        rows.append(flat)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def as_html(report: Report, lang: str = "en") -> str:
    """One file, charts inline, no scripts or external resources, in `lang`."""
    template = environment().get_template("report_file.html")
    return template.render(**page_context(report, lang), link_tickets=False, prefix="")


RENDERERS = {"text": as_text, "json": as_json, "csv": as_csv, "html": as_html}
