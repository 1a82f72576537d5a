"""Writes of the credits app, one module per sub-domain, re-exported here."""

from .anomalies import resolve_anomaly
from .approval import (
    CORRECTABLE_FIELDS,
    ApprovalResult,
    CorrectionResult,
    approve_records,
    correct_credits,
    post_ledger_entries,
    reject_records,
    withdraw_credits,
)
from .grading import TraineeResult, check_project_quota, enter_grades, enter_results
from .policies import (
    create_policy_version,
    publish_policy,
    simulate_credits,
    store_policy,
)
from .registration import (
    declare_records,
    enrol_teachers,
    register_training_record,
    update_training_record,
)

__all__ = [
    "CORRECTABLE_FIELDS",
    "ApprovalResult",
    "CorrectionResult",
    "TraineeResult",
    "approve_records",
    "check_project_quota",
    "correct_credits",
    "create_policy_version",
    "declare_records",
    "enrol_teachers",
    "enter_grades",
    "enter_results",
    "post_ledger_entries",
    "publish_policy",
    "register_training_record",
    "reject_records",
    "resolve_anomaly",
    "simulate_credits",
    "store_policy",
    "update_training_record",
    "withdraw_credits",
]
