"""Core events -> Slack messages (text + Block Kit). Pure functions.

User text is always escaped (see mrkdwn), FAQ Markdown is converted, and every
button carries data built by its codec, so what the listeners parse back is
exactly what was posted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.common.refusal import Refusal
from adapters.common.triage import PERSON, SKIP
from adapters.slack.blocks import button, context_block, section
from adapters.slack.card_menus import card_controls
from adapters.slack.codecs import (
    PLATFORM,
    AddToTicketButton,
    FaqFeedbackButton,
    FaqPickButton,
    HeldPlaceButton,
    RatingButton,
    TriageButton,
    card_block_id,
    faq_block_id,
    rating_block_id,
)
from adapters.slack.mrkdwn import (
    TEXT_LIMIT,
    clip,
    escape,
    markdown_to_mrkdwn,
    mention,
    relink_mentions,
)
from core.events import (
    Event,
    FaqAnswer,
    FaqNoMatch,
    FaqSuggestions,
    Notice,
    Payload,
    Relay,
    RelayEdited,
    RelayRetracted,
    TicketCard,
    TicketList,
    TicketResolved,
    TriageStep,
    WhichTicket,
)
from core.i18n import t
from core.presenter import (
    attachments_text,
    card_change,
    card_fields,
    history_line,
    list_lines,
    no_match_key,
    relay_author,
    render_payload,
    triage_question,
    triage_skip_key,
)


@dataclass(frozen=True)
class SlackMessage:
    """A message body for chat.postMessage / chat.update / chat.postEphemeral."""

    text: str
    blocks: list[dict[str, Any]] | None = None

    def kwargs(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": clip(self.text, TEXT_LIMIT)}
        if self.blocks is not None:
            body["blocks"] = self.blocks
        return body


def triage_message(lang: str, step: TriageStep) -> SlackMessage:
    """A triage question with a button per choice, then skip (or "I want a person"); one
    about a ticket opened already names it, and its skip ends the questions."""
    question = escape(triage_question(lang, step))
    picks = [
        (t(lang, choice.label_key) if choice.label_key else choice.label, index)
        for index, choice in enumerate(step.choices)
    ]
    if step.step == "faq":
        picks.append((t(lang, "triage.faq.human"), PERSON))
    elif step.step != "text":
        picks.append((t(lang, triage_skip_key(step)), SKIP))
    buttons = [
        button(label, TriageButton(step.step, index, slot, step.ticket_number))
        for slot, (label, index) in enumerate(picks)
    ]
    blocks: list[dict[str, Any]] = [section(question)]
    # An actions block holds at most 25 elements (api.slack.com/reference/block-kit/blocks#actions).
    blocks += [
        {"type": "actions", "elements": buttons[i : i + 25]} for i in range(0, len(buttons), 25)
    ]
    return SlackMessage(text=question, blocks=blocks if buttons else None)


def _plain(lang: str, payload: Payload) -> str:
    """The catalog's plain-text rendering, escaped for mrkdwn."""
    return escape(render_payload(lang, payload))


# the requester's side: FAQ replies and the rating


def _faq_answer(lang: str, payload: FaqAnswer) -> SlackMessage:
    answer = markdown_to_mrkdwn(payload.answer)
    title = f"*{escape(payload.title)}*"
    query = payload.query_id
    return SlackMessage(
        text=f"{escape(payload.title)}\n{answer}",
        blocks=[
            section(f"{title}\n{answer}"),
            {
                "type": "actions",
                "block_id": faq_block_id(query),
                "elements": [
                    button(
                        t(lang, "faq.button.helped"),
                        FaqFeedbackButton(query, helped=True),
                        "primary",
                    ),
                    button(t(lang, "faq.button.human"), FaqFeedbackButton(query, helped=False)),
                    *_add_to_ticket_buttons(lang, query, payload.open_tickets),
                ],
            },
        ],
    )


def _add_to_ticket_buttons(
    lang: str, query_id: int, open_tickets: tuple[int, ...]
) -> list[dict[str, Any]]:
    """ "Add this to #N" for each open ticket: the question was meant for one of them."""
    return [
        button(t(lang, "faq.add_to_ticket", number=number), AddToTicketButton(query_id, number))
        for number in open_tickets[:3]
    ]


