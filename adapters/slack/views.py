"""Slack views: the triage modal of `/ticket` and the App Home tab. Pure functions."""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import context_block, option, plain_text, section
from adapters.slack.codecs import (
    MODAL_CALLBACK,
    MODAL_CATEGORY,
    MODAL_IMPACT,
    MODAL_INPUT,
    MODAL_KIND,
    MODAL_TEXT,
    MODAL_URGENCY,
)
from adapters.slack.mrkdwn import clip, escape
from core.domain import CATEGORIES, Level, TicketKind
from core.events import TicketView
from core.i18n import t


def _input(block_id: str, label: str, element: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain_text(label),
        "element": {**element, "action_id": MODAL_INPUT},
    }


def _select(options: list[dict[str, Any]], initial: dict[str, Any]) -> dict[str, Any]:
    return {"type": "static_select", "options": options, "initial_option": initial}


def _optional(block_id: str, label: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    """A select one may leave empty (the step is skipped)."""
    block = _input(block_id, label, {"type": "static_select", "options": options})
    return {**block, "optional": True}


def modal_view(lang: str, source: str = "", areas: tuple[str, ...] = CATEGORIES) -> dict[str, Any]:
    """The triage modal of `/ticket` without text: the description, what it is, the area,
    how many people it stops and how soon it matters (the last three may stay empty)."""
    categories = [option(_area_name(lang, name), name) for name in areas]
    kinds = [option(t(lang, f"triage.kind.{k.value}"), k.value) for k in TicketKind]
    impacts = [option(t(lang, f"triage.impact.{v.value}"), v.value) for v in Level]
    urgencies = [option(t(lang, f"triage.urgency.{v.value}"), v.value) for v in Level]
    text_input = {"type": "plain_text_input", "multiline": True, "max_length": 3000}
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "private_metadata": source,
        "title": plain_text(clip(t(lang, "modal.title"), 24)),
        "submit": plain_text(t(lang, "modal.submit")),
        "close": plain_text(t(lang, "modal.cancel")),
        "blocks": [
            _input(MODAL_TEXT, t(lang, "modal.text"), text_input),
            _optional(MODAL_KIND, t(lang, "triage.kind"), kinds),
            _input(MODAL_CATEGORY, t(lang, "card.category"), _select(categories, categories[0])),
            _optional(MODAL_IMPACT, t(lang, "triage.impact"), impacts),
            _optional(MODAL_URGENCY, t(lang, "triage.urgency"), urgencies),
        ],
    }


def _area_name(lang: str, area: str) -> str:
    key = f"category.{area}"
    text = t(lang, key)
    return area if text == key else text


def home_view(lang: str, tickets: tuple[TicketView, ...]) -> dict[str, Any]:
    """The App Home tab: the person's tickets."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain_text(clip(t(lang, "list.status"), 150))}
    ]
    if not tickets:
        blocks.append(section(escape(t(lang, "list.empty"))))
    for view in tickets[:40]:
        line = t(
            lang,
            "list.item",
            number=view.number,
            state=t(lang, f"state.{view.state.value}"),
            subject=view.subject,
        )
        detail = view.assignee_name or t(lang, "card.nobody")
        blocks.append(
            section(f"*{escape(line)}*\n{escape(t(lang, 'card.assignee'))}: {escape(detail)}")
        )
    blocks.append(context_block(escape(t(lang, "home.hint"))))
    return {"type": "home", "blocks": blocks}
