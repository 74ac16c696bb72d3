"""Block Kit pieces every Slack message is built of. Pure functions."""

from __future__ import annotations

from typing import Any

from adapters.slack.codecs import (
    AddToTicketButton,
    CardButton,
    FaqFeedbackButton,
    FaqPickButton,
    HeldPlaceButton,
    RatingButton,
    TriageButton,
)
from adapters.slack.mrkdwn import SECTION_LIMIT, clip

# A static select option's limits: api.slack.com/reference/block-kit/composition-objects#option
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150


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
