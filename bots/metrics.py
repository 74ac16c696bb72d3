"""Prometheus text exposition for GET /metrics (no client library needed).

Cluster state (outbox depth and age, rows by status, inbound updates, FAQ
decisions) is read from the database, so every worker reports the same
numbers; delivery counters are this process's own (label `worker`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.delivery import Dispatcher
from core.desk import utc_now
from core.inbox import Inbox
from core.outbox_admin import snapshot
from core.storage.db import Database

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{key}="{_escape(value)}"' for key, value in labels.items())
    return "{" + inner + "}"


class _Exposition:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(
        self,
        name: str,
        kind: str,
        help_text: str,
        samples: Iterable[tuple[Mapping[str, str], float]],
    ) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            self.lines.append(f"{name}{_labels(labels)} {value:g}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


async def render_metrics(db: Database, dispatcher: Dispatcher, inbox: Inbox) -> str:
    out = _Exposition()
    database_up = await db.ping()
    out.family(
        "helpdesk_database_up", "gauge", "1 when the database answers.", [({}, float(database_up))]
    )
    if database_up:
        state = await snapshot(db, utc_now())
        out.family(
            "helpdesk_updates_total",
            "counter",
            "Inbound updates recorded (deduplicated), all workers.",
            [({"platform": p}, n) for p, n in sorted(state.inbound.items())],
        )
        out.family(
            "helpdesk_inbox_depth",
            "gauge",
            "Updates acknowledged but not applied yet (pending), or parked (failed).",
            [({"status": s}, n) for s, n in sorted({"pending": 0, **state.inbox}.items())],
        )
        out.family(
            "helpdesk_inbox_oldest_pending_seconds",
            "gauge",
            "Age of the oldest update waiting for the desk.",
            [({}, state.inbox_oldest_seconds)],
        )
        out.family(
            "helpdesk_faq_decisions_total",
            "counter",
            "FAQ decisions taken: answer, suggest or none.",
            [({"decision": d}, n) for d, n in sorted(state.faq_decisions.items())],
        )
        out.family(
            "helpdesk_outbox_rows",
            "gauge",
            "Outbox rows by platform and status (pending, sent, dead).",
            [({"platform": p, "status": s}, n) for (p, s), n in sorted(state.by_status.items())],
        )
        pending = {p: n for (p, s), n in state.by_status.items() if s == "pending"}
        out.family(
            "helpdesk_outbox_depth",
            "gauge",
            "Messages waiting to be delivered.",
            [({"platform": p}, n) for p, n in sorted(pending.items())],
        )
        out.family(
            "helpdesk_outbox_oldest_pending_seconds",
            "gauge",
            "Age of the oldest undelivered message.",
            [({"platform": p}, age) for p, age in sorted(state.oldest_pending_seconds.items())],
        )
    worker = dispatcher.worker_id
    stats = dispatcher.stats
    out.family(
        "helpdesk_messages_sent_total",
        "counter",
        "Messages the platform accepted, sent by this worker.",
        [({"platform": p, "worker": worker}, n) for p, n in sorted(stats.sent.items())],
    )
    out.family(
        "helpdesk_delivery_retries_total",
        "counter",
        "Failed sends scheduled again (cause: rate_limited, timeout, error).",
        [
            ({"platform": p, "cause": cause, "worker": worker}, n)
            for (p, cause), n in sorted(stats.retried.items())
        ],
    )
    out.family(
        "helpdesk_delivery_failures_total",
        "counter",
        "Messages dead-lettered by this worker (permanent error or retries exhausted).",
        [({"platform": p, "worker": worker}, n) for p, n in sorted(stats.dead.items())],
    )
    out.family(
        "helpdesk_sends_unknown_total",
        "counter",
        "Sends whose answer was lost, by what became of them "
        "(found, missing, resent, assumed_sent).",
        [
            ({"platform": p, "resolution": resolution, "worker": worker}, n)
            for (p, resolution), n in sorted(stats.unknown.items())
        ],
    )
    out.family(
        "helpdesk_delivery_deferred_total",
        "counter",
        "Sends held back by our own rate limits (not failures).",
        [({"platform": p, "worker": worker}, n) for p, n in sorted(stats.deferred.items())],
    )
    out.family(
        "helpdesk_updates_applied_total",
        "counter",
        "Queued updates this worker applied.",
        [({"worker": worker}, float(inbox.applied))],
    )
    last = dispatcher.last_cycle_at
    out.family(
        "helpdesk_dispatcher_last_cycle_age_seconds",
        "gauge",
        "Seconds since this worker's dispatcher last looked at the outbox.",
        [({"worker": worker}, (utc_now() - last).total_seconds() if last else -1.0)],
    )
    return out.text()
