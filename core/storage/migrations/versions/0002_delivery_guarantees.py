"""delivery guarantees: outbox lease owner, dead-letter time, shared rate limits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leased_by", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("dead_at", core.storage.tables.UtcDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=256), nullable=False),
        sa.Column("tat", sa.Float(precision=53), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )


def downgrade() -> None:
    op.drop_table("rate_limits")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("dead_at")
        batch_op.drop_column("leased_by")
