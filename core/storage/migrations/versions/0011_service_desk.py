"""service desk: kinds, impact, urgency, teams, P1-P4 priorities and SLA clocks

Revision ID: 0011_service_desk
Revises: 0010_web_console
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0011_service_desk"
down_revision = "0010_web_console"
branch_labels = None
depends_on = None

# The priority words tickets stored before P1-P4, and what they became.
_PRIORITIES = {"urgent": "P1", "high": "P2", "normal": "P3", "low": "P4"}
_TIMES = (
    "sla_paused_since",
    "first_response_warned_at",
    "first_response_breached_at",
    "resolution_warned_at",
    "resolution_breached_at",
)


def _tickets() -> sa.TableClause:
    return sa.table(
        "tickets",
        sa.column("priority", sa.String),
        sa.column("state", sa.String),
        sa.column("resolved_at", core.storage.tables.UtcDateTime(timezone=True)),
        sa.column("updated_at", core.storage.tables.UtcDateTime(timezone=True)),
        sa.column("sla_paused_since", core.storage.tables.UtcDateTime(timezone=True)),
    )


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("impact", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("urgency", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("team", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("sla_policy", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("sla_paused_seconds", sa.Integer(), nullable=False, server_default="0")
        )
        for name in _TIMES:
            batch_op.add_column(
                sa.Column(name, core.storage.tables.UtcDateTime(timezone=True), nullable=True)
            )
    tickets = _tickets()
    for word, priority in _PRIORITIES.items():
        op.execute(tickets.update().where(tickets.c.priority == word).values(priority=priority))
    # Closed tickets' clocks stand still from when they were closed.
    op.execute(
        tickets.update()
        .where(tickets.c.state == "resolved")
        .values(sla_paused_since=sa.func.coalesce(tickets.c.resolved_at, tickets.c.updated_at))
    )
    op.execute(
        tickets.update()
        .where(tickets.c.state == "cancelled")
        .values(sla_paused_since=tickets.c.updated_at)
    )


def downgrade() -> None:
    tickets = _tickets()
    op.execute(tickets.update().where(tickets.c.state == "waiting").values(state="claimed"))
    for word, priority in _PRIORITIES.items():
        op.execute(tickets.update().where(tickets.c.priority == priority).values(priority=word))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in (*_TIMES, "sla_paused_seconds", "sla_policy", "team", "urgency", "impact"):
            batch_op.drop_column(name)
        batch_op.drop_column("kind")
