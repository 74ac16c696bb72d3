"""learned phrasings: questions confirmed as meaning an FAQ entry

Revision ID: 0005_learned_phrasings
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0005_learned_phrasings"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_learned",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=128), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("query_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_learned")),
    )
    op.create_index("ix_faq_learned_entry", "faq_learned", ["entry_id", "lang"], unique=False)
    with op.batch_alter_table("faq_queries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chosen_entry_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("faq_queries", schema=None) as batch_op:
        batch_op.drop_column("chosen_entry_id")
    op.drop_index("ix_faq_learned_entry", table_name="faq_learned")
    op.drop_table("faq_learned")
