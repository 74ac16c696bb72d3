"""What Slack hands back to us later: reply places, message and file refs, and the data on
our buttons (built and parsed by one type per kind, in person_buttons.py and
agent_buttons.py; `parse_action` reads any of them back).

Buttons already posted carry their action_id and value for as long as the message
lives, so a format may gain a field but never change what an existing one means.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack.action_fields import (
    ACTION_ASSIGN,
    ACTION_FAQ_HELPED,
    ACTION_FAQ_HUMAN,
    ACTION_FAQ_PICK,
    ACTION_FAQ_TO_TICKET,
    ACTION_HELD_PLACE,
    ACTION_HOME_PERSON,
    ACTION_IMPACT,
    ACTION_KIND,
    ACTION_PATTERN,
    ACTION_PRIORITY,
    ACTION_RATE,
    ACTION_RESOLVE_FAQ,
    ACTION_TEAM,
    ACTION_TRIAGE,
    ACTION_URGENCY,
    ActionFields,
)
from adapters.slack.agent_buttons import (
    AssignSelect,
    CardAction,
    CardButton,
    HomePersonButton,
    KindOption,
    LevelOption,
    PriorityOption,
    ResolveEntryOption,
    TeamOption,
    card_block_id,
)
from adapters.slack.person_buttons import (
    AddToTicketButton,
    FaqFeedbackButton,
    FaqPickButton,
    HeldPlaceButton,
    RatingButton,
    TriageButton,
    faq_block_id,
    rating_block_id,
)

__all__ = [
    "ACTION_ASSIGN",
    "ACTION_FAQ_HELPED",
    "ACTION_FAQ_HUMAN",
    "ACTION_FAQ_PICK",
    "ACTION_FAQ_TO_TICKET",
    "ACTION_HELD_PLACE",
    "ACTION_HOME_PERSON",
    "ACTION_IMPACT",
    "ACTION_KIND",
    "ACTION_PATTERN",
    "ACTION_PRIORITY",
    "ACTION_RATE",
    "ACTION_RESOLVE_FAQ",
    "ACTION_TEAM",
    "ACTION_TRIAGE",
    "ACTION_URGENCY",
    "FILE_REF_PREFIX",
    "MODAL_CALLBACK",
    "MODAL_CATEGORY",
    "MODAL_IMPACT",
    "MODAL_INPUT",
    "MODAL_KIND",
    "MODAL_TEXT",
    "MODAL_URGENCY",
    "PLATFORM",
    "REACTION_CLAIM",
    "REACTION_RESOLVE",
    "REACTION_TICKET",
    "SHORTCUT_CREATE_TICKET",
    "ActionFields",
    "AddToTicketButton",
    "AssignSelect",
    "ButtonData",
    "CardAction",
    "CardButton",
    "FaqFeedbackButton",
    "FaqPickButton",
    "HeldPlaceButton",
    "HomePersonButton",
    "KindOption",
    "LevelOption",
    "PriorityOption",
    "RatingButton",
    "ReplyPlace",
    "ResolveEntryOption",
    "TeamOption",
    "TriageButton",
    "card_block_id",
    "decode_place",
    "faq_block_id",
    "file_ref",
    "message_ref",
    "parse_action",
    "parse_file_ref",
    "rating_block_id",
    "split_ref",
]

PLATFORM = "slack"

# callback ids and reactions the app and the manifest agree on
SHORTCUT_CREATE_TICKET = "create_ticket"
MODAL_CALLBACK = "ticket_modal"
REACTION_TICKET = "ticket"
REACTION_CLAIM = "eyes"
REACTION_RESOLVE = "white_check_mark"

# the triage modal's inputs: block ids, each holding one element with this action id
MODAL_TEXT = "text"
MODAL_CATEGORY = "category"
MODAL_URGENCY = "urgency"
MODAL_KIND = "kind"
MODAL_IMPACT = "impact"
MODAL_INPUT = "value"


# where a reply to the actor goes


@dataclass(frozen=True)
class ReplyPlace:
    """Where a direct answer to the acting user belongs.

    Empty: their DM with the bot. `channel` (+ `thread_ts`): a public reply there
    (an @mention is answered in its thread). `ephemeral`: only they see it (agents
    acting in the agents' channel). `home`: lists go to their App Home tab. `view`: the
    modal (its view id) a profile asked for from the App Home is shown in.
    """

    channel: str | None = None
    thread_ts: str | None = None
    ephemeral: bool = False
    home: bool = False
    view: str | None = None

    def encode(self) -> str | None:
        data: dict[str, Any] = {}
        if self.channel:
            data["c"] = self.channel
        if self.thread_ts:
            data["t"] = self.thread_ts
        if self.ephemeral:
            data["e"] = 1
        if self.home:
            data["h"] = 1
        if self.view:
            data["v"] = self.view
        return json.dumps(data, separators=(",", ":")) if data else None


def decode_place(context: str | None) -> ReplyPlace:
    if not context:
        return ReplyPlace()
    try:
        data = json.loads(context)
    except ValueError:
        return ReplyPlace()
    if not isinstance(data, dict):
        return ReplyPlace()
    return ReplyPlace(
        channel=data.get("c"),
        thread_ts=data.get("t"),
        ephemeral=bool(data.get("e")),
        home=bool(data.get("h")),
        view=data.get("v"),
    )


# message refs


def message_ref(channel: str, ts: str) -> str:
    """A Slack message's identity, as given to the desk and kept in RefStore."""
    return f"{channel}:{ts}"


def split_ref(ref: str) -> tuple[str, str]:
    channel, _, ts = ref.partition(":")
    return channel, ts


# file refs: a Slack file in a message's attachments, by id (its name for people to read)

FILE_REF_PREFIX = "slack-file:"


def file_ref(file_id: str, name: str) -> str:
    """`slack-file:F0123/report.pdf`: what the desk stores for a file shared in Slack."""
    return f"{FILE_REF_PREFIX}{file_id}/{name}"


def parse_file_ref(ref: str) -> tuple[str, str] | None:
    """(file id, name) of a file ref; None for anything else (a link, another platform's)."""
    if not ref.startswith(FILE_REF_PREFIX):
        return None
    file_id, _, name = ref.removeprefix(FILE_REF_PREFIX).partition("/")
    return (file_id, name or file_id) if file_id.isalnum() else None


ButtonData = (
    TriageButton
    | LevelOption
    | FaqFeedbackButton
    | FaqPickButton
    | AddToTicketButton
    | HeldPlaceButton
    | RatingButton
    | CardButton
    | AssignSelect
    | PriorityOption
    | KindOption
    | TeamOption
    | ResolveEntryOption
    | HomePersonButton
)

_PARSERS: dict[str, Callable[[ActionFields], ButtonData]] = {
    ACTION_FAQ_HELPED: FaqFeedbackButton.parse,
    ACTION_FAQ_HUMAN: FaqFeedbackButton.parse,
    ACTION_FAQ_PICK: FaqPickButton.parse,
    ACTION_FAQ_TO_TICKET: AddToTicketButton.parse,
    ACTION_HELD_PLACE: HeldPlaceButton.parse,
    ACTION_RATE: RatingButton.parse,
    **{action.value: CardButton.parse for action in CardAction},
    ACTION_ASSIGN: AssignSelect.parse,
    ACTION_PRIORITY: PriorityOption.parse,
    ACTION_KIND: KindOption.parse,
    ACTION_TEAM: TeamOption.parse,
    ACTION_TRIAGE: TriageButton.parse,
    ACTION_IMPACT: LevelOption.parse,
    ACTION_URGENCY: LevelOption.parse,
    ACTION_RESOLVE_FAQ: ResolveEntryOption.parse,
    ACTION_HOME_PERSON: HomePersonButton.parse,
}


def parse_action(action: Mapping[str, Any]) -> ButtonData | None:
    """A block action from one of our messages, or None when it is not one we wrote."""
    fields = ActionFields.of(action)
    parser = _PARSERS.get(fields.action_id)
    if parser is None:
        return None
    try:
        return parser(fields)
    except ValueError:
        return None
