"""The desk: the Desk facade, its handler table, and the rules grouped by subject."""

from core.commands import InboundKey
from core.desk.facade import Desk, Outcome, utc_now
from core.desk.ports import FaqPort
from core.desk.scope import CommandScope
from core.desk.sla import SlaPolicy
from core.domain import DEFAULT_CATEGORY, MAX_ID, MAX_TEXT

__all__ = [
    "DEFAULT_CATEGORY",
    "MAX_ID",
    "MAX_TEXT",
    "CommandScope",
    "Desk",
    "FaqPort",
    "InboundKey",
    "Outcome",
    "SlaPolicy",
    "utc_now",
]
