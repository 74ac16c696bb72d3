"""The controls of an agents' card in Slack: buttons, and selects of an assignee, an FAQ
entry to resolve with, the priority, the kind, impact and urgency, and the team. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.slack.blocks import OPTION_TEXT_LIMIT, OPTION_VALUE_LIMIT, button, option, plain_text
from adapters.slack.codecs import (
    AssignSelect,
    CardAction,
    CardButton,
    KindOption,
    LevelOption,
    PriorityOption,
    ResolveEntryOption,
    TeamOption,
)
from core.domain import Level, Priority, TicketKind, TicketState
from core.events import FaqChoice, TicketView
from core.i18n import t


def card_controls(
    lang: str, view: TicketView, faq_choices: Sequence[FaqChoice] = (), teams: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Claim while open; resolve, resolve with an FAQ entry, assign, priority, kind,
    impact, urgency and (with several teams) the team while active; reopen afterwards."""
    number, state = view.number, view.state
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
    others = [team for team in teams if team != view.team]
    if len(teams) > 1 and others:
        controls.append(_team_select(lang, number, others))
    return controls


def _team_select(lang: str, number: int, teams: Sequence[str]) -> dict[str, Any]:
    """The teams the ticket may move to (`/ticket team N NAME`), as the Telegram card's
    Classify menu offers them."""
    return {
        "type": "static_select",
        "action_id": TeamOption.action_id,
        "placeholder": plain_text(t(lang, "card.team")),
        "options": [
            option(_option_text(team), TeamOption(number, team).value)
            for team in teams
            if len(TeamOption(number, team).value) <= OPTION_VALUE_LIMIT
        ][:100],  # a static select holds at most 100 options
    }


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
