"""workers: dispatcher heartbeats, so a dead worker's outbox leases are taken over

Revision ID: 0006_workers
Revises: 0005_learned_phrasings
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0006_workers"
down_revision = "0005_learned_phrasings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("worker_id", sa.String(length=128), nullable=False),
        sa.Column("heartbeat_at", core.storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", core.storage.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_workers")),
    )


def downgrade() -> None:
    op.drop_table("workers")
