"""telegram_fidelity: files kept with a question, so the ticket it becomes carries them

Revision ID: 0007_telegram_fidelity
Revises: 0006_workers
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_telegram_fidelity"
down_revision = "0006_workers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Questions asked before this revision had no files: "[]" (no attachments).
    with op.batch_alter_table("faq_queries") as batch:
        batch.add_column(sa.Column("attachments", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("faq_queries") as batch:
        batch.drop_column("attachments")
