"""Vocabulary enums and the frozen dataclasses the rule engine reads and returns.

Enum values are the simulator vocabulary (POLICIES §6) and match the Django
`credits/choices.py` values exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from .errors import RuleError

ROUNDING_MODES = frozenset({ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_FLOOR, ROUND_CEILING})


class Tier(StrEnum):
    """Level of the unit that issued a project (004 五(三) 项目级别按发文单位级别确定)."""

    NATIONAL = "national"
    REGION = "region"  # province level: 自治区, 天津市, 上海市, 河南省 (POLICIES §6)
    PREFECTURE = "prefecture"  # 地（州、市）
    COUNTY = "county"  # 县（市、区）, incl. 滨海新区, 峄城区, 松江区
    SCHOOL = "school"


class Mode(StrEnum):
    """How a training is delivered (004 五(二)1 集中培训 / 网络培训 / 校本研修)."""

    CENTRALIZED = "centralized"
    ONLINE = "online"
    SCHOOL_BASED = "school_based"


class Category(StrEnum):
    """Course category a record fills; a record fills only rows listing its category."""

    COMPULSORY_PUBLIC = "compulsory_public"
    COMPULSORY_PROFESSIONAL = "compulsory_professional"
    ELECTIVE = "elective"
    SCHOOL_BASED = "school_based"
    INDUCTION = "induction"
    ETHICS = "ethics"
    FULL_STAFF = "full_staff"
    ONLINE_COURSE = "online_course"
    IT_CAPABILITY = "it_capability"
    CLOUD_CLASSROOM = "cloud_classroom"
    PRINCIPAL_QUALIFICATION = "principal_qualification"
    PRINCIPAL_IMPROVEMENT = "principal_improvement"
    PRINCIPAL_ADVANCED = "principal_advanced"
    MIDDLE_MANAGER = "middle_manager"
    YOUNG_BACKBONE = "young_backbone"
    FAMOUS_TEACHER = "famous_teacher"
    WEAK_SUBJECT = "weak_subject"
    KINDERGARTEN = "kindergarten"
    CLASS_TEACHER = "class_teacher"


class Grade(StrEnum):
    """Assessment grade set by the training institution (004 五(三) 考核等次由承训院校确定)."""

    FAIL = "fail"
    PASS = "pass"  # noqa: S105 -- a grade word, not a password
    GOOD = "good"
    EXCELLENT = "excellent"


class Role(StrEnum):
    """Part a teacher played in a project (004 五(二)2 承担培训者任务 / 主讲教师)."""

    TRAINEE = "trainee"
    LEAD_INSTRUCTOR = "lead_instructor"


class RecordKind(StrEnum):
    """Training attendance, or approved degree study (004 五(二)3 学历提升)."""

    TRAINING = "training"
    DEGREE = "degree"


class TeacherGroup(StrEnum):
    """Group a teacher belongs to; requirement rows may apply only to some groups.

    The first ten are POLICIES §6. Two more carry §7 readings:
    `principal_certified` (§7.11: a Yicheng principal already 持证上岗 is exempt from
    `principal_qualification`) and `development_school` (§7.9: a teacher of a Shanghai
    市教师专业发展校, whom Songjiang's 17%/83% split concerns); `backbone` is a tag schools keep.
    """

    NEW_TEACHER = "new_teacher"
    CLASS_TEACHER = "class_teacher"
    KINDERGARTEN = "kindergarten"
    IT_KEY_TARGET = "it_key_target"
    PRINCIPAL = "principal"
    BACKBONE_PRINCIPAL = "backbone_principal"
    MIDDLE_MANAGER = "middle_manager"
    YOUNG_BACKBONE = "young_backbone"
    FAMOUS_TEACHER = "famous_teacher"
    WEAK_SUBJECT = "weak_subject"
    PRINCIPAL_CERTIFIED = "principal_certified"
    DEVELOPMENT_SCHOOL = "development_school"
    BACKBONE = "backbone"  # 骨干教师 (000 四(二)4, 002 三(二)4); no preset row uses it yet


class Unit(StrEnum):
    """What a policy counts: credits (Xinjiang, Tianjin) or class hours (POLICIES §6)."""

    CREDITS = "credits"
    HOURS = "hours"


class Scope(StrEnum):
    """Whether a requirement row is owed once per cycle or once per school year."""

    CYCLE = "cycle"
    YEAR = "year"


class YearWindow(StrEnum):
    """Which school years a year-scope row applies to."""

    EVERY_YEAR = "every_year"
    FIRST_YEAR = "first_year"  # the school year of hire (POLICIES §7.8 Tianjin ethics)


class Proration(StrEnum):
    """How cycle minimums scale for a teacher hired after the cycle start."""

    NONE = "none"
    PROPORTIONAL = "proportional"  # POLICIES §7.6: owed ÷ cycle total, row by row


class ZeroReason(StrEnum):
    """Why a record earns nothing."""

    FAILED = "failed"  # 004 五(二)1 不合格的，不予登记学分
    NOT_APPROVED = "not_approved"  # 004 六(二) 未经审核的…不予登记
    DEGREE_NOT_OBTAINED = "degree_not_obtained"  # 004 五(二)3 取得…证书者


@dataclass(frozen=True)
class RequirementRow:
    """One minimum a teacher owes, filled by the records of some categories.

    `categories` empty means every category fills the row. `groups` empty means every
    teacher owes it; otherwise only teachers in any of the groups. `exempt_groups`
    removes it again. `counted_until` limits the row to records dated on or before that
    day (Songjiang IT 50 h by end of 2017). `is_prorated` lets the new-teacher rule scale
    the minimum. `minimum` is in the policy's unit.
    """

    key: str
    label: str
    minimum: Decimal
    scope: Scope
    source: str
    categories: frozenset[Category] = frozenset()
    groups: frozenset[TeacherGroup] = frozenset()
    exempt_groups: frozenset[TeacherGroup] = frozenset()
    window: YearWindow = YearWindow.EVERY_YEAR
    counted_until: date | None = None
    is_prorated: bool = False


@dataclass(frozen=True)
class OffsetRule:
    """Surplus of one row above its minimum fills shortfalls of other rows, in order."""

    source_row: str
    target_rows: tuple[str, ...]
    scope: Scope
    source: str


@dataclass(frozen=True)
class NewTeacherRule:
    """Who is a new teacher and how cycle minimums scale for mid-cycle hires.

    `is_hired_in_cycle_new`: hired on/after the cycle start makes a teacher new (the
    group `new_teacher` always does). With `proration` PROPORTIONAL a new teacher owes
    `per_year_row` (a year-scope row key) for each cycle school year left, capped at
    `cap_row` (a cycle-scope row key); every `is_prorated` cycle row scales by
    owed ÷ cap.
    """

    is_hired_in_cycle_new: bool
    proration: Proration
    source: str
    per_year_row: str | None = None
    cap_row: str | None = None


@dataclass(frozen=True)
class GradeQuota:
    """At most `limit_percent` of one project's trainees may hold any of `grades`.

    `min_participants`: the quota holds for projects of at least that many trainees. The
    document says 原则上 (in principle); in a class of five no one could be 优秀 under a strict
    15%, so small classes are left to the institution (our reading, docs/decisions.md).
    """

    grade: Grade
    grades: frozenset[Grade]
    limit_percent: Decimal
    source: str
    min_participants: int = 0


@dataclass(frozen=True)
class ShareCheck:
    """Warn when `categories` are not `expected_percent` of a group member's cycle total."""

    key: str
    groups: frozenset[TeacherGroup]
    categories: frozenset[Category]
    expected_percent: Decimal
    source: str


@dataclass(frozen=True)
class PolicySpec:
    """Every parameter of one versioned regional policy; presets are instances of it.

    Money-free but number-rich: no rule module holds a policy figure, they all live here.
    `grade_bonus[tier][grade]` and `lead_instructor_bonus[tier]` are fractions of base
    (0.05 = 5%). `precision` and `rounding` feed `round_credits`.
    """

    code: str
    version: int
    name: str
    region_name: str
    source: str
    unit: Unit
    cycle_start: date
    cycle_end: date
    year_start_month: int
    year_start_day: int
    precision: Decimal
    rounding: str
    hours_per_credit: Mapping[Mode, Decimal]
    hours_per_day: Decimal
    categories: tuple[Category, ...]
    tier_labels: Mapping[Tier, str]
    rows: tuple[RequirementRow, ...]
    new_teacher: NewTeacherRule
    grade_bonus: Mapping[Tier, Mapping[Grade, Decimal]] = field(default_factory=dict)
    lead_instructor_bonus: Mapping[Tier, Decimal] = field(default_factory=dict)
    is_grade_bonus_for_lead_instructor: bool = False
    is_project_approval_required: bool = True
    degree_category: Category | None = None
    degree_mode: Mode | None = None
    is_degree_bonus: bool = False
    offsets: tuple[OffsetRule, ...] = ()
    grade_quotas: tuple[GradeQuota, ...] = ()
    share_checks: tuple[ShareCheck, ...] = ()

    def __post_init__(self) -> None:
        check_spec(self)

    @property
    def is_tier_required(self) -> bool:
        """Return whether records need a tier: only when some bonus depends on it."""
        return bool(self.grade_bonus or self.lead_instructor_bonus)

    def rows_in(self, scope: Scope) -> tuple[RequirementRow, ...]:
        """Return the requirement rows of one scope, in spec order."""
        return tuple(row for row in self.rows if row.scope is scope)


def _bad(field_name: str, reason: str) -> RuleError:
    return RuleError("bad_policy", field=field_name, reason=reason)


def check_spec(spec: PolicySpec) -> None:
    """Raise `RuleError("bad_policy")` when a spec breaks an invariant the engine needs."""
    if spec.cycle_start > spec.cycle_end:
        raise _bad("cycle_end", "cycle_order")
    try:
        date(2001, spec.year_start_month, spec.year_start_day)  # a non-leap year: no 29 Feb
    except (ValueError, TypeError):
        raise RuleError(
            "bad_date",
            field="year_start",
            value=f"{spec.year_start_month}-{spec.year_start_day}",
        ) from None
    if spec.precision <= 0:
        raise _bad("precision", "not_positive")
    if spec.rounding not in ROUNDING_MODES:
        raise _bad("rounding", "bad_rounding")
    for mode in Mode:
        if mode not in spec.hours_per_credit:
            raise _bad("hours_per_credit", "missing_mode")
        if spec.hours_per_credit[mode] <= 0:
            raise _bad("hours_per_credit", "not_positive")
    if spec.hours_per_day <= 0:
        raise _bad("hours_per_day", "not_positive")
    for tier in Tier:
        if tier not in spec.tier_labels:
            raise _bad("tier_labels", "missing_tier")
    allowed = set(spec.categories)
    if spec.degree_category is not None and spec.degree_category not in allowed:
        raise _bad("degree_category", "not_in_categories")
    seen: set[tuple[Scope, str]] = set()
    for row in spec.rows:
        if (row.scope, row.key) in seen:
            raise _bad(f"rows.{row.key}", "duplicate_row")
        seen.add((row.scope, row.key))
        if not row.categories <= allowed:
            raise _bad(f"rows.{row.key}.categories", "not_in_categories")
        if row.minimum < 0:
            raise _bad(f"rows.{row.key}.minimum", "not_positive")
        if row.scope is Scope.CYCLE and row.window is not YearWindow.EVERY_YEAR:
            raise _bad(f"rows.{row.key}.window", "bad_scope")
    for offset in spec.offsets:
        for key in (offset.source_row, *offset.target_rows):
            if (offset.scope, key) not in seen:
                raise _bad(f"offsets.{key}", "unknown_row")
    rule = spec.new_teacher
    if rule.proration is Proration.PROPORTIONAL:
        if (Scope.YEAR, rule.per_year_row) not in seen:
            raise _bad("new_teacher.per_year_row", "unknown_row")
        if (Scope.CYCLE, rule.cap_row) not in seen:
            raise _bad("new_teacher.cap_row", "unknown_row")
        cap = next(r for r in spec.rows_in(Scope.CYCLE) if r.key == rule.cap_row)
        if cap.minimum <= 0:
            raise _bad("new_teacher.cap_row", "not_positive")
    for quota in spec.grade_quotas:
        if quota.limit_percent < 0:
            raise _bad("grade_quotas.limit_percent", "not_positive")
    for share in spec.share_checks:
        if not share.categories <= allowed:
            raise _bad(f"share_checks.{share.key}.categories", "not_in_categories")


@dataclass(frozen=True)
class TeacherProfile:
    """What the rules need to know about a teacher: hire date and groups."""

    hired_on: date | None = None
    groups: frozenset[TeacherGroup] = frozenset()


@dataclass(frozen=True)
class RecordFacts:
    """One training or degree record, as declared and assessed.

    `tier`, `mode`, `category` and `grade` may be None where the policy does not need
    them (degree records take the policy's degree category and mode; a lead instructor
    is not graded).
    """

    record_id: str
    occurred_on: date
    hours: Decimal
    leave_hours: Decimal = Decimal(0)
    kind: RecordKind = RecordKind.TRAINING
    tier: Tier | None = None
    mode: Mode | None = None
    category: Category | None = None
    grade: Grade | None = None
    role: Role = Role.TRAINEE
    is_project_approved: bool = False


@dataclass(frozen=True)
class CreditResult:
    """Credits one record earns, rounded, with the arithmetic shown in Chinese."""

    record_id: str
    occurred_on: date
    school_year: str
    category: Category | None
    base: Decimal
    bonus: Decimal
    total: Decimal
    bonus_rate: Decimal
    zero_reason: ZeroReason | None
    is_counted: bool  # inside the cycle window and not after "today"
    explanation: str


@dataclass(frozen=True)
class RuleWarning:
    """Something worth showing that does not block completion."""

    code: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class YearProgress:
    """One school year's earned, offset-adjusted and required amounts, by row key."""

    year: str
    earned: Mapping[str, Decimal]
    counted: Mapping[str, Decimal]
    required: Mapping[str, Decimal]
    shortfall: Mapping[str, Decimal]
    offset: Mapping[str, Decimal]
    is_owed: bool
    is_complete: bool


@dataclass(frozen=True)
class CycleProgress:
    """The whole cycle's earned, offset-adjusted and required amounts, by row key."""

    start: date
    end: date
    earned: Mapping[str, Decimal]
    counted: Mapping[str, Decimal]
    required: Mapping[str, Decimal]
    shortfall: Mapping[str, Decimal]
    offset: Mapping[str, Decimal]
    is_complete: bool


@dataclass(frozen=True)
class Progress:
    """A teacher's standing under one policy: per record, per school year, per cycle."""

    policy_code: str
    policy_version: int
    as_of: date
    is_new_teacher: bool
    years_owed: int
    years: tuple[YearProgress, ...]
    cycle: CycleProgress
    warnings: tuple[RuleWarning, ...] = ()
    records: tuple[CreditResult, ...] = ()
