"""`faq search -` reads what has arrived: a typed line is answered without waiting for more."""

import contextlib
import io
import os
from collections.abc import Iterator

import pytest

from bots.line_batches import line_batches


@pytest.fixture
def pipe() -> Iterator[tuple[io.TextIOWrapper, int]]:
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "r", encoding="utf-8")
    yield reader, write_fd
    reader.close()
    with contextlib.suppress(OSError):
        os.close(write_fd)


def test_lines_already_written_come_as_one_batch_while_the_pipe_stays_open(
    pipe: tuple[io.TextIOWrapper, int],
) -> None:
    reader, write_fd = pipe
    batches = line_batches(reader, limit=64)
    os.write(write_fd, b"first\nsecond\nthird ")

    assert next(batches) == ["first", "second"]  # the half-typed line waits for its newline

    os.write(write_fd, "line\nżółw\n".encode())
    assert next(batches) == ["third line", "żółw"]
    os.write(write_fd, b"last without newline")
    os.close(write_fd)
    assert list(batches) == [["last without newline"]]


def test_a_long_pipe_is_cut_into_batches_of_the_limit(pipe: tuple[io.TextIOWrapper, int]) -> None:
    reader, write_fd = pipe
    os.write(write_fd, "".join(f"q{i}\n" for i in range(10)).encode())
    os.close(write_fd)

    batches = list(line_batches(reader, limit=4))

    assert [len(b) for b in batches] == [4, 4, 2]
    assert [line for batch in batches for line in batch] == [f"q{i}" for i in range(10)]


def test_a_stream_without_a_descriptor_is_read_line_by_line() -> None:
    batches = list(line_batches(io.StringIO("a\nb\nc\n"), limit=2))

    assert batches == [["a", "b"], ["c"]]
