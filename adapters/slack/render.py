"""Core events -> Slack messages (text + Block Kit). Pure functions.

User text is always escaped (see mrkdwn), FAQ Markdown is converted, and every
button carries data built by its codec, so what the listeners parse back is
exactly what was posted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.common.refusal import Refusal
from adapters.slack.codecs import (
    AssignSelect,
    CardAction,
    CardButton,
    FaqFeedbackButton,
    FaqPickButton,
    PriorityOption,
    RatingButton,
    ResolveEntryOption,
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
)
from core.domain import Priority, TicketState
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
    TicketCard,
    TicketList,
    TicketResolved,
)
from core.i18n import t
from core.presenter import card_change, card_fields, list_lines, render_payload

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
    data: FaqFeedbackButton | FaqPickButton | RatingButton | CardButton,
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
                ],
            },
        ],
    )


def _faq_suggestions(lang: str, payload: FaqSuggestions) -> SlackMessage:
    query = payload.query_id
    buttons = [
        button(choice.title, FaqPickButton(query, choice.entry_id, index))
        for index, choice in enumerate(payload.options)
    ]
    buttons.append(button(t(lang, "faq.button.human"), FaqFeedbackButton(query, helped=False)))
    return SlackMessage(
        text=_plain(lang, payload),
        blocks=[
            section(escape(t(lang, "faq.suggest_intro"))),
            {"type": "actions", "block_id": faq_block_id(query), "elements": buttons},
        ],
    )


def _faq_no_match(lang: str, payload: FaqNoMatch) -> SlackMessage:
    text = escape(t(lang, "faq.no_match"))
    human = FaqFeedbackButton(payload.query_id, helped=False)
    return SlackMessage(
        text=text,
        blocks=[
            section(text),
            {
                "type": "actions",
                "block_id": faq_block_id(payload.query_id),
                "elements": [button(t(lang, "faq.button.open_ticket"), human, "primary")],
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
    if not state.is_active:
        controls.append(button(t(lang, "button.reopen"), CardButton(CardAction.REOPEN, number)))
        return controls
    controls.append(button(t(lang, "button.resolve"), CardButton(CardAction.RESOLVE, number)))
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
    fields = card_fields(lang, view)
    values = [escape(value) for _label, value in fields]
    values[0] = mention(view.requester_user_id)
    if view.assignee_user_id:
        values[1] = mention(view.assignee_user_id)
    if view.source_link:
        values[-1] = f"<{escape(view.source_link)}|{escape(t(lang, 'card.open_link'))}>"
    blocks: list[dict[str, Any]] = [
        section(f"*{escape(title)}*"),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": clip(f"*{escape(label)}*\n{value}", 2000)}
                for (label, _), value in zip(fields, values, strict=True)
            ][:10],
        },
    ]
    quoted = "\n".join(f"> {line}" for line in escape(view.text).splitlines()) or ">"
    blocks.append(section(quoted))
    context = [escape(card_change(lang, card))]
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
    summary = (
        f"{escape(title)} · {mention(view.requester_user_id)} · "
        f"{escape(t(lang, f'state.{view.state.value}'))}"
    )
    return SlackMessage(text=summary, blocks=blocks)


def _with_files(text: str, attachments: tuple[str, ...]) -> str:
    links = [f"<{escape(url)}>" for url in attachments if url.startswith("http")]
    return "\n".join([text, *links]) if links else text


def _relay_text(lang: str, author_role: str, author: str, number: int, text: str) -> str:
    key = "relay.from_agent" if author_role == "agent" else "relay.from_requester"
    return escape(t(lang, key, agent=author, name=author, number=number, text=text))


def relay_message(lang: str, relay: Relay) -> SlackMessage:
    text = _relay_text(lang, relay.author_role, relay.author_name, relay.ticket_number, relay.text)
    return SlackMessage(text=_with_files(text, relay.attachments))


def relay_edited_message(lang: str, edited: RelayEdited) -> SlackMessage:
    """The new body of a relayed copy after its author edited or deleted the original."""
    if edited.deleted:
        body = t(lang, "relay.deleted_mark")
    else:
        body = f"{edited.text} {t(lang, 'relay.edited_mark')}"
    return SlackMessage(
        text=_relay_text(lang, edited.author_role, edited.author_name, edited.ticket_number, body)
    )


def ticket_list_message(lang: str, payload: TicketList) -> SlackMessage:
    lines = [f"*{escape(t(lang, payload.title_key))}*"]
    lines += [f"• {escape(line)}" for line in list_lines(lang, payload.tickets)]
    return SlackMessage(text="\n".join(lines))


def message_for(event: Event) -> SlackMessage:
    """Any event as a Slack message in the event's language."""
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
        return relay_message(lang, payload)
    if isinstance(payload, RelayEdited):
        return relay_edited_message(lang, payload)
    if isinstance(payload, TicketResolved):
        return _rating(lang, payload)
    if isinstance(payload, TicketList):
        return ticket_list_message(lang, payload)
    if isinstance(payload, Notice):
        prefix = ":warning: " if payload.error else ""
        return SlackMessage(text=prefix + _plain(lang, payload))
    return SlackMessage(text=_plain(lang, payload))


def refusal_text(lang: str, refusal: Refusal) -> str:
    return escape(t(lang, refusal.key, **refusal.params))