def _faq_suggestions(lang: str, payload: FaqSuggestions) -> SlackMessage:
    query = payload.query_id
    buttons = [
        button(choice.title, FaqPickButton(query, choice.entry_id, index))
        for index, choice in enumerate(payload.options)
    ]
    buttons.append(button(t(lang, "faq.button.human"), FaqFeedbackButton(query, helped=False)))
    buttons += _add_to_ticket_buttons(lang, query, payload.open_tickets)
    return SlackMessage(
        text=_plain(lang, payload),
        blocks=[
            section(escape(t(lang, "faq.suggest_intro"))),
            {"type": "actions", "block_id": faq_block_id(query), "elements": buttons},
        ],
    )


def _faq_no_match(lang: str, payload: FaqNoMatch) -> SlackMessage:
    text = escape(t(lang, no_match_key(payload)))
    human = FaqFeedbackButton(payload.query_id, helped=False)
    return SlackMessage(
        text=text,
        blocks=[
            section(text),
            {
                "type": "actions",
                "block_id": faq_block_id(payload.query_id),
                "elements": [
                    button(t(lang, "faq.button.open_ticket"), human, "primary"),
                    *_add_to_ticket_buttons(lang, payload.query_id, payload.open_tickets),
                ],
            },
        ],
    )


def _rating(lang: str, payload: TicketResolved) -> SlackMessage:
    text = _plain(lang, payload)
    number = payload.ticket_number
    return SlackMessage(
        text=text,
        blocks=[
            section(text),
            {
                "type": "actions",
                "block_id": rating_block_id(number),
                "elements": [
                    button("★" * score, RatingButton(number, score)) for score in range(1, 6)
                ],
            },
        ],
    )


# the agents' side: the card and relayed messages


def card_message(lang: str, card: TicketCard, teams: Sequence[str] = ()) -> SlackMessage:
    """The agents' card: number, requester, text, fields, what changed, and controls
    (`teams`: the service's, offered to move the ticket to when there are several)."""
    view = card.ticket
    title = t(lang, "card.title", number=view.number, subject=view.subject)
    fields = card_fields(lang, view, PLATFORM)
    values = [escape(value) for _label, value in fields]
    # Only Slack's own people are mentions; a Telegram requester is named "(via Telegram)".
    if view.platform == PLATFORM:
        values[0] = mention(view.requester_user_id)
    if view.assignee_user_id and view.assignee_platform in (None, PLATFORM):
        values[1] = mention(view.assignee_user_id)
    if view.source_link:
        values[-1] = f"<{escape(view.source_link)}|{escape(t(lang, 'card.open_link'))}>"
    blocks: list[dict[str, Any]] = [
        section(f"*{escape(title)}*"),
    ]
    texts = [
        {"type": "mrkdwn", "text": clip(f"*{escape(label)}*\n{value}", 2000)}
        for (label, _), value in zip(fields, values, strict=True)
    ]
    # A section holds at most ten fields (Block Kit: api.slack.com/reference/block-kit/blocks#section).
    blocks += [{"type": "section", "fields": texts[i : i + 10]} for i in range(0, len(texts), 10)]
    quoted = "\n".join(f"> {line}" for line in escape(view.text).splitlines()) or ">"
    blocks.append(section(quoted))
    context = [escape(card_change(lang, card))]
    history = history_line(lang, view)
    if history:
        context.append(escape(history))
    if view.delivery_problem:
        context.append(
            ":warning: " + escape(t(lang, "card.delivery_problem", reason=view.delivery_problem))
        )
    blocks.append(context_block(clip(" · ".join(context), 2000)))
    blocks.append(
        {
            "type": "actions",
            "block_id": card_block_id(view.number),
            "elements": card_controls(lang, view, card.faq_choices, teams),
        }
    )
    summary = f"{escape(title)} · {values[0]} · {escape(t(lang, f'state.{view.state.value}'))}"
    return SlackMessage(text=summary, blocks=blocks)


def _with_files(text: str, attachments: tuple[str, ...]) -> str:
    links = [f"<{escape(url)}>" for url in attachments if url.startswith("http")]
    return "\n".join([text, *links]) if links else text


