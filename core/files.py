"""Reading a file where it was shared, so that another platform can pass it on.

A relayed message's attachments are references only its own platform understands
(a Telegram file id, a Slack file id). Each platform's adapter implements `FileSource`
for its own references; the composition root gives every sender the sources of the
other platforms, and a sender uploads what it reads as a file of its own platform.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

MB = 1024 * 1024


@dataclass(frozen=True)
class OpenedFile:
    """A file being read from its platform: read `chunks` once, inside `open`'s block."""

    name: str
    mime_type: str
    size: int | None  # None when the platform does not say
    chunks: AsyncIterator[bytes]


class FileUnavailable(Exception):
    """The file cannot be passed on, for good: too large for one side's limit, refused,
    or gone. Errors a retry may mend (the network, 5xx, a rate limit) are raised as they are.
    """

    def __init__(self, name: str, *, reason: str = "", limit_mb: int | None = None) -> None:
        super().__init__(
            f"{name}: larger than {limit_mb} MB" if limit_mb is not None else f"{name}: {reason}"
        )
        self.name = name
        self.reason = reason
        self.limit_mb = limit_mb  # set when the file is too large: the limit it exceeds

    @classmethod
    def too_large(cls, name: str, limit_bytes: int) -> FileUnavailable:
        return cls(name, limit_mb=limit_bytes // MB)


class FileSource(Protocol):
    """Reads the files one platform's references name."""

    def open(self, ref: str) -> AbstractAsyncContextManager[OpenedFile]:
        """The file `ref` names, open for reading; raises FileUnavailable when it cannot be
        had for good."""
        ...


FileSources = Mapping[str, FileSource]
"""Platform name -> the source of that platform's files."""


def ref_label(ref: str) -> str:
    """A file reference as people may read it: the name it ends with (`…/report.pdf`),
    else its kind (`photo:…`)."""
    if "/" in ref:
        return ref.rpartition("/")[2] or ref
    return ref.partition(":")[0] or "file"


class ForeignFiles:
    """What one platform's sender reads of the files shared on the others."""

    def __init__(self, sources: FileSources, own: str) -> None:
        self.sources = sources
        self.own = own

    def crossing(self, source_platform: str | None) -> bool:
        """Whether a relay's files come from another platform (a relay written before
        `source_platform` existed carries its own platform's files)."""
        return source_platform is not None and source_platform != self.own

    def open(self, platform: str, ref: str) -> AbstractAsyncContextManager[OpenedFile]:
        source = self.sources.get(platform)
        if source is None:
            raise FileUnavailable(ref_label(ref), reason=f"{platform} is not connected here")
        return source.open(ref)


async def read_at_most(opened: OpenedFile, limit_bytes: int) -> bytes:
    """All of `opened`'s bytes, for an upload that must know its length first; a file that
    turns out larger than `limit_bytes` is refused before more is read."""
    parts: list[bytes] = []
    total = 0
    async for chunk in opened.chunks:
        total += len(chunk)
        if total > limit_bytes:
            raise FileUnavailable.too_large(opened.name, limit_bytes)
        parts.append(chunk)
    return b"".join(parts)
