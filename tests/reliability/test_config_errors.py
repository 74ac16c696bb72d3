"""Bad settings stop the CLI in one line per key, exit 1, and never print a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_console import helpdesk

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_x"
PASSWORD = "s3cret-pw"


def test_a_bad_setting_names_its_key_but_not_its_value(tmp_path: Path) -> None:
    run = helpdesk(
        ["db", "upgrade"],
        tmp_path,
        TELEGRAM_AGENTS_CHAT_ID=TOKEN,
        HELPDESK_HTTP_PORT=TOKEN,
    )
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 2, run.stderr
    assert any("TELEGRAM_AGENTS_CHAT_ID" in line for line in lines)
    assert any("HELPDESK_HTTP_PORT" in line for line in lines)
    assert TOKEN not in run.stderr + run.stdout and "AAHdq" not in run.stderr


@pytest.mark.parametrize(
    "url",
    [
        f"nonsense:{PASSWORD}",
        f"postgresql+asyncpg://u:{PASSWORD}@127.0.0.1:abc/db",
        f"postgresql+asyncpg://u:{PASSWORD}@127.0.0.1:99999/db",
        f"nosuch+driver://u:{PASSWORD}@127.0.0.1/db",
        f"postgresql+psycopg://u:{PASSWORD}@127.0.0.1/db",
        f"postgresql+asyncpg://u:{PASSWORD}@127.0.0.1:1/db",
    ],
    ids=["unparseable", "port-abc", "port-too-big", "unknown-driver", "missing-module", "refused"],
)
def test_every_bad_database_url_is_one_line_without_the_password(tmp_path: Path, url: str) -> None:
    run = helpdesk(["db", "upgrade"], tmp_path, HELPDESK_DATABASE_URL=url)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "HELPDESK_DATABASE_URL" in lines[0], run.stderr
    assert PASSWORD not in run.stderr + run.stdout


def test_a_database_upgraded_by_a_newer_version_is_one_line(tmp_path: Path) -> None:
    """An older desk started on a database a newer one migrated: told so, nothing changed."""
    import sqlite3

    path = tmp_path / "newer.db"
    url = f"sqlite+aiosqlite:///{path}"
    assert helpdesk(["db", "upgrade"], tmp_path, HELPDESK_DATABASE_URL=url).returncode == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    run = helpdesk(["db", "upgrade"], tmp_path, HELPDESK_DATABASE_URL=url)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "newer" in lines[0] and "0099_from_the_future" in lines[0], (
        run.stderr
    )
    with sqlite3.connect(path) as conn:
        [(version,)] = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    assert version == "0099_from_the_future"
