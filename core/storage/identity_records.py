"""One person across platforms: linking identities (`people.person_id`), one-time link
codes (`link_codes`, stored hashed) and the wrong codes a person typed (`link_failures`).

A person is the group of `people` rows sharing one canonical id: the id of the identity
that stands for them (its own `person_id` is NULL), which every other identity of the
group names in `person_id`. An identity never linked is a group of one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.sql import ColumnElement

from core.domain import Person
from core.storage.records import Records
from core.storage.rows import person_from_row
from core.storage.tables import link_codes, link_failures, people


def canonical_column() -> ColumnElement[Any]:
    """The canonical person id of a `people` row."""
    return func.coalesce(people.c.person_id, people.c.id)


def identity_ids_of(canonical_id: int) -> Any:
    """A subquery: the ids of every identity of the person `canonical_id`."""
    return select(people.c.id).where(canonical_column() == canonical_id).scalar_subquery()


class IdentityRecords(Records):
    async def identities(self, canonical_id: int) -> list[Person]:
        """Every identity of one person, the canonical one first."""
        rows = await self.conn.execute(
            select(people)
            .where(canonical_column() == canonical_id)
            .order_by(people.c.person_id.is_not(None), people.c.id)
        )
        return [person_from_row(row, self.default_lang) for row in rows.mappings()]

    async def person_by_id(self, identity_id: int) -> Person | None:
        row = (
            (await self.conn.execute(select(people).where(people.c.id == identity_id)))
            .mappings()
            .first()
        )
        return person_from_row(row, self.default_lang) if row else None

    async def people_named(self, name: str) -> list[Person]:
        """Identities whose display name or platform user id is `name` (any case)."""
        wanted = name.strip().lower()
        rows = await self.conn.execute(
            select(people)
            .where(
                (func.lower(people.c.display_name) == wanted)
                | (func.lower(people.c.user_id) == wanted)
            )
            .order_by(people.c.id)
        )
        return [person_from_row(row, self.default_lang) for row in rows.mappings()]

    async def people_matching(self, text: str, limit: int) -> list[Person]:
        """Identities whose display name or platform user id contains `text` (any case),
        oldest first; `%` and `_` in `text` are matched as themselves."""
        wanted = text.strip().lower()
        pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self.conn.execute(
            select(people)
            .where(
                func.lower(people.c.display_name).like(pattern, escape="\\")
                | func.lower(people.c.user_id).like(pattern, escape="\\")
            )
            .order_by(people.c.id)
            .limit(limit)
        )
        return [person_from_row(row, self.default_lang) for row in rows.mappings()]

    async def link_people(self, keep: Person, join: Person, now: datetime) -> None:
        """Make `join`'s whole person part of `keep`'s: one canonical id for both groups."""
        self.forget()
        await self.conn.execute(
            update(people)
            .where(canonical_column() == join.canonical_id)
            .values(person_id=keep.canonical_id, updated_at=now)
        )

    async def unlink_identity(self, identity: Person, now: datetime) -> bool:
        """Take `identity` out of its person; False when it was a person of its own.

        When it was the canonical identity, the oldest of the others stands for the rest.
        """
        self.forget()
        if identity.person_id is not None:
            await self.conn.execute(
                update(people)
                .where(people.c.id == identity.id)
                .values(person_id=None, updated_at=now)
            )
            return True
        rest = (
            await self.conn.execute(
                select(func.min(people.c.id)).where(people.c.person_id == identity.id)
            )
        ).scalar_one_or_none()
        if rest is None:
            return False
        await self.conn.execute(
            update(people)
            .where(people.c.person_id == identity.id)
            .values(person_id=rest, updated_at=now)
        )
        await self.conn.execute(
            update(people).where(people.c.id == rest).values(person_id=None, updated_at=now)
        )
        return True

    async def set_person_language(self, canonical_id: int, lang: str, now: datetime) -> None:
        """The language chosen for every identity of one person."""
        self.forget()
        await self.conn.execute(
            update(people)
            .where(canonical_column() == canonical_id)
            .values(lang=lang, lang_explicit=True, updated_at=now)
        )

    async def chosen_language(self, identity_id: int) -> str | None:
        """The language this identity's person chose explicitly, if they did."""
        row = (
            await self.conn.execute(
                select(people.c.lang, people.c.lang_explicit).where(people.c.id == identity_id)
            )
        ).first()
        return str(row.lang) if row is not None and row.lang_explicit and row.lang else None

    # codes

    async def store_link_code(
        self, identity_id: int, code_hash: str, now: datetime, expires_at: datetime
    ) -> None:
        """A new code for `identity_id`; the codes it was given before stop working (used
        ones are kept until they expire, to be refused as used rather than as wrong)."""
        await self.conn.execute(
            delete(link_codes).where(
                link_codes.c.identity_id == identity_id,
                link_codes.c.used_at.is_(None) | (link_codes.c.expires_at <= now),
            )
        )
        await self.conn.execute(
            insert(link_codes).values(
                code_hash=code_hash,
                identity_id=identity_id,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def link_code(self, code_hash: str) -> tuple[int, datetime, datetime | None] | None:
        """(identity id, expiry, when it was used) of a stored code; None if unknown."""
        row = (
            await self.conn.execute(
                select(
                    link_codes.c.identity_id, link_codes.c.expires_at, link_codes.c.used_at
                ).where(link_codes.c.code_hash == code_hash)
            )
        ).first()
        if row is None:
            return None
        return int(row.identity_id), row.expires_at, row.used_at

    async def use_link_code(self, code_hash: str, now: datetime) -> bool:
        """Take a code once: one conditional UPDATE, so two people racing get one winner."""
        result = await self.conn.execute(
            update(link_codes)
            .where(
                and_(
                    link_codes.c.code_hash == code_hash,
                    link_codes.c.used_at.is_(None),
                    link_codes.c.expires_at > now,
                )
            )
            .values(used_at=now)
        )
        return bool(result.rowcount == 1)

    async def record_link_failure(
        self, canonical_id: int, now: datetime, forget_before: datetime
    ) -> None:
        """Count one wrong code; the person's tries older than `forget_before` no longer count
        and are dropped."""
        await self.conn.execute(
            delete(link_failures).where(
                link_failures.c.person_id == canonical_id, link_failures.c.at <= forget_before
            )
        )
        await self.conn.execute(insert(link_failures).values(person_id=canonical_id, at=now))

    async def link_failures_since(self, canonical_id: int, since: datetime) -> int:
        found = await self.conn.execute(
            select(func.count())
            .select_from(link_failures)
            .where(link_failures.c.person_id == canonical_id, link_failures.c.at > since)
        )
        return int(found.scalar_one())
