"""pending_lookups: updates acknowledged before the look-up that makes them a command

Revision ID: 0013_pending_lookups
Revises: 0012_conversations
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0013_pending_lookups"
down_revision = "0012_conversations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_lookups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("update_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("person", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", core.storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_lookups")),
    )
    op.create_index(
        "ix_pending_lookups_update", "pending_lookups", ["platform", "update_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_pending_lookups_update", table_name="pending_lookups")
    op.drop_table("pending_lookups")
