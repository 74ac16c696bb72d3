"""One open transaction and what the repository remembers while it lasts.

The repository's parts (people, tickets, messages, audit, FAQ log) share this
state: a write to people or tickets must forget the tickets read ahead.
"""

from __future__ import annotations

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import Actor, Person, PersonRef, Ticket


class Records:
    """The transaction `conn`, the desk's default language and the read-ahead caches."""

    def __init__(self, conn: AsyncConnection, default_lang: str) -> None:
        self.conn = conn
        self.default_lang = default_lang
        # People already upserted in this transaction, with the facts they were
        # upserted from: a batch of queued updates often has one person twice.
        self._people: dict[PersonRef, tuple[Actor, Person]] = {}
        self._prefetched: dict[PersonRef, RowMapping] = {}
        # requester id -> their open and claimed tickets (oldest first), read ahead
        # for a batch; forgotten at any write to tickets or people in this transaction.
        self._active: dict[int, tuple[Ticket, ...]] = {}

    @property
    def is_postgres(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    def forget(self) -> None:
        """Drop what this repository remembers (after a rollback to a savepoint)."""
        self._people.clear()
        self._prefetched.clear()
        self._active.clear()
