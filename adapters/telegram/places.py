"""Where things are in Telegram, as the core and the refs store name them: reply places
(a command's `reply_context`) and message refs (`chat_id:message_id`)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import ReplyParameters


@dataclass(frozen=True)
class Place:
    """A spot in Telegram: a chat, optionally a forum topic and a message to reply to.

    Encoded into a command's `reply_context` so the desk's answer to an actor goes
    back where they wrote.
    """

    chat_id: int
    thread_id: int | None = None
    reply_to: int | None = None

    def encode(self) -> str:
        return f"{self.chat_id}/{self.thread_id or ''}/{self.reply_to or ''}"

    @classmethod
    def decode(cls, value: str | None) -> Place | None:
        if not value:
            return None
        parts = value.split("/")
        try:
            chat_id = int(parts[0])
            thread_id = int(parts[1]) if len(parts) > 1 and parts[1] else None
            reply_to = int(parts[2]) if len(parts) > 2 and parts[2] else None
        except ValueError:
            return None
        return cls(chat_id, thread_id, reply_to)


def message_ref(chat_id: int, message_id: int) -> str:
    """How a Telegram message is named in the core and in refs: `chat_id:message_id`."""
    return f"{chat_id}:{message_id}"


def parse_message_ref(value: str) -> tuple[int, int] | None:
    chat, _, message = value.partition(":")
    try:
        return int(chat), int(message.split(":", 1)[0])
    except ValueError:
        return None


def reply_parameters(place: Place) -> ReplyParameters | None:
    """A reply to `place`'s message, sent even when that message is gone."""
    if place.reply_to is None:
        return None
    return ReplyParameters(message_id=place.reply_to, allow_sending_without_reply=True)


def copy_kind(mirrored_from: str | None) -> str:
    """The refs kind of a relayed copy: the requester's and the ticket thread's copy of an
    agent's message from another platform are kept apart (both may be in Telegram)."""
    return "mirror" if mirrored_from is not None else "relay"


def more_kind(kind: str) -> str:
    """The refs kind of the further messages of a copy sent in several (a long text,
    several files): withdrawn with the first."""
    return f"{kind}_more"
