"""Plain-text rendering of events, in the event's language.

The console prints exactly this; richer adapters use the same pieces for their
fallback text and build their own buttons around them.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core import events as ev
from core.i18n import t, t_first


def state_label(lang: str, ticket: ev.TicketView) -> str:
    return t(lang, f"state.{ticket.state.value}")


def priority_label(lang: str, ticket: ev.TicketView) -> str:
    return t(lang, f"priority.{ticket.priority.value}")


def card_fields(lang: str, ticket: ev.TicketView) -> list[tuple[str, str]]:
    """The card's labelled fields, in display order (values are raw user text)."""
    fields = [
        (t(lang, "card.requester"), ticket.requester_name),
        (t(lang, "card.assignee"), ticket.assignee_name or t(lang, "card.nobody")),
        (t(lang, "card.category"), ticket.category),
        (t(lang, "card.priority"), priority_label(lang, ticket)),
        (t(lang, "card.state"), state_label(lang, ticket)),
    ]
    if ticket.team is not None:
        fields.append((t(lang, "card.team"), ticket.team))
    sla = sla_line(lang, ticket.sla)
    if sla:
        fields.append((t(lang, "card.sla"), sla))
    if ticket.kind is not None:
        fields.append((t(lang, "card.kind"), t(lang, f"kind.{ticket.kind.value}")))
    if ticket.impact is not None or ticket.urgency is not None:
        levels = [
            t(lang, f"level.{v.value}") if v else "-" for v in (ticket.impact, ticket.urgency)
        ]
        fields.append((t(lang, "card.impact_urgency"), " / ".join(levels)))
    if ticket.rating is not None:
        fields.append((t(lang, "card.rating"), f"{ticket.rating}/5"))
    if ticket.source_link:
        fields.append((t(lang, "card.source"), ticket.source_link))
    return fields


