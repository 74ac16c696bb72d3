"""Reads and writes of the desk's records inside one transaction.

One `Repository` per transaction; each part owns one table's statements
(people, linked identities, tickets, the agents' queues, SLA reminders, messages, audit
log, FAQ log, learned phrasings, ratings, held messages) and they share
the transaction and its read-ahead caches (core.storage.records).
"""

from __future__ import annotations

from core.storage.audit_records import AuditRecords
from core.storage.faq_log import FaqLogRecords
from core.storage.held_records import HeldRecords
from core.storage.identity_records import IdentityRecords
from core.storage.learned_records import LearnedRecords
from core.storage.message_records import MessageRecords
from core.storage.people_records import PeopleRecords
from core.storage.queue_records import QueueRecords
from core.storage.rating_records import RatingRecords
from core.storage.reminder_records import ReminderRecords
from core.storage.ticket_records import TicketRecords


class Repository(
    PeopleRecords,
    IdentityRecords,
    TicketRecords,
    QueueRecords,
    ReminderRecords,
    MessageRecords,
    AuditRecords,
    FaqLogRecords,
    LearnedRecords,
    RatingRecords,
    HeldRecords,
):
    """The desk's records, seen through one open transaction."""
