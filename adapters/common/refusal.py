"""The adapter's own answer to a person: input it refuses before the desk sees it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Refusal:
    """A message the adapter answers itself (usage help, unknown command): catalog key + params."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)


def usage(text: str) -> Refusal:
    """`Usage: /claim N`, in the person's language."""
    return Refusal("error.usage", {"usage": text})


def unknown_command(command: str) -> Refusal:
    return Refusal("error.unknown_command", {"command": command})
