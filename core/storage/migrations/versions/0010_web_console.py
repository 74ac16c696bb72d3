"""ticket_ratings (every rating kept across reopenings), web console accounts and sessions

Revision ID: 0010_web_console
Revises: 0009_people
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.storage.tables

revision = "0010_web_console"
down_revision = "0009_people"
branch_labels = None
depends_on = None

UTC_DATETIME = core.storage.tables.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ticket_ratings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        sa.Column("rated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_ratings_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_ticket_ratings_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_ratings")),
    )
    op.create_index("ix_ticket_ratings_rated", "ticket_ratings", ["rated_at"])
    op.create_index("ix_ticket_ratings_ticket", "ticket_ratings", ["ticket_id"])
    # Ratings given before this table existed: the one each ticket still shows.
    op.execute(
        "INSERT INTO ticket_ratings (ticket_id, person_id, score, resolved_at, rated_at) "
        "SELECT id, requester_id, rating, resolved_at, updated_at FROM tickets "
        "WHERE rating IS NOT NULL"
    )
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
    )
    op.create_index("ix_web_users_username", "web_users", ["username"], unique=True)
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["web_users.id"], name=op.f("fk_web_sessions_user_id_web_users")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_index("ix_web_users_username", table_name="web_users")
    op.drop_table("web_users")
    op.drop_index("ix_ticket_ratings_ticket", table_name="ticket_ratings")
    op.drop_index("ix_ticket_ratings_rated", table_name="ticket_ratings")
    op.drop_table("ticket_ratings")
