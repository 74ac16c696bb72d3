"""The parts of a Slack block action our button formats read, and the action ids they use.

Buttons already posted carry their action_id and value for as long as the message
lives, so an id here never changes meaning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ACTION_FAQ_HELPED = "faq_helped"
ACTION_FAQ_HUMAN = "faq_human"
ACTION_FAQ_PICK = "faq_pick"
ACTION_RATE = "rate"
ACTION_ASSIGN = "card_assign"
ACTION_PRIORITY = "card_priority"
ACTION_KIND = "card_kind"
ACTION_IMPACT = "card_impact"
ACTION_URGENCY = "card_urgency"
ACTION_TEAM = "card_team"
ACTION_TRIAGE = "triage"
ACTION_FAQ_TO_TICKET = "faq_to_ticket"
ACTION_HELD_PLACE = "held_place"
ACTION_RESOLVE_FAQ = "card_resolve_faq"
ACTION_HOME_PERSON = "home_person"  # a listener of its own: it opens a modal first
ACTION_PATTERN = re.compile(
    r"^(faq_helped|faq_human|faq_pick|faq_to_ticket|held_place|rate|card_\w+|triage)(:\d+)?$"
)


@dataclass(frozen=True)
class ActionFields:
    """The parts of a block action our formats use, each as the text Slack sent."""

    action_id: str  # without the ":<n>" that keeps action ids in one block unique
    value: str
    block_id: str
    selected_user: str
    selected_value: str

    @classmethod
    def of(cls, action: Mapping[str, Any]) -> ActionFields:
        option = action.get("selected_option")
        selected = option.get("value") if isinstance(option, Mapping) else None
        return cls(
            action_id=str(action.get("action_id", "")).split(":")[0],
            value=str(action.get("value", "")),
            block_id=str(action.get("block_id", "")),
            selected_user=str(action.get("selected_user", "")),
            selected_value=str(selected or ""),
        )
