"""The credit rule engine of 学分通: pure Python, Decimal arithmetic, no Django, no clock.

Every rule cites its source (``# 004 五(二)1 …``); every policy figure lives in a
`PolicySpec`, and the five shipped policies are data in `presets`.
"""

from .bonus import bonus_credits, bonus_rate
from .conversion import base_credits, effective_hours, hours_from_days, round_credits
from .errors import ERROR_CODES, WARNING_CODES, RuleError
from .presets import PRESET_CODES, PRESETS, get_preset
from .progress import (
    aggregate,
    apply_offsets,
    cycle_minimums,
    deadline_rows,
    evaluate,
    is_new_teacher,
    owed_school_years,
    progress_from_sums,
)
from .quotas import check_grade_quota
from .records import credit_record
from .schoolyear import cycle_school_years, school_year_bounds, school_year_of
from .serialization import shown, spec_from_dict, spec_to_dict
from .simulator import simulate, simulate_preset
from .statement import LineRole, StatementLine, offset_sources, statement_lines
from .status import progress_status
from .types import (
    Category,
    CreditResult,
    CycleProgress,
    Grade,
    GradeQuota,
    Mode,
    NewTeacherRule,
    OffsetRule,
    PolicySpec,
    Progress,
    Proration,
    RecordFacts,
    RecordKind,
    RequirementRow,
    Role,
    RuleWarning,
    Scope,
    ShareCheck,
    TeacherGroup,
    TeacherProfile,
    Tier,
    Unit,
    YearProgress,
    YearWindow,
    ZeroReason,
)

__all__ = [
    "ERROR_CODES",
    "PRESETS",
    "PRESET_CODES",
    "WARNING_CODES",
    "Category",
    "CreditResult",
    "CycleProgress",
    "Grade",
    "GradeQuota",
    "LineRole",
    "Mode",
    "NewTeacherRule",
    "OffsetRule",
    "PolicySpec",
    "Progress",
    "Proration",
    "RecordFacts",
    "RecordKind",
    "RequirementRow",
    "Role",
    "RuleError",
    "RuleWarning",
    "Scope",
    "ShareCheck",
    "StatementLine",
    "TeacherGroup",
    "TeacherProfile",
    "Tier",
    "Unit",
    "YearProgress",
    "YearWindow",
    "ZeroReason",
    "aggregate",
    "apply_offsets",
    "base_credits",
    "bonus_credits",
    "bonus_rate",
    "check_grade_quota",
    "credit_record",
    "cycle_minimums",
    "cycle_school_years",
    "deadline_rows",
    "effective_hours",
    "evaluate",
    "get_preset",
    "hours_from_days",
    "is_new_teacher",
    "offset_sources",
    "owed_school_years",
    "progress_from_sums",
    "progress_status",
    "round_credits",
    "school_year_bounds",
    "school_year_of",
    "shown",
    "simulate",
    "simulate_preset",
    "spec_from_dict",
    "spec_to_dict",
    "statement_lines",
]
