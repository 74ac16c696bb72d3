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
from adapters.slack.codecs import (
    PLATFORM,
    AddToTicketButton,
    AssignSelect,
    CardAction,
    CardButton,
    FaqFeedbackButton,
    FaqPickButton,
    HeldPlaceButton,
    KindOption,
    LevelOption,
    PriorityOption,
    RatingButton,
    ResolveEntryOption,
    TriageButton,
    card_block_id,
    faq_block_id,
    rating_block_id,
)
from adapters.slack.mrkdwn import (
    SECTION_LIMIT,
    TEXT_LIMIT,
    clip,
    escape,
    markdown_to_mrkdwn,
    mention,
    relink_mentions,
)
from core.domain import Level, Priority, TicketKind, TicketState
from core.events import (
    Event,
    FaqAnswer,
    FaqChoice,
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
)

# A static select option's limits: api.slack.com/reference/block-kit/composition-objects#option
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150


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


# Block Kit pieces


def plain_text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain_text(text), "value": value}


def context_block(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def button(
    text: str,
    data: FaqFeedbackButton
    | FaqPickButton
    | AddToTicketButton
    | HeldPlaceButton
    | RatingButton
    | CardButton
    | TriageButton,
    style: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain_text(clip(text, 75)),
        "action_id": data.action_id,
        "value": data.value,
    }
    if style:
        element["style"] = style
    return element


def triage_message(lang: str, step: TriageStep) -> SlackMessage:
    """A triage question with a button per choice, then skip (or "I want a person")."""
    question = escape(t(lang, f"triage.{step.step}"))
    picks = [
        (t(lang, choice.label_key) if choice.label_key else choice.label, index)
        for index, choice in enumerate(step.choices)
    ]
    if step.step == "faq":
        picks.append((t(lang, "triage.faq.human"), PERSON))
    elif step.step != "text":
        picks.append((t(lang, "triage.skip"), SKIP))
    buttons = [
        button(label, TriageButton(step.step, index, slot))
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


def _card_controls(
    lang: str, number: int, state: TicketState, faq_choices: Sequence[FaqChoice] = ()
) -> list[dict[str, Any]]:
    """Claim while open; resolve, resolve with an FAQ entry, assign and priority while
    active; reopen afterwards."""
    controls: list[dict[str, Any]] = []
    if state is TicketState.OPEN:
        claim = CardButton(CardAction.CLAIM, number)
        controls.append(button(t(lang, "button.claim"), claim, "primary"))
    person = button(t(lang, "button.person"), CardButton(CardAction.PERSON, number))
    if not state.is_active:
        controls.append(button(t(lang, "button.reopen"), CardButton(CardAction.REOPEN, number)))
        controls.append(person)
        return controls
    controls.append(button(t(lang, "button.resolve"), CardButton(CardAction.RESOLVE, number)))
    if state in (TicketState.OPEN, TicketState.CLAIMED):
        controls.append(button(t(lang, "button.wait"), CardButton(CardAction.WAIT, number)))
    if faq_choices:
        controls.append(_resolve_with_entry(lang, number, faq_choices))
    controls.append(
        {
            "type": "users_select",
            "action_id": AssignSelect.action_id,
            "placeholder": plain_text(t(lang, "button.assign")),
        }
    )
    controls.append(
        {
            "type": "static_select",
            "action_id": PriorityOption.action_id,
            "placeholder": plain_text(t(lang, "button.priority")),
            "options": [
                option(t(lang, f"priority.{p.value}"), PriorityOption(number, p).value)
                for p in Priority
            ],
        }
    )
    controls.append(person)
    controls.append(
        {
            "type": "static_select",
            "action_id": KindOption.action_id,
            "placeholder": plain_text(t(lang, "button.kind")),
            "options": [
                option(t(lang, f"kind.{k.value}"), KindOption(number, k).value) for k in TicketKind
            ],
        }
    )
    for urgency, label in ((False, "card.impact"), (True, "card.urgency")):
        controls.append(
            {
                "type": "static_select",
                "action_id": LevelOption(number, Level.MEDIUM, urgency).action_id,
                "placeholder": plain_text(t(lang, label)),
                "options": [
                    option(t(lang, f"level.{v.value}"), LevelOption(number, v, urgency).value)
                    for v in Level
                ],
            }
        )
    return controls


def _resolve_with_entry(lang: str, number: int, choices: Sequence[FaqChoice]) -> dict[str, Any]:
    """The entries that match the ticket's question, and "without an entry": picking one
    is `/ticket resolve N faq:ID` (or a plain resolve)."""
    options = [
        option(
            _option_text(t(lang, "button.resolve_with", title=choice.title)),
            ResolveEntryOption(number, choice.entry_id).value,
        )
        for choice in choices
        if len(ResolveEntryOption(number, choice.entry_id).value) <= OPTION_VALUE_LIMIT
    ]
    options.append(
        option(t(lang, "button.resolve_no_entry"), ResolveEntryOption(number, None).value)
    )
    return {
        "type": "static_select",
        "action_id": ResolveEntryOption.action_id,
        "placeholder": plain_text(t(lang, "button.resolve_faq")),
        "options": options,
    }


def _option_text(text: str) -> str:
    """Slack cuts no option text: it refuses one over 75 characters."""
    return text if len(text) <= OPTION_TEXT_LIMIT else text[: OPTION_TEXT_LIMIT - 1] + "…"


def card_message(lang: str, card: TicketCard) -> SlackMessage:
    """The agents' card: number, requester, text, fields, what changed, and controls."""
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
            "elements": _card_controls(lang, view.number, view.state, card.faq_choices),
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


def message_for(event: Event, ids_by_name: Mapping[str, str] | None = None) -> SlackMessage:
    """Any event as a Slack message in the event's language; `ids_by_name` (display name
    -> user id) makes the people a relayed message mentions live mentions again."""
    lang = event.lang
    payload = event.payload
    if isinstance(payload, FaqAnswer):
        return _faq_answer(lang, payload)
    if isinstance(payload, FaqSuggestions):
        return _faq_suggestions(lang, payload)
    if isinstance(payload, FaqNoMatch):
        return _faq_no_match(lang, payload)
    if isinstance(payload, TicketCard):
        return card_message(lang, payload)
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
