"""tickets.sla_paused_at_first_response: the pause as it was when the first answer came

Revision ID: 0014_first_response_pause
Revises: 0013_pending_lookups
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_first_response_pause"
down_revision = "0013_pending_lookups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tickets answered before this column read their first response with every pause,
    # as they did; only answers from now on hold the pause of their moment.
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("sla_paused_at_first_response", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("sla_paused_at_first_response")
