"""ticket messages deleted by their author stay in the record, marked deleted

Revision ID: 0008_slack_fidelity
Revises: 0007_telegram_fidelity
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0008_slack_fidelity"
down_revision = "0007_telegram_fidelity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket_messages") as batch:
        batch.add_column(
            sa.Column("deleted_at", core.storage.tables.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_messages") as batch:
        batch.drop_column("deleted_at")
