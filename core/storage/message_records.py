"""The `ticket_messages` table: a ticket's conversation, both sides and internal notes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping

from core.domain import Author, Person, TicketMessage, Visibility
from core.storage.records import Records
from core.storage.rows import person_from_row
from core.storage.tables import people, ticket_messages


class MessageRecords(Records):
    async def add_message(
        self,
        *,
        ticket_number: int,
        author: Person,
        role: Author,
        visibility: Visibility,
        text: str,
        attachments: Sequence[str],
        platform_message_id: str | None,
        now: datetime,
    ) -> int:
        result = await self.conn.execute(
            insert(ticket_messages)
            .values(
                ticket_id=ticket_number,
                author_id=author.id,
                author_role=role.value,
                visibility=visibility.value,
                text=text,
                attachments=json.dumps(list(attachments)),
                platform_message_id=platform_message_id,
                created_at=now,
            )
            .returning(ticket_messages.c.id)
        )
        return int(result.scalar_one())

    async def message_by_platform_id(
        self, author_id: int, platform_message_id: str
    ) -> RowMapping | None:
        found = await self.conn.execute(
            select(ticket_messages).where(
                ticket_messages.c.author_id == author_id,
                ticket_messages.c.platform_message_id == platform_message_id,
            )
        )
        row: RowMapping | None = found.mappings().first()
        return row

    async def edit_message(
        self, message_id: int, text: str, *, visibility: Visibility | None = None
    ) -> None:
        """New text for a message; with `visibility`, it also becomes public or internal."""
        values: dict[str, object] = {"text": text}
        if visibility is not None:
            values["visibility"] = visibility.value
        await self.conn.execute(
            update(ticket_messages).where(ticket_messages.c.id == message_id).values(**values)
        )

    async def mark_deleted(self, message_id: int, now: datetime) -> None:
        """The author deleted the message: it stays in the conversation as deleted, textless."""
        await self.conn.execute(
            update(ticket_messages)
            .where(ticket_messages.c.id == message_id)
            .values(text="", deleted_at=now)
        )

    async def messages(self, ticket_number: int) -> list[TicketMessage]:
        query = (
            select(ticket_messages, *[column.label("p_" + column.name) for column in people.c])
            .join(people, people.c.id == ticket_messages.c.author_id)
            .where(ticket_messages.c.ticket_id == ticket_number)
            .order_by(ticket_messages.c.id)
        )
        rows = (await self.conn.execute(query)).mappings().all()
        return [
            TicketMessage(
                id=row["id"],
                ticket_number=row["ticket_id"],
                author=person_from_row(row, self.default_lang, "p_"),
                author_role=Author(row["author_role"]),
                visibility=Visibility(row["visibility"]),
                text=row["text"],
                created_at=row["created_at"],
                attachments=tuple(json.loads(row["attachments"] or "[]")),
                deleted=row["deleted_at"] is not None,
            )
            for row in rows
        ]

    async def count_messages(self, ticket_number: int, role: Author) -> int:
        """How many public messages one side has written on the ticket."""
        counted = await self.conn.scalar(
            select(func.count())
            .select_from(ticket_messages)
            .where(
                ticket_messages.c.ticket_id == ticket_number,
                ticket_messages.c.author_role == role.value,
                ticket_messages.c.visibility == Visibility.PUBLIC.value,
            )
        )
        return int(counted or 0)