def _relay_text(lang: str, relay: Relay | RelayEdited, text: str) -> str:
    """ "Bob (#3): text"; a copy from another platform's agents names theirs, a note says so."""
    key = "relay.from_agent" if relay.author_role == "agent" else "relay.from_requester"
    if relay.internal:
        key = "relay.note_from"
    name = relay_author(lang, relay.author_name, relay.mirrored_from)
    return escape(t(lang, key, agent=name, name=name, number=relay.ticket_number, text=text))


def relay_message(
    lang: str, relay: Relay, ids_by_name: Mapping[str, str] | None = None
) -> SlackMessage:
    """A relayed message; `ids_by_name` turns the people it mentions into live mentions."""
    body = relay.text
    if relay.attachments:  # the files follow as files of their own
        extra = attachments_text(lang, len(relay.attachments))
        body = f"{body} {extra}".strip()
    text = _relay_text(lang, relay, body)
    if ids_by_name:
        text = relink_mentions(text, ids_by_name)
    return SlackMessage(text=_with_files(text, relay.attachments))


def relay_edited_message(lang: str, edited: RelayEdited) -> SlackMessage:
    """The new body of a relayed copy after its author edited or deleted the original."""
    if edited.deleted:
        body = t(lang, "relay.deleted_mark")
    else:
        body = f"{edited.text} {t(lang, 'relay.edited_mark')}"
    return SlackMessage(text=_relay_text(lang, edited, body))


def which_ticket_message(lang: str, payload: WhichTicket) -> SlackMessage:
    """A held message: one button per open ticket, and one to make it a new question."""
    buttons = [
        button(
            clip(f"#{view.number} {view.subject}", 75),
            HeldPlaceButton(payload.held_id, view.number),
        )
        for view in payload.tickets[:24]  # an actions block holds at most 25 elements
    ]
    buttons.append(button(t(lang, "ticket.which.new"), HeldPlaceButton(payload.held_id, 0)))
    return SlackMessage(
        text=escape(t(lang, "ticket.which")),
        blocks=[section(escape(t(lang, "ticket.which"))), {"type": "actions", "elements": buttons}],
    )


def ticket_list_message(lang: str, payload: TicketList) -> SlackMessage:
    lines = [f"*{escape(t(lang, payload.title_key))}*"]
    lines += [f"• {escape(line)}" for line in list_lines(lang, payload.tickets, payload.as_of)]
    return SlackMessage(text="\n".join(lines))


def message_for(
    event: Event, ids_by_name: Mapping[str, str] | None = None, teams: Sequence[str] = ()
) -> SlackMessage:
    """Any event as a Slack message in the event's language; `ids_by_name` (display name
    -> user id) makes the people a relayed message mentions live mentions again; `teams`
    are the service's, for the card's team select."""
    lang = event.lang
    payload = event.payload
    if isinstance(payload, FaqAnswer):
        return _faq_answer(lang, payload)
    if isinstance(payload, FaqSuggestions):
        return _faq_suggestions(lang, payload)
    if isinstance(payload, FaqNoMatch):
        return _faq_no_match(lang, payload)
    if isinstance(payload, TicketCard):
        return card_message(lang, payload, teams)
    if isinstance(payload, Relay):
        return relay_message(lang, payload, ids_by_name)
    if isinstance(payload, RelayEdited):
        return relay_edited_message(lang, payload)
    if isinstance(payload, RelayRetracted):
        # what stands in for a withdrawn copy where Slack cannot delete it
        return SlackMessage(text=escape(t(lang, "relay.withdrawn_mark")))
    if isinstance(payload, TicketResolved):
        return _rating(lang, payload)
    if isinstance(payload, TicketList):
        return ticket_list_message(lang, payload)
    if isinstance(payload, TriageStep):
        return triage_message(lang, payload)
    if isinstance(payload, WhichTicket):
        return which_ticket_message(lang, payload)
    if isinstance(payload, Notice):
        prefix = ":warning: " if payload.error else ""
        return SlackMessage(text=prefix + _plain(lang, payload))
    return SlackMessage(text=_plain(lang, payload))


def refusal_text(lang: str, refusal: Refusal) -> str:
    return escape(t(lang, refusal.key, **refusal.params))
