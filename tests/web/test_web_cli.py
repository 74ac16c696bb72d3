"""`helpdesk web user …`: local accounts a lead manages from the command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from adapters.web.auth import SignIn, sign_in
from bots.cli import create_app
from core.storage.db import Database
from core.storage.web_accounts import WebAccounts


async def _invoke(*args: str, stdin: str = "") -> Result:
    return await asyncio.to_thread(CliRunner().invoke, create_app(), list(args), input=stdin)


async def test_accounts_are_added_listed_and_removed(
    tmp_path: Path, small_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'accounts.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_FAQ_DIR", str(small_kb))
    added = await _invoke(
        "web", "user", "add", "lena", "--role", "lead", "--password-stdin", stdin="long enough pw\n"
    )
    assert added.exit_code == 0, added.output
    again = await _invoke(
        "web",
        "user",
        "add",
        "lena",
        "--role",
        "agent",
        "--password-stdin",
        stdin="another pw 123\n",
    )
    assert again.exit_code == 1 and "already an account named lena" in again.output
    short = await _invoke(
        "web", "user", "add", "bob", "--role", "agent", "--password-stdin", stdin="short\n"
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    listed = await _invoke("web", "user", "list")
    assert listed.output.split() == ["lena", "lead"]

    db = Database(url)
    try:
        accounts = WebAccounts(db)
        now = datetime.now(UTC)
        assert (await sign_in(accounts, "lena", "long enough pw", now)).outcome is SignIn.OK
        assert (await sign_in(accounts, "lena", "long enough", now)).outcome is SignIn.WRONG
        stored = await accounts.by_name("lena")
        assert stored is not None and stored.password_hash.startswith("$argon2")
    finally:
        await db.dispose()
    removed = await _invoke("web", "user", "remove", "lena")
    assert removed.exit_code == 0
    assert (await _invoke("web", "user", "list")).output.strip() == ""
