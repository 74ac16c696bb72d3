"""The `people` table: who wrote, refreshed from what the platform says about them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import String, bindparam, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import Select

from core.domain import Actor, Person, PersonRef
from core.storage.dialect import insert_for
from core.storage.params import one_of
from core.storage.records import Records
from core.storage.rows import person_from_row
from core.storage.tables import people


@cache
def _person_select() -> Select[Any]:
    """One person by platform id; built once, so its cache key is computed once."""
    return select(people).where(
        people.c.platform == bindparam("platform"), people.c.user_id == bindparam("user_id")
    )


@cache
def _people_select(postgres: bool) -> Select[Any]:
    """People by user id (any platform: the caller keeps the ones it asked for)."""
    return select(people).where(
        one_of(people.c.user_id, "user_ids", postgres=postgres, item_type=String)
    )


class PeopleRecords(Records):
    async def prefetch_people(self, refs: Iterable[PersonRef]) -> None:
        """Read many people in one query ahead of `upsert_person` (a batch of updates)."""
        wanted = {ref for ref in refs if ref not in self._people}
        if len(wanted) < 2:
            return
        rows = await self.conn.execute(
            _people_select(self.is_postgres),
            {"user_ids": sorted({ref.user_id for ref in wanted})},
        )
        for row in rows.mappings():
            ref = PersonRef(row["platform"], row["user_id"])
            if ref in wanted:
                self._prefetched[ref] = row

    async def upsert_person(self, actor: Actor, now: datetime) -> Person:
        """Create or refresh a person from what the platform says about them now."""
        known = self._people.get(actor.ref)
        if known is not None and known[0] == actor:
            return known[1]
        person = await self._upsert_person(actor, now)
        self._people[actor.ref] = (actor, person)
        return person

    async def _upsert_person(self, actor: Actor, now: datetime) -> Person:
        row = self._prefetched.pop(actor.ref, None) or await self._person_row(actor.ref)
        if row is None:
            await self.conn.execute(
                insert_for(self.conn, people)
                .values(
                    platform=actor.platform,
                    user_id=actor.user_id,
                    display_name=actor.display_name or actor.user_id,
                    lang=actor.locale,
                    lang_explicit=False,
                    is_agent=actor.is_agent,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing()  # created concurrently by their other update
            )
            row = await self._person_row(actor.ref)
            assert row is not None
            return person_from_row(row, self.default_lang)
        changes: dict[str, Any] = {}
        if actor.display_name and actor.display_name != row["display_name"]:
            changes["display_name"] = actor.display_name
        if actor.locale and not row["lang_explicit"] and not row["lang"]:
            # The platform's hint only until the person has a language: a question
            # asked in another one (core.desk.questions) is not undone by the next update.
            changes["lang"] = actor.locale
        if actor.is_agent != bool(row["is_agent"]):
            changes["is_agent"] = actor.is_agent
        if changes:
            self._active.clear()
            changes["updated_at"] = now
            await self.conn.execute(
                update(people).where(people.c.id == row["id"]).values(**changes)
            )
        return person_from_row({**row, **changes}, self.default_lang)

    async def _person_row(self, ref: PersonRef) -> RowMapping | None:
        found = await self.conn.execute(
            _person_select(), {"platform": ref.platform, "user_id": ref.user_id}
        )
        row: RowMapping | None = found.mappings().first()
        return row

    async def person_by_ref(self, ref: PersonRef) -> Person | None:
        row = await self._person_row(ref)
        return person_from_row(row, self.default_lang) if row else None

    async def set_language(self, person_id: int, lang: str, now: datetime) -> None:
        """The language chosen by a person: it holds on every platform they linked."""
        self.forget()
        me = people.alias("me")  # an alias: the subquery must not correlate with the UPDATE
        of_person = (
            select(func.coalesce(me.c.person_id, me.c.id)).where(me.c.id == person_id)
        ).scalar_subquery()
        await self.conn.execute(
            update(people)
            .where(func.coalesce(people.c.person_id, people.c.id) == of_person)
            .values(lang=lang, lang_explicit=True, updated_at=now)
        )

    async def follow_language(self, person_id: int, lang: str, now: datetime) -> bool:
        """The language of a person who never chose one follows what they write in;
        False (nothing changed) for one who chose."""
        self.forget()
        changed = await self.conn.execute(
            update(people)
            .where(people.c.id == person_id, people.c.lang_explicit.is_(False))
            .values(lang=lang, updated_at=now)
        )
        return bool(changed.rowcount)
