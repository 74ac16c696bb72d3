"""Lines of a stream in batches: as many as have already arrived, never waiting for more.

`helpdesk faq search -` embeds a batch of questions several times faster per question
than one at a time, yet a person typing one question a line must get each answer at
once: a batch is what is readable now, up to ``limit`` lines.
"""

import codecs
import os
import select
from collections.abc import Iterator
from typing import TextIO


def line_batches(stream: TextIO, limit: int) -> Iterator[list[str]]:
    """Lines without their newline; a pipe or file is read in chunks, anything without a
    file descriptor (a test's StringIO) line by line in batches of ``limit``."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        yield from _plain_batches(stream, limit)
        return
    yield from _fd_batches(fd, limit)


def _plain_batches(stream: TextIO, limit: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in stream:
        batch.append(line.rstrip("\n"))
        if len(batch) >= limit:
            yield batch
            batch = []
    if batch:
        yield batch


def _fd_batches(fd: int, limit: int) -> Iterator[list[str]]:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    ready: list[str] = []
    ended = False
    while not ended or ready:
        # Block only when no whole line is waiting; otherwise take what is already there.
        while not ended and (not ready or _readable(fd)) and len(ready) < limit:
            chunk = os.read(fd, 65536)
            if not chunk:
                ended = True
                pending += decoder.decode(b"", final=True)
                if pending:
                    ready.append(pending)
                    pending = ""
                break
            *lines, pending = (pending + decoder.decode(chunk)).split("\n")
            ready.extend(lines)
        if ready:
            batch, ready = ready[:limit], ready[limit:]
            yield batch


def _readable(fd: int) -> bool:
    try:
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return False
