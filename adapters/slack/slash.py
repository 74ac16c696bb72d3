"""`/ticket …` text -> a core command, the triage modal, or a usage answer. Pure.

The words and their arguments are the shared grammar's; what is Slack's own is
that `/ticket` is one command (the word follows it), that text which does not
read as a word is the text of a new ticket, and that the text comes escaped,
people named as `<@U123|name>` mentions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from adapters.common.grammar import Surface, parse, split_word
from adapters.common.refusal import Refusal
from adapters.slack.codecs import ReplyPlace
from adapters.slack.markup import plain_text
from adapters.slack.people import assignee_actor
from core import commands as c
from core.domain import Actor

SLACK = Surface(
    prefix="/ticket ",
    person="@agent",
    loose=True,
    # the words a person types after /ticket; notes and replies are typed in a card's thread
    words=frozenset(
        {
            "help",
            "status",
            "queue",
            "mine",
            "lang",
            "claim",
            "resolve",
            "reopen",
            "cancel",
            "rate",
            "priority",
            "assign",
            "link",
            "unlink",
            "kind",
            "impact",
            "urgency",
            "team",
            "wait",
        }
    ),
)


@dataclass(frozen=True)
class OpenModal:
    """`/ticket` with no text: the triage modal."""


# With the manifest's `should_escape: true` Slack names people as `<@U123|name>`.
_USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")


def slash_command(
    text: str,
    actor: Actor,
    place: ReplyPlace,
    names: Mapping[str, str] | None = None,
) -> c.Command | OpenModal | Refusal:
    """`/ticket …`: a command word and its arguments, otherwise the text of a new ticket.

    `text` is as Slack sends it; a new ticket keeps what the person meant (markup.plain_text),
    `names` naming the people mentioned in it.
    """
    text = text.strip()
    if not text:
        return OpenModal()
    context = place.encode()

    def assignee(tail: str) -> Actor | None:
        match = _USER_MENTION.search(tail)
        if match is None:
            return None
        return assignee_actor(match.group(1), names or {}, fallback=match.group(2))

    word, rest = split_word(text)
    parsed = parse(word, rest, actor, context, SLACK, person=assignee)
    if parsed is None:
        # "/ticket claim my laptop is broken" is a ticket, not a typo
        return c.OpenTicket(
            actor=actor, text=plain_text(text, names), reply_context=context, triage=True
        )
    return parsed
