"""An agent's App Home tab and the requester's profile in a modal, and the one call that
puts the desk's answers on those surfaces (`show_on_surface`).

Slack's limits (https://api.slack.com/reference/surfaces/views): a Home tab or a modal
holds 100 blocks; a modal's title and close button 24 characters each. The Home tab lists
at most what the desk sends (core.desk.agent_home), well within the blocks.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import context_block, plain_text, section
from adapters.slack.codecs import HomePersonButton, ReplyPlace
from adapters.slack.errors import error_code
from adapters.slack.mrkdwn import clip, escape
from adapters.slack.views import home_view
from core.events import (
    AgentHome,
    HomeTicket,
    Notice,
    Payload,
    PersonProfile,
    TicketList,
    TicketView,
)
from core.i18n import t
from core.i18n.numbers import plural
from core.presenter import (
    list_lines,
    platform_name,
    profile_facts,
    profile_question_line,
    profile_ticket_line,
    render_payload,
    summary_line,
)

log = logging.getLogger(__name__)

VIEW_BLOCKS = 100
TITLE_LIMIT = 24


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain_text(clip(text, 150))}


def slack_time(moment_unix: int, fallback: str) -> str:
    """A moment each reader sees in their own time zone
    (https://api.slack.com/reference/surfaces/formatting#date-formatting)."""
    return f"<!date^{moment_unix}^{{date_short_pretty}} {{time}}|{escape(fallback)}>"


def _ticket_section(lang: str, item: HomeTicket, as_of_line: list[str]) -> dict[str, Any]:
    """One ticket: its line, its requester in one line, and the Person button."""
    line = as_of_line[0] if as_of_line else f"#{item.ticket.number}"
    block = section(f"*{escape(line)}*\n{escape(summary_line(lang, item.requester))}")
    block["accessory"] = {
        "type": "button",
        "text": plain_text(clip(t(lang, "button.person"), 75)),
        "action_id": HomePersonButton(item.ticket.number).action_id,
        "value": HomePersonButton(item.ticket.number).value,
    }
    return block


def _listed(lang: str, home: AgentHome, items: tuple[HomeTicket, ...]) -> list[dict[str, Any]]:
    if not items:
        return [section(escape(t(lang, "list.empty")))]
    return [
        _ticket_section(lang, item, list_lines(lang, (item.ticket,), home.as_of)) for item in items
    ]


def _own(lang: str, tickets: tuple[TicketView, ...]) -> list[dict[str, Any]]:
    if not tickets:
        return []
    lines = "\n".join(f"• {escape(line)}" for line in list_lines(lang, tickets))
    return [_header(t(lang, "home.own")), section(lines)]


def agent_home_view(lang: str, home: AgentHome) -> dict[str, Any]:
    """The Home tab of an agent: the unclaimed tickets, then theirs, each with who asks
    and a Person button; their own tickets as a requester when they have any."""
    blocks: list[dict[str, Any]] = [_header(t(lang, "list.queue"))]
    blocks += _listed(lang, home, home.unclaimed)
    if home.more_unclaimed:
        blocks.append(context_block(escape(plural(lang, "home.more", home.more_unclaimed))))
    blocks.append(_header(t(lang, "list.mine")))
    blocks += _listed(lang, home, home.mine)
    blocks += _own(lang, home.own)
    when = home.as_of.strftime("%Y-%m-%d %H:%M UTC")
    as_of = t(lang, "home.as_of", time=slack_time(int(home.as_of.timestamp()), when))
    blocks.append(context_block(f"{as_of} · {escape(t(lang, 'home.agent_hint'))}"))
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS]}


def _modal(lang: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain_text(clip(t(lang, "home.profile_title"), TITLE_LIMIT)),
        "close": plain_text(clip(t(lang, "home.close"), TITLE_LIMIT)),
        "blocks": blocks[:VIEW_BLOCKS],
    }


def loading_modal(lang: str) -> dict[str, Any]:
    """What the Person button opens at once (its trigger lives 3 s); the profile follows."""
    return _modal(lang, [section(escape(t(lang, "home.loading")))])


def _lines_section(title: str, lines: list[str], empty: str) -> dict[str, Any]:
    body = "\n".join(f"• {escape(line)}" for line in lines) or escape(empty)
    return section(f"*{escape(title)}*\n{body}")


def profile_modal(lang: str, profile: PersonProfile) -> dict[str, Any]:
    """The requester's whole profile: who, where, their tickets, questions and ratings."""
    name = profile.name + (f" ({t(lang, 'profile.agent')})" if profile.is_agent else "")
    who = ", ".join(
        f"{i.name} ({platform_name(lang, i.platform)} {i.user_id})" for i in profile.identities
    )
    facts = profile_facts(lang, profile, who)
    empty = t(lang, "list.empty")
    return _modal(
        lang,
        [
            _header(name),
            section("\n".join(escape(fact) for fact in facts)),
            _lines_section(
                t(lang, "profile.open"),
                [profile_ticket_line(lang, x) for x in profile.open_tickets],
                empty,
            ),
            _lines_section(
                t(lang, "profile.past"),
                [profile_ticket_line(lang, x) for x in profile.past_tickets],
                empty,
            ),
            _lines_section(
                t(lang, "profile.questions"),
                [profile_question_line(lang, q) for q in profile.questions],
                empty,
            ),
        ],
    )


def answer_modal(lang: str, payload: Payload) -> dict[str, Any]:
    """What the modal a Person button opened shows: the profile, or why there is none."""
    if isinstance(payload, PersonProfile):
        return profile_modal(lang, payload)
    prefix = ":warning: " if isinstance(payload, Notice) and payload.error else ""
    return _modal(lang, [section(prefix + escape(render_payload(lang, payload)))])


async def show_on_surface(
    client: AsyncWebClient, user_id: str, lang: str, payload: Payload, place: ReplyPlace
) -> bool:
    """Put an answer on the App Home (views.publish) or in the modal a Person button opened
    (views.update); False when it goes as a message."""
    if place.view:
        try:
            await client.views_update(view_id=place.view, view=answer_modal(lang, payload))
        except SlackApiError as error:
            # https://api.slack.com/methods/views.update#errors: `not_found` once the
            # person closed the modal; the answer was for it alone, so nothing is owed.
            if error_code(error) != "not_found":
                raise
            log.info("the profile modal %s was closed before it was filled", place.view)
        return True
    if not place.home:
        return False
    if isinstance(payload, AgentHome):
        await client.views_publish(user_id=user_id, view=agent_home_view(lang, payload))
        return True
    if isinstance(payload, TicketList):
        await client.views_publish(user_id=user_id, view=home_view(lang, payload.tickets))
        return True
    return False
