"""held_messages: a requester's message waiting for them to say which ticket it is for

Revision ID: 0012_conversations
Revises: 0011_service_desk
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0012_conversations"
down_revision = "0011_service_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("platform_message_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", core.storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("placed_at", core.storage.tables.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_held_messages_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_messages")),
    )
    op.create_index("ix_held_messages_person", "held_messages", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_held_messages_person", table_name="held_messages")
    op.drop_table("held_messages")