def span_text(lang: str, seconds: int) -> str:
    """`25 min`, `3 h 20 min`: a business-time span, rounded down to the minute."""
    minutes = max(seconds, 0) // 60
    if minutes < 60:
        return t(lang, "span.minutes", minutes=minutes)
    return t(lang, "span.hours", hours=minutes // 60, minutes=minutes % 60)


def sla_line(lang: str, sla: ev.SlaView | None) -> str:
    """`first response due 14:30, 25 min left` / `⏸ waiting for requester` / a breach."""
    if sla is None or sla.stopped:
        return ""
    if sla.paused:
        return t(lang, "sla.paused")
    parts: list[str] = []
    if sla.breached:
        last = max(sla.breached, key=lambda b: b.at)
        ago = int((sla.as_of - last.at).total_seconds())
        parts.append(
            t(
                lang,
                "sla.breached",
                target=t(lang, f"target.{last.target}"),
                ago=span_text(lang, ago),
            )
        )
    if (
        sla.next_due is not None
        and sla.next_target is not None
        and (sla.remaining_seconds or 0) > 0
    ):
        zone = ZoneInfo(sla.timezone)
        due = sla.next_due.astimezone(zone)
        same_day = due.date() == sla.as_of.astimezone(zone).date()
        when = due.strftime("%H:%M") if same_day else due.strftime("%Y-%m-%d %H:%M")
        parts.append(
            t(
                lang,
                "sla.due",
                target=t(lang, f"target.{sla.next_target}"),
                due=when,
                left=span_text(lang, sla.remaining_seconds or 0),
            )
        )
    return "; ".join(parts)


def triage_text(lang: str, step: ev.TriageStep) -> str:
    lines = [t(lang, f"triage.{step.step}")]
    for index, choice in enumerate(step.choices, 1):
        label = t(lang, choice.label_key) if choice.label_key else choice.label
        lines.append(f"  {index}. {label}")
    if step.step == "faq":
        lines.append(f"  {len(step.choices) + 1}. {t(lang, 'triage.faq.human')}")
    return "\n".join(lines)


def card_change_key(change: ev.CardChange) -> str:
    """The catalog key of the line that says what happened (one per CardChange)."""
    return f"card.change.{change.value}"


def card_change(lang: str, card: ev.TicketCard) -> str:
    return t(
        lang, card_change_key(card.change), actor=card.actor_name or "", team=card.ticket.team or ""
    )


def list_lines(lang: str, tickets: tuple[ev.TicketView, ...]) -> list[str]:
    if not tickets:
        return [t(lang, "list.empty")]
    lines = []
    for v in tickets:
        line = t(lang, "list.item", number=v.number, state=state_label(lang, v), subject=v.subject)
        sla = sla_line(lang, v.sla)
        lines.append(f"{line} ({sla})" if sla else line)
    return lines


def notice_text(lang: str, notice: ev.Notice, platform: str = "") -> str:
    params = dict(notice.params)
    if notice.key.startswith("help."):
        role = notice.key.rsplit(".", 1)[-1]
        return t_first(lang, [notice.key, f"help.{role}"])
    if "state" in params and notice.key == "error.invalid_transition":
        params["state"] = t(lang, f"state.{params['state']}")
    return t(lang, notice.key, **params)


def relay_text(lang: str, relay: ev.Relay) -> str:
    text = relay.text
    if relay.attachments:
        extra = t(lang, "relay.attachments", count=len(relay.attachments))
        text = f"{text} {extra}".strip()
    if relay.author_role == "agent":
        return t(
            lang, "relay.from_agent", agent=relay.author_name, number=relay.ticket_number, text=text
        )
    return t(lang, "relay.from_requester", name=relay.author_name, text=text)


def render_text(event: ev.Event) -> str:
    """The whole event as plain text (no markup, no escaping)."""
    return render_payload(event.lang, event.payload)


def render_payload(lang: str, payload: ev.Payload) -> str:
    if isinstance(payload, ev.FaqAnswer):
        return f"{payload.title}\n{payload.answer.strip()}\n{t(lang, 'faq.did_it_help')}"
    if isinstance(payload, ev.FaqSuggestions):
        lines = [t(lang, "faq.suggest_intro")]
        lines += [f"  {i}. {option.title}" for i, option in enumerate(payload.options, 1)]
        return "\n".join(lines)
    if isinstance(payload, ev.FaqNoMatch):
        return t(lang, "faq.no_match")
    if isinstance(payload, ev.TicketOpened):
        return t(
            lang, "ticket.opened", number=payload.ticket.number, subject=payload.ticket.subject
        )
    if isinstance(payload, ev.TicketCard):
        view = payload.ticket
        fields = ", ".join(f"{name}: {value}" for name, value in card_fields(lang, view))
        lines = [
            f"{card_change(lang, payload)} | {t(lang, 'card.title', number=view.number, subject=view.subject)}"
        ]
        lines.append(f"  {fields}")
        if payload.change is ev.CardChange.OPENED:
            lines.append(f"  {view.text}")
        if view.delivery_problem:
            lines.append("  " + t(lang, "card.delivery_problem", reason=view.delivery_problem))
        return "\n".join(lines)
    if isinstance(payload, ev.Relay):
        return relay_text(lang, payload)
    if isinstance(payload, ev.RelayEdited):
        if payload.deleted:
            return t(lang, "relay.deleted", name=payload.author_name, number=payload.ticket_number)
        return t(
            lang,
            "relay.edited",
            name=payload.author_name,
            number=payload.ticket_number,
            text=payload.text,
        )
    if isinstance(payload, ev.TicketResolved):
        resolved = t(
            lang, "ticket.resolved", number=payload.ticket_number, agent=payload.agent_name or ""
        )
        return f"{resolved} {t(lang, 'ticket.rate_prompt')}"
    if isinstance(payload, ev.TriageStep):
        return triage_text(lang, payload)
    if isinstance(payload, ev.TicketList):
        return "\n".join(
            [t(lang, payload.title_key) + ":"]
            + [f"  {line}" for line in list_lines(lang, payload.tickets)]
        )
    return notice_text(lang, payload)
