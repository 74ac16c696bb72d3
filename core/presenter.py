"""Plain-text rendering of events, in the event's language.

The console prints exactly this; richer adapters use the same pieces for their
fallback text and build their own buttons around them.
"""

from __future__ import annotations

from datetime import datetime

from core import events as ev
from core.i18n import has_key, t, t_first
from core.i18n.forms import age, counted, duration, quoted_sentence


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
    fields.append((t(lang, "card.opened"), moment(ticket.created_at)))
    if ticket.rating is not None:
        fields.append((t(lang, "card.rating"), f"{ticket.rating}/5"))
    if ticket.source_link:
        fields.append((t(lang, "card.source"), ticket.source_link))
    return fields


def card_change_key(change: ev.CardChange) -> str:
    """The catalog key of the line that says what happened (one per CardChange)."""
    return f"card.change.{change.value}"


def card_change(lang: str, card: ev.TicketCard) -> str:
    return t(lang, card_change_key(card.change), actor=card.actor_name or "")


def moment(at: datetime) -> str:
    """A time to the minute in UTC, the same for every reader of a card."""
    return at.strftime("%Y-%m-%d %H:%M UTC")


def list_lines(
    lang: str, tickets: tuple[ev.TicketView, ...], as_of: datetime | None = None
) -> list[str]:
    """One line per ticket; a list made at `as_of` (the agents') also shows who asked,
    the priority, who has it and how long ago it was opened."""
    if not tickets:
        return [t(lang, "list.empty")]
    if as_of is None:
        return [
            t(lang, "list.item", number=v.number, state=state_label(lang, v), subject=v.subject)
            for v in tickets
        ]
    return [
        t(
            lang,
            "list.item.agent",
            number=v.number,
            state=state_label(lang, v),
            subject=v.subject,
            requester=v.requester_name,
            priority=priority_label(lang, v),
            assignee=v.assignee_name or t(lang, "list.unassigned"),
            age=age(lang, int((as_of - v.created_at).total_seconds() // 60)),
        )
        for v in tickets
    ]


def ticket_opened_text(lang: str, view: ev.TicketView) -> str:
    """`Ticket #4 opened: “is the vpn down?” An agent will reply here.`"""
    return t(lang, "ticket.opened", number=view.number, subject=quoted_sentence(lang, view.subject))


def attachments_text(lang: str, count: int) -> str:
    return t(lang, "relay.attachments", attachments=counted(lang, count, "attachment"))


def open_tickets_hint(lang: str, numbers: tuple[int, ...]) -> str:
    """The console's way to add a question to an open ticket instead."""
    return t(lang, "console.hint.add_to_ticket", numbers=", ".join(f"#{n}" for n in numbers))


def notice_text(lang: str, notice: ev.Notice, platform: str = "") -> str:
    params = dict(notice.params)
    if notice.key.startswith("help."):
        role = notice.key.rsplit(".", 1)[-1]
        return t_first(lang, [notice.key, f"help.{role}"])
    if "state" in params:
        params["state"] = t(lang, f"state.{params['state']}")
    if "minutes" in params:
        params["duration"] = duration(lang, int(params["minutes"]))
    # A surface's own wording (`ticket.sent.telegram`), else the general one.
    general = notice.key.rsplit(".", 1)[0]
    key = general if not has_key(notice.key) and has_key(general) else notice.key
    return t(lang, key, **params)


def relay_text(lang: str, relay: ev.Relay) -> str:
    text = relay.text
    if relay.attachments:
        extra = attachments_text(lang, len(relay.attachments))
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
        return ticket_opened_text(lang, payload.ticket)
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
    if isinstance(payload, ev.TicketList):
        return "\n".join(
            [t(lang, payload.title_key) + ":"]
            + [f"  {line}" for line in list_lines(lang, payload.tickets, payload.as_of)]
        )
    if isinstance(payload, ev.WhichTicket):
        lines = [t(lang, "ticket.which")]
        lines += [f"  #{view.number} {view.subject}" for view in payload.tickets]
        return "\n".join(lines)
    return notice_text(lang, payload)
