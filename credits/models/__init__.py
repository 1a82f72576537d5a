"""Models of the credits app: policies and the credit ledger."""

from .audit import AnomalyKind, AuditAnomaly, AuditRun, StaleProgress
from .ledger import CreditLedgerEntry, EntryType
from .policies import Policy, PolicyBonusRate, PolicyRequirement
from .progress import (
    CountySummary,
    CycleProgress,
    ProgressStatus,
    ProgressSummary,
    SchoolYearProgress,
    row_amounts,
)

__all__ = [
    "AnomalyKind",
    "AuditAnomaly",
    "AuditRun",
    "CountySummary",
    "CreditLedgerEntry",
    "CycleProgress",
    "EntryType",
    "Policy",
    "PolicyBonusRate",
    "PolicyRequirement",
    "ProgressStatus",
    "ProgressSummary",
    "SchoolYearProgress",
    "StaleProgress",
    "row_amounts",
]
