"""The web console's accounts and sessions (`web_users`, `web_sessions`).

Only hashes are stored: the password's (made by the caller) and the session token's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update

from core.storage.db import Database
from core.storage.tables import web_sessions, web_users


@dataclass(frozen=True)
class WebAccount:
    id: int
    username: str
    password_hash: str
    role: str
    failed_attempts: int
    locked_until: datetime | None


@dataclass(frozen=True)
class WebSession:
    account: WebAccount
    csrf_token: str
    expires_at: datetime


def _account(row: object) -> WebAccount:
    r = row._mapping  # type: ignore[attr-defined]
    return WebAccount(
        id=int(r["id"]),
        username=str(r["username"]),
        password_hash=str(r["password_hash"]),
        role=str(r["role"]),
        failed_attempts=int(r["failed_attempts"]),
        locked_until=r["locked_until"],
    )


class WebAccounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, username: str, password_hash: str, role: str, now: datetime) -> bool:
        """False when the name is taken."""
        async with self.db.transaction() as conn:
            taken = await conn.execute(
                select(web_users.c.id).where(web_users.c.username == username)
            )
            if taken.first() is not None:
                return False
            await conn.execute(
                insert(web_users).values(
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    failed_attempts=0,
                    locked_until=None,
                    created_at=now,
                )
            )
        return True

    async def set_password(self, username: str, password_hash: str) -> bool:
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(web_users)
                .where(web_users.c.username == username)
                .values(password_hash=password_hash, failed_attempts=0, locked_until=None)
            )
        return bool(result.rowcount)

    async def remove(self, username: str) -> bool:
        async with self.db.transaction() as conn:
            found = (
                await conn.execute(select(web_users.c.id).where(web_users.c.username == username))
            ).first()
            if found is None:
                return False
            await conn.execute(delete(web_sessions).where(web_sessions.c.user_id == found.id))
            await conn.execute(delete(web_users).where(web_users.c.id == found.id))
        return True

    async def all(self) -> list[WebAccount]:
        async with self.db.transaction() as conn:
            rows = await conn.execute(select(web_users).order_by(web_users.c.username))
            return [_account(row) for row in rows]

    async def by_name(self, username: str) -> WebAccount | None:
        async with self.db.transaction() as conn:
            row = (
                await conn.execute(select(web_users).where(web_users.c.username == username))
            ).first()
        return _account(row) if row is not None else None

    async def failed(
        self, account_id: int, now: datetime, *, max_failures: int, lock_for: timedelta
    ) -> bool:
        """Count a wrong password; the `max_failures`-th in a row locks the account for
        `lock_for` (True). The increment is one UPDATE: concurrent failures all count."""
        async with self.db.transaction() as conn:
            await conn.execute(
                update(web_users)
                .where(web_users.c.id == account_id)
                .values(failed_attempts=web_users.c.failed_attempts + 1)
            )
            locked = await conn.execute(
                update(web_users)
                .where(web_users.c.id == account_id, web_users.c.failed_attempts >= max_failures)
                .values(failed_attempts=0, locked_until=now + lock_for)
            )
        return bool(locked.rowcount)

    async def signed_in(
        self, account_id: int, token_hash: str, csrf: str, now: datetime, expires: datetime
    ) -> None:
        """Failures forgotten, expired sessions dropped, the new session stored."""
        async with self.db.transaction() as conn:
            await conn.execute(
                update(web_users)
                .where(web_users.c.id == account_id)
                .values(failed_attempts=0, locked_until=None)
            )
            await conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
            await conn.execute(
                insert(web_sessions).values(
                    token_hash=token_hash,
                    user_id=account_id,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=expires,
                )
            )

    async def session(self, token_hash: str, now: datetime) -> WebSession | None:
        async with self.db.transaction() as conn:
            row = (
                await conn.execute(
                    select(web_users, web_sessions.c.csrf_token, web_sessions.c.expires_at)
                    .join(web_sessions, web_sessions.c.user_id == web_users.c.id)
                    .where(web_sessions.c.token_hash == token_hash, web_sessions.c.expires_at > now)
                )
            ).first()
        if row is None:
            return None
        return WebSession(_account(row), str(row.csrf_token), row.expires_at)

    async def sign_out(self, token_hash: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == token_hash))
