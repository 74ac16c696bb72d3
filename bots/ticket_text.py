"""`helpdesk tickets list|show` as text: times to the second, ages, the audit trail."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from rich.text import Text

from core.queries import TicketDetail


def moment(at: datetime) -> str:
    """`2026-12-06 19:23:45 UTC`: to the second, the same for every reader."""
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


def age_text(age: timedelta) -> str:
    """`45s`, `12m`, `3h 5m`, `2d 4h`: how long ago, at a glance."""
    seconds = max(0, int(age.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def _detail(values: dict[str, object]) -> str:
    shown = ", ".join(f"{key}={value}" for key, value in values.items())
    return f" ({shown})" if shown else ""


def ticket_lines(detail: TicketDetail) -> list[Text | str]:
    """The ticket, its conversation (internal notes marked) and its audit trail."""
    ticket = detail.ticket
    assignee = ticket.assignee.name if ticket.assignee else "-"
    rating = f"{ticket.rating}/5" if ticket.rating is not None else "-"
    lines: list[Text | str] = [
        Text.assemble((f"#{ticket.number}", "bold"), " ", ticket.subject),
        f"state: {ticket.state.value}  priority: {ticket.priority.value}  "
        f"category: {ticket.category}  requester: {ticket.requester.name}  "
        f"assignee: {assignee}  rating: {rating}",
        f"team: {ticket.team or '-'}  kind: {ticket.kind.value if ticket.kind else '-'}",
        f"opened: {moment(ticket.created_at)}  updated: {moment(ticket.updated_at)}",
    ]
    if ticket.sla is not None:
        lines.append(f"sla: {json.dumps(ticket.sla.to_json())}")
    if detail.delivery_problem:
        lines.append(f"cannot reach the requester: {detail.delivery_problem}")
    lines.append("conversation:")
    for message in detail.messages:
        mark = " (internal)" if message.visibility == "internal" else ""
        said = "(deleted)" if message.deleted else message.text
        lines.append(f"  {moment(message.at)} {message.author.name}{mark}: {said}")
    lines.append("audit:")
    for entry in detail.audit:
        who = f" by {entry.actor}" if entry.actor else ""
        at = moment(datetime.fromisoformat(entry.at))
        lines.append(f"  {at} {entry.action}{who}{_detail(entry.detail)}")
    return lines
