"""people: one person across platforms (linked identities), one-time link codes

Revision ID: 0009_people
Revises: 0008_slack_fidelity
Create Date: 2026-12-06

Existing people rows keep loading: `person_id` is NULL for each of them, which
reads "this identity is a person of its own".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0009_people"
down_revision = "0008_slack_fidelity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_people_person", ["person_id"], unique=False)
    op.create_table(
        "link_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", core.storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", core.storage.tables.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["identity_id"], ["people.id"], name=op.f("fk_link_codes_identity_id_people")
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_link_codes")),
    )
    op.create_index("ix_link_codes_identity", "link_codes", ["identity_id"], unique=False)
    op.create_table(
        "link_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", core.storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_failures")),
    )
    op.create_index("ix_link_failures_person", "link_failures", ["person_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_link_failures_person", table_name="link_failures")
    op.drop_table("link_failures")
    op.drop_index("ix_link_codes_identity", table_name="link_codes")
    op.drop_table("link_codes")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_person")
        batch_op.drop_column("person_id")
