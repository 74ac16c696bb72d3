"""The database schema, shared by SQLite and PostgreSQL (and by the migrations' tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("display_name", String(256), nullable=False),
    Column("lang", String(8), nullable=True),
    Column("lang_explicit", Boolean, nullable=False, default=False),
    Column("is_agent", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # One person across platforms: the id of the identity that stands for the whole
    # person (their first one); NULL when this identity is a person of its own.
    Column("person_id", Integer, nullable=True),
    Index("ix_people_platform_user", "platform", "user_id", unique=True),
    Index("ix_people_person", "person_id"),
)

# One-time codes that link a person's identities: `/link` on one platform stores the
# code's hash here, `/link CODE` on another takes it once, before it expires.
link_codes = Table(
    "link_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("identity_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    Index("ix_link_codes_identity", "identity_id"),
)

# Wrong codes typed, per person: guessing is refused after a few within a window.
link_failures = Table(
    "link_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_link_failures_person", "person_id", "at"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("requester_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("assignee_id", Integer, ForeignKey("people.id"), nullable=True),
    Column("subject", String(256), nullable=False),
    Column("text", Text, nullable=False),
    Column("category", String(64), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("rating", Integer, nullable=True),
    Column("source_link", Text, nullable=True),
    Column("from_query_id", Integer, nullable=True),
    Column("delivery_problem", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("claimed_at", UtcDateTime, nullable=True),
    Column("first_response_at", UtcDateTime, nullable=True),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("reminded_at", UtcDateTime, nullable=True),  # last SLA reminder to the agents
    # The service desk: what the ticket is, who handles it, and its SLA clocks.
    Column("kind", String(16), nullable=True),  # incident | request | question
    Column("impact", String(8), nullable=True),  # high | medium | low
    Column("urgency", String(8), nullable=True),
    Column("team", String(64), nullable=True),  # None: the default team
    Column("sla_policy", String(64), nullable=True),
    Column("sla_paused_since", UtcDateTime, nullable=True),  # waiting, resolved or cancelled
    Column("sla_paused_seconds", Integer, nullable=False, default=0),  # business time paused
    # The pause as it was at the first response: later pauses do not move that target.
    Column("sla_paused_at_first_response", Integer, nullable=True),
    # Once per ticket and target, whichever worker sees it first (conditional updates).
    Column("first_response_warned_at", UtcDateTime, nullable=True),
    Column("first_response_breached_at", UtcDateTime, nullable=True),
    Column("resolution_warned_at", UtcDateTime, nullable=True),
    Column("resolution_breached_at", UtcDateTime, nullable=True),
    Index("ix_tickets_state", "state"),
    Index("ix_tickets_requester", "requester_id"),
    Index("ix_tickets_assignee", "assignee_id"),
)

ticket_messages = Table(
    "ticket_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("author_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("author_role", String(16), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("attachments", Text, nullable=False, default="[]"),
    Column("platform_message_id", String(128), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    # set when the author deleted the message: the row stays, its text is emptied
    Column("deleted_at", UtcDateTime, nullable=True),
    Index("ix_ticket_messages_ticket", "ticket_id"),
)

# A requester's message held while they say which of their open tickets it is for
# (or that it is a new question); placed or not, it is never lost.
held_messages = Table(
    "held_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("attachments", Text, nullable=False, default="[]"),
    Column("platform_message_id", String(128), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("placed_at", UtcDateTime, nullable=True),
    Index("ix_held_messages_person", "person_id"),
)

inbound_updates = Table(
    "inbound_updates",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("update_id", String(128), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
)

# Updates acknowledged to the platform but not yet applied by the desk: a
# durable queue, so a platform's ack never waits for the FAQ, the tickets or
# the outbox. A row leaves the queue in the transaction that applies it.
inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("update_id", String(128), nullable=False),
    Column("actor_key", String(200), nullable=False),  # one person's updates apply in order
    Column("command", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_inbox_status_id", "status", "id"),
    Index("ix_inbox_actor", "actor_key", "id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("target_key", String(256), nullable=False),
    Column("event", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending | sent | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("leased_by", String(128), nullable=True),  # worker that holds the lease
    Column("dead_at", UtcDateTime, nullable=True),
    Index("ix_outbox_status_due", "status", "next_attempt_at"),
    Index("ix_outbox_target", "target_key", "id"),
)

# One row per running dispatcher: its heartbeat tells the others it is alive,
# so the outbox rows it leased are left to it (core/heartbeat.py).
workers = Table(
    "workers",
    metadata,
    Column("worker_id", String(128), primary_key=True),
    Column("heartbeat_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=True),
    Column("actor_id", Integer, ForeignKey("people.id"), nullable=True),
    Column("action", String(64), nullable=False),
    Column("detail", Text, nullable=False, default="{}"),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_audit_log_ticket", "ticket_id"),
)

faq_queries = Table(
    "faq_queries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("platform", String(32), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("decision", String(16), nullable=False),
    Column("results", Text, nullable=False, default="[]"),
    Column("top_entry_id", String(128), nullable=True),
    Column("top_score", Float, nullable=True),
    Column("outcome", String(16), nullable=True),  # helped | human | ticket | chose
    Column("ticket_id", Integer, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    # The "did you mean" entry the person chose: what a later "That helped" confirms.
    Column("chosen_entry_id", String(128), nullable=True),
    # Files sent with (or instead of) the question: a ticket made from it carries them.
    Column("attachments", Text, nullable=False, default="[]", server_default="[]"),
    Index("ix_faq_queries_created", "created_at"),
)

# Questions people asked in their own words, confirmed as meaning an FAQ entry (an agent
# resolved the ticket with it, or "That helped" after a chosen suggestion). The matcher
# indexes them as extra questions of their entry.
faq_learned = Table(
    "faq_learned",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", String(128), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String(16), nullable=False),  # resolved | helped
    Column("ticket_id", Integer, nullable=True),
    Column("query_id", Integer, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_faq_learned_entry", "entry_id", "lang"),
)

# Every satisfaction rating ever given: a ticket rated again, or reopened and rated after
# its next resolution, keeps the earlier ones (the report counts the latest of each
# resolution, identified by the ticket's `resolved_at` when it was rated).
ticket_ratings = Table(
    "ticket_ratings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("person_id", Integer, ForeignKey("people.id"), nullable=True),
    Column("score", Integer, nullable=False),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("rated_at", UtcDateTime, nullable=False),
    Index("ix_ticket_ratings_rated", "rated_at"),
    Index("ix_ticket_ratings_ticket", "ticket_id"),
)

# Local accounts of the web console (agents and leads) and their sessions. Passwords are
# argon2 hashes; a session is known by the SHA-256 of its cookie's token, never the token.
web_users = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("role", String(16), nullable=False),  # agent | lead
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_web_users_username", "username", unique=True),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("web_users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

# Updates acknowledged to a platform that still wait on a look-up of the platform's own
# (a message's text and link, a person nobody has seen yet) before they become a command:
# recorded before the ack, so a crash between the ack and the look-up loses nothing.
pending_lookups = Table(
    "pending_lookups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("update_id", String(128), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("person", String(128), nullable=False),  # one person's updates keep their order
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_pending_lookups_update", "platform", "update_id", unique=True),
)

platform_refs = Table(
    "platform_refs",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("key", String(256), primary_key=True),
    Column("value", String(512), nullable=False),
    Index("ix_platform_refs_value", "platform", "kind", "value"),
)

# Shared send budgets (GCRA): per key, the theoretical arrival time of the next
# message in epoch seconds. Every worker reserves through this table, so N
# processes together stay under one platform limit.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(256), primary_key=True),
    Column("tat", Float(precision=53), nullable=False),
)
