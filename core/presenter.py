"""Plain-text rendering of events, in the event's language.

The console prints exactly this; richer adapters use the same pieces for their
fallback text and build their own buttons around them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core import events as ev
from core.i18n import has_key, t, t_first
from core.i18n.forms import age, counted, duration, quoted_sentence
from core.i18n.numbers import plural, ticket_ordinal


def state_label(lang: str, ticket: ev.TicketView) -> str:
    return t(lang, f"state.{ticket.state.value}")


def priority_label(lang: str, ticket: ev.TicketView) -> str:
    return t(lang, f"priority.{ticket.priority.value}")


def card_fields(
    lang: str, ticket: ev.TicketView, shown_on: str | None = None
) -> list[tuple[str, str]]:
    """The card's labelled fields, in display order (values are raw user text). On a card
    `shown_on` a platform, people of another platform are named with theirs ("via Telegram")."""
    assignee = ticket.assignee_name or t(lang, "card.nobody")
    if ticket.assignee_name:
        assignee = person_via(lang, assignee, ticket.assignee_platform, shown_on)
    fields = [
        (
            t(lang, "card.requester"),
            person_via(lang, ticket.requester_name, ticket.platform, shown_on),
        ),
        (t(lang, "card.assignee"), assignee),
        (t(lang, "card.category"), ticket.category),
        (t(lang, "card.priority"), priority_label(lang, ticket)),
        (t(lang, "card.state"), state_label(lang, ticket)),
    ]
    fields.append((t(lang, "card.opened"), moment(ticket.created_at)))
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


def history_line(lang: str, ticket: ev.TicketView) -> str | None:
    """ "3rd ticket this month · last: #12 VPN (resolved)"; None when the card has no history."""
    history = ticket.history
    if history is None:
        return None
    nth = t(lang, "card.history.nth", nth=ticket_ordinal(lang, history.nth_this_month))
    line = nth[:1].upper() + nth[1:]
    if history.last_number is not None and history.last_state is not None:
        state = t(lang, f"state.{history.last_state.value}")
        last = t(
            lang,
            "card.history.last",
            number=history.last_number,
            subject=history.last_subject,
            state=state,
        )
        line = f"{line} · {last}"
    return line


def platform_name(lang: str, platform: str) -> str:
    """Slack, Telegram, the console: a platform as people call it (else its own id)."""
    return t(lang, f"platform.{platform}") if has_key(f"platform.{platform}") else platform


def person_via(lang: str, name: str, platform: str | None, shown_on: str | None) -> str:
    """ "Anna (via Telegram)" on a card of another platform; the name alone on their own."""
    if platform is None or shown_on is None or platform == shown_on:
        return name
    return t(lang, "card.via", name=name, platform=platform_name(lang, platform))


def relay_author(lang: str, name: str, mirrored_from: str | None) -> str:
    """An agent as the agents of another platform see their message: "Boris via Telegram"."""
    if mirrored_from is None:
        return name
    return t(lang, "relay.via", agent=name, platform=platform_name(lang, mirrored_from))


def profile_ticket_line(lang: str, ticket: ev.ProfileTicket) -> str:
    state = t(lang, f"state.{ticket.state.value}")
    line = t(lang, "list.item", number=ticket.number, state=state, subject=ticket.subject)
    line += f" · {platform_name(lang, ticket.platform)}"
    if ticket.rating is not None:
        line += f" · {ticket.rating}/5"
    return line


def profile_question_parts(lang: str, question: ev.ProfileQuestion) -> tuple[str, str]:
    """What the FAQ did with a question, and what the person did next."""
    decision = t(lang, f"profile.decision.{question.decision}", entry=question.entry_id or "")
    outcome = t(
        lang, f"profile.outcome.{question.outcome or 'none'}", number=question.ticket_number or ""
    )
    return decision, outcome


def profile_question_line(lang: str, question: ev.ProfileQuestion) -> str:
    decision, outcome = profile_question_parts(lang, question)
    text = " ".join(question.text.split())
    if len(text) > 80:
        text = text[:79] + "…"
    return f"“{text}”: {decision}; {outcome}"


def profile_facts(lang: str, profile: ev.PersonProfile, who: str) -> list[str]:
    """A profile's lines under its name: its platforms (`who`, as the surface names them),
    language, and tickets with ratings."""
    tickets = plural(lang, "profile.tickets", profile.tickets_total)
    if profile.ratings:
        tickets += " · " + plural(
            lang, "profile.ratings", len(profile.ratings), average=profile.rating_average
        )
    return [
        f"{t(lang, 'profile.platforms')}: {who}",
        f"{t(lang, 'profile.language')}: {profile.lang}",
        tickets,
    ]


def profile_lines(lang: str, profile: ev.PersonProfile) -> list[str]:
    """A requester's profile as lines of plain text (raw user text, no markup)."""
    head = t(lang, "profile.title", name=profile.name)
    if profile.is_agent:
        head += f" ({t(lang, 'profile.agent')})"
    who = ", ".join(f"{platform_name(lang, i.platform)} {i.user_id}" for i in profile.identities)
    lines = [head, *profile_facts(lang, profile, who)]
    sections = (
        ("profile.open", [profile_ticket_line(lang, x) for x in profile.open_tickets]),
        ("profile.past", [profile_ticket_line(lang, x) for x in profile.past_tickets]),
        ("profile.questions", [profile_question_line(lang, q) for q in profile.questions]),
    )
    for key, items in sections:
        lines.append(f"{t(lang, key)}:")
        lines += [f"  {item}" for item in items] or [f"  {t(lang, 'list.empty')}"]
    return lines


