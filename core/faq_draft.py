"""Turns a resolved ticket into a draft FAQ entry for a person to edit and commit."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from core.faq.check import PLACEHOLDER_ANSWER


def slug(text: str, limit: int = 48) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    return "-".join(words)[:limit].strip("-") or "entry"


def agent_answer(detail: dict[str, Any]) -> str:
    """What the agents told the requester (public replies, in order); empty when nothing."""
    replies = [
        m["text"]
        for m in detail["messages"]
        if m["role"] == "agent" and m["visibility"] == "public" and m["text"].strip()
    ]
    return "\n\n".join(replies)


def draft_entry(detail: dict[str, Any]) -> tuple[str, str]:
    """(entry id, file text): front matter from the ticket, the answer from the agents' replies.

    Without a reply the body is PLACEHOLDER_ANSWER, which `helpdesk faq check` rejects.
    """
    entry_id = slug(detail["subject"])
    front = {
        "id": entry_id if entry_id != "entry" else f"ticket-{detail['number']}",
        "title": detail["subject"],
        "questions": [" ".join(detail["text"].split())],
        "tags": [],
        "category": detail["category"],
    }
    body = agent_answer(detail) or PLACEHOLDER_ANSWER
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip()
    return str(front["id"]), f"---\n{header}\n---\n{body}\n"
