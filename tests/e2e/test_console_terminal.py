"""The console on a real terminal (a pseudo-terminal): Ctrl-C and Ctrl-D as in a shell.

The terminal's line discipline turns ^C into SIGINT for the foreground process group
and ^D at the start of a line into end of input (termios(3): VINTR, VEOF).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.e2e.test_console import ROOT

PATIENCE = 60.0  # seconds before a test that waits for output gives up (no speed claim)


class Terminal:
    """`helpdesk run --adapter console` on a pseudo-terminal of its own."""

    def __init__(self, tmp_path: Path) -> None:
        self.master, slave = pty.openpty()
        env = {
            **os.environ,
            "HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'tty.db'}",
            "HELPDESK_FAQ_DIR": str(ROOT / "faq"),
            "HELPDESK_LANG": "en",
            "HELPDESK_FAQ_SEMANTIC": "off",
            "TERM": "dumb",
        }
        for key in ("SLACK_BOT_TOKEN", "TELEGRAM_BOT_TOKEN", "SLACK_APP_TOKEN"):
            env.pop(key, None)

        def controlling_terminal() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [sys.executable, "-m", "bots", "run", "--adapter", "console", "--user", "alice"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=tmp_path,
            preexec_fn=controlling_terminal,
        )
        os.close(slave)
        self.seen = ""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_for(self, text: str) -> str:
        """Everything shown up to and including `text`, which must appear."""
        deadline = time.monotonic() + PATIENCE
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never shown: {text!r}; shown: {self.seen!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the program ended and closed the terminal
                    chunk = b""
                assert chunk, f"ended before showing {text!r}; shown: {self.seen!r}"
                self.seen += chunk.decode(errors="replace")
        shown, _, self.seen = self.seen.partition(text)
        return shown + text

    def close(self) -> int:
        code = self.process.wait(timeout=PATIENCE)
        os.close(self.master)
        return code


def test_ctrl_c_clears_the_line_and_ctrl_d_says_goodbye(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    try:
        term.wait_for("alice> ")
        term.type("/ticket this line is abandoned")
        term.wait_for("abandoned")  # echoed: the line editor has the keys
        # A person's Ctrl-C comes a moment after the last key, when the line editor waits
        # for more; one sent in the same instant can reach CPython's readline between two
        # reads and wait for the next key (a race in its select loop, not in the console).
        time.sleep(0.3)
        term.type("\x03")  # Ctrl-C: the line is dropped, a new prompt
        term.wait_for("alice> ")
        term.type("/status\r")
        listing = term.wait_for("alice> ")
        assert "Your tickets:" in listing and "(none)" in listing
        assert "abandoned" not in listing.split("Your tickets:")[1]
        term.type("\x04")  # Ctrl-D on an empty line: goodbye
        term.wait_for("Goodbye!")
    finally:
        code = term.close()
    assert code == 0