def summary_line(lang: str, summary: ev.RequesterSummary) -> str:
    """`Anna · 3 tickets, 1 open · 2 ratings, average 4.5/5 · Slack, Telegram`."""
    tickets = plural(lang, "profile.tickets", summary.tickets_total)
    if summary.open_count:
        tickets += ", " + t(lang, "profile.open_count", count=summary.open_count)
    parts = [summary.name, tickets]
    if summary.ratings:
        parts.append(
            plural(lang, "profile.ratings", summary.ratings, average=summary.rating_average)
        )
    parts.append(", ".join(platform_name(lang, p) for p in summary.platforms))
    return " · ".join(parts)


def agent_home_lines(lang: str, home: ev.AgentHome) -> list[str]:
    """An agent's overview as plain text: each listed ticket, then its requester."""
    lines: list[str] = []
    for key, listed in (("list.queue", home.unclaimed), ("list.mine", home.mine)):
        lines.append(f"{t(lang, key)}:")
        if not listed:
            lines.append(f"  {t(lang, 'list.empty')}")
        for item in listed:
            lines += [f"  {x}" for x in list_lines(lang, (item.ticket,), home.as_of)]
            lines.append(f"    {summary_line(lang, item.requester)}")
        if key == "list.queue" and home.more_unclaimed:
            lines.append(f"  {plural(lang, 'home.more', home.more_unclaimed)}")
    if home.own:
        lines.append(f"{t(lang, 'home.own')}:")
        lines += [f"  {x}" for x in list_lines(lang, home.own)]
    return lines


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


def triage_question(lang: str, step: ev.TriageStep) -> str:
    """The step's question; one asked after the ticket opened says it is optional."""
    question = t(lang, f"triage.{step.step}")
    if step.ticket_number is None:
        return question
    return f"{t(lang, 'triage.about', number=step.ticket_number)}\n{question}"


def triage_skip_key(step: ev.TriageStep) -> str:
    """A skip after the ticket opened ends the questions; before, it skips one step."""
    return "triage.skip" if step.ticket_number is None else "triage.skip_rest"


def triage_text(lang: str, step: ev.TriageStep) -> str:
    lines = [triage_question(lang, step)]
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
    lines = []
    for v in tickets:
        if as_of is None:
            line = t(
                lang, "list.item", number=v.number, state=state_label(lang, v), subject=v.subject
            )
        else:
            line = t(
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
        sla = sla_line(lang, v.sla)
        lines.append(f"{line} ({sla})" if sla else line)
    return lines


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
        surface = notice.key.split(".")[1] if notice.key.count(".") == 2 else ""
        linking = t_first(lang, [f"link.help.{surface}", "link.help"])
        return t_first(lang, [notice.key, f"help.{role}"]) + "\n" + linking
    if notice.key == "link.done":
        params["platform"] = platform_name(lang, str(params.get("platform", "")))
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
        agent = relay_author(lang, relay.author_name, relay.mirrored_from)
        key = "relay.note_from" if relay.internal else "relay.from_agent"
        return t(lang, key, agent=agent, number=relay.ticket_number, text=text)
    return t(lang, "relay.from_requester", name=relay.author_name, text=text)


def render_text(event: ev.Event) -> str:
    """The whole event as plain text (no markup, no escaping)."""
    return render_payload(event.lang, event.payload)


def no_match_key(payload: ev.FaqNoMatch) -> str:
    """What "no answer" says: files alone are offered a ticket, not called a question."""
    return "faq.file_offer" if payload.files and not payload.question else "faq.no_match"


def render_payload(lang: str, payload: ev.Payload) -> str:
    if isinstance(payload, ev.FaqAnswer):
        return f"{payload.title}\n{payload.answer.strip()}\n{t(lang, 'faq.did_it_help')}"
    if isinstance(payload, ev.FaqSuggestions):
        lines = [t(lang, "faq.suggest_intro")]
        lines += [f"  {i}. {option.title}" for i, option in enumerate(payload.options, 1)]
        return "\n".join(lines)
    if isinstance(payload, ev.FaqNoMatch):
        return t(lang, no_match_key(payload))
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
        history = history_line(lang, view)
        if history:
            lines.append(f"  {history}")
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
    if isinstance(payload, ev.RelayRetracted):
        return t(lang, "relay.withdrawn", name=payload.author_name, number=payload.ticket_number)
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
            + [f"  {line}" for line in list_lines(lang, payload.tickets, payload.as_of)]
        )
    if isinstance(payload, ev.PersonProfile):
        return "\n".join(profile_lines(lang, payload))
    if isinstance(payload, ev.AgentHome):
        return "\n".join(agent_home_lines(lang, payload))
    if isinstance(payload, ev.WhichTicket):
        lines = [t(lang, "ticket.which")]
        lines += [f"  #{view.number} {view.subject}" for view in payload.tickets]
        return "\n".join(lines)
    return notice_text(lang, payload)
