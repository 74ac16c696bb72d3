"""Signing in to the web console: argon2 password hashes, a lock-out after repeated
failures, session tokens kept only as hashes, and one CSRF token per session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.storage.web_accounts import WebAccount, WebAccounts, WebSession

MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCK_FOR = timedelta(minutes=15)
SESSION_FOR = timedelta(hours=12)
MIN_PASSWORD = 10
# Compared against when the name is unknown, so both cases cost one argon2 verification.
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("no such account: this hash is never matched")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class SignIn(Enum):
    OK = "ok"
    WRONG = "wrong"  # unknown name or wrong password: the page does not say which
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    token: str | None = None
    account: WebAccount | None = None


def _password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def sign_in(
    accounts: WebAccounts, username: str, password: str, now: datetime
) -> SignInResult:
    account = await accounts.by_name(username.strip())
    if account is None:
        _password_matches(_DUMMY_HASH, password)
        return SignInResult(SignIn.WRONG)
    if account.locked_until is not None and account.locked_until > now:
        return SignInResult(SignIn.LOCKED)
    if not _password_matches(account.password_hash, password):
        locked = await accounts.failed(
            account.id, now, max_failures=MAX_FAILURES, lock_for=LOCK_FOR
        )
        return SignInResult(SignIn.LOCKED if locked else SignIn.WRONG)
    if _hasher.check_needs_rehash(account.password_hash):
        await accounts.set_password(account.username, hash_password(password))
    token = secrets.token_urlsafe(32)
    await accounts.signed_in(
        account.id, token_hash(token), secrets.token_urlsafe(32), now, now + SESSION_FOR
    )
    return SignInResult(SignIn.OK, token, account)


async def session_of(accounts: WebAccounts, token: str | None, now: datetime) -> WebSession | None:
    if not token or len(token) > 200:
        return None
    return await accounts.session(token_hash(token), now)
