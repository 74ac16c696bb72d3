"""Turns a resolved ticket into a draft FAQ entry for a person to edit and commit."""

from __future__ import annotations

import re
import unicodedata

import yaml

from core.domain import Author, Visibility
from core.faq.check import PLACEHOLDER_ANSWER
from core.queries import TicketDetail


def slug(text: str, limit: int = 48) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    return "-".join(words)[:limit].strip("-") or "entry"


def agent_answer(detail: TicketDetail) -> str:
    """What the agents told the requester (public replies, in order); empty when nothing."""
    replies = [
        m.text
        for m in detail.messages
        if m.role is Author.AGENT and m.visibility is Visibility.PUBLIC and m.text.strip()
    ]
    return "\n\n".join(replies)


def draft_entry(detail: TicketDetail) -> tuple[str, str]:
    """(entry id, file text): front matter from the ticket, the answer from the agents' replies.

    Without a reply the body is PLACEHOLDER_ANSWER, which `helpdesk faq check` rejects.
    """
    ticket = detail.ticket
    entry_id = slug(ticket.subject)
    front = {
        "id": entry_id if entry_id != "entry" else f"ticket-{ticket.number}",
        "title": ticket.subject,
        "questions": [" ".join(ticket.text.split())],
        "tags": [],
        "category": ticket.category,
    }
    body = agent_answer(detail) or PLACEHOLDER_ANSWER
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip()
    return str(front["id"]), f"---\n{header}\n---\n{body}\n"
