"""The team lead's numbers: one history read, every metric computed in one place."""

from core.reporting.definitions import DEFINITIONS
from core.reporting.metrics import Metrics, Window, compute
from core.reporting.policy import ReportPolicy
from core.reporting.report import Report, build_report

__all__ = ["DEFINITIONS", "Metrics", "Report", "ReportPolicy", "Window", "build_report", "compute"]
