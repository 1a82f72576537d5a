"""Reads of the oversight pages: a unit's teachers against its targets, by subordinate unit.

Region → prefecture → county → school → teacher. Every figure comes from the rows the nightly
audit keeps (`ProgressSummary`, one pass per county in audit.summaries), so a page reads a few
hundred rows whatever the number of teachers; `restrict()` decides which rows are read.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from institutions.choices import SchoolType, UnitLevel
from institutions.models import AdministrativeUnit, School
from trainees.choices import CareerStage

from . import rules
from .errors import PolicyNotFound
from .models import (
    AuditAnomaly,
    CreditLedgerEntry,
    CycleProgress,
    Policy,
    PolicyRequirement,
    ProgressStatus,
    ProgressSummary,
    SchoolYearProgress,
)
from .selectors import policy_for_county, policy_spec

CYCLE = ""
STATUSES = (
    ProgressStatus.COMPLETE,
    ProgressStatus.ON_TRACK,
    ProgressStatus.AT_RISK,
    ProgressStatus.BEHIND,
)
SUMMED = ("teachers", "owing", "complete", "on_track", "at_risk", "behind", "trained", "credits")
CHILD_LEVEL = {UnitLevel.REGION: UnitLevel.PREFECTURE, UnitLevel.PREFECTURE: UnitLevel.COUNTY}


def ratio(part: int, whole: int) -> Decimal | None:
    """Return part/whole as a percentage to one decimal, or None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class Figures:
    """The counts of a set of teachers for one period, and the rates that follow from them."""

    teachers: int = 0
    owing: int = 0
    complete: int = 0
    on_track: int = 0
    at_risk: int = 0
    behind: int = 0
    trained: int = 0
    credits: Decimal = Decimal(0)
    short_by_row: Counter = field(default_factory=Counter)
    credits_by_kind: defaultdict = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, row: dict) -> None:
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))
        self.short_by_row.update(row.get("short_by_row") or {})
        for kind, value in (row.get("credits_by_kind") or {}).items():
            self.credits_by_kind[kind] += Decimal(value)

    @property
    def coverage(self) -> Decimal | None:
        """参训率: teachers with approved credit in the period, of all teachers (000 三(二)1)."""
        return ratio(self.trained, self.teachers)

    @property
    def completion(self) -> Decimal | None:
        """完成率: teachers who completed the period's requirement, of those who owe it."""
        return ratio(self.complete, self.owing)

    @property
    def shares(self) -> list[tuple[str, str, int, Decimal | None]]:
        """(status, label, count, percent of teachers) for the four statuses, in order."""
        return [
            (
                str(s),
                str(s.label),
                getattr(self, str(s)),
                ratio(getattr(self, str(s)), self.teachers),
            )
            for s in STATUSES
        ]

    @property
    def average_credits(self) -> Decimal | None:
        if not self.teachers:
            return None
        return (self.credits / self.teachers).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Targets:
    """The policy's targets for a bureau's year (000 三(二)1; POLICIES §7.15 elsewhere)."""

    coverage: Decimal
    completion: Decimal
    satisfaction: Decimal
    source: str

    @classmethod
    def of(cls, policy: Policy) -> Targets:
        return cls(
            coverage=policy.target_coverage,
            completion=policy.target_completion,
            satisfaction=policy.target_satisfaction,
            source=policy.targets_source,
        )


@dataclass
class Row:
    """One subordinate unit (or school) on a level's page."""

    key: str  # the unit's code, or the school's id
    name: str
    is_school: bool
    cycle: Figures = field(default_factory=Figures)
    year: Figures = field(default_factory=Figures)
    anomalies: int = 0
    href: str = ""


@dataclass
class Breakdown:
    key: str
    label: str
    cycle: Figures
    year: Figures


@dataclass
class TrendPoint:
    school_year: str
    figures: Figures


@dataclass
class Overview:
    """Everything a level's page shows."""

    unit: AdministrativeUnit
    policy: Policy
    targets: Targets
    school_year: str
    school_years: list[str]
    has_year_rows: bool
    cycle: Figures
    year: Figures
    rows: list[Row]
    by_school_type: list[Breakdown]
    by_stage: list[Breakdown]
    short_rows: list[tuple[str, str, int]]  # (row key, label, teachers short), most first
    trend: list[TrendPoint]
    anomalies: int
    computed_at: datetime.datetime | None

    @property
    def completion(self) -> Decimal | None:
        """The completion measured against the target: the year's where the policy has year
        requirements, the cycle's otherwise (POLICIES §7.15)."""
        return self.year.completion if self.has_year_rows else self.cycle.completion


def unit_policy(unit: AdministrativeUnit) -> tuple[Policy, rules.PolicySpec] | None:
    """Return the policy and spec that apply to `unit`, or None when no policy does."""
    try:
        policy = policy_for_county(unit)
    except PolicyNotFound:
        return None
    return policy, policy_spec(policy)


def current_school_year(spec: rules.PolicySpec, today: datetime.date | None = None) -> str:
    """Return the school year of today, kept inside the cycle (its first or last year)."""
    years = rules.cycle_school_years(spec)
    year = rules.school_year_of(today or timezone.localdate(), spec)
    if year in years:
        return year
    return years[0] if year < years[0] else years[-1]


def _row_labels(policy: Policy) -> dict[str, str]:
    return dict(
        PolicyRequirement.objects.filter(policy=policy).values_list("key", "label").order_by()
    )


def _child_key(unit: AdministrativeUnit, county_path: str) -> str:
    """Return the code of `unit`'s child on the way to the county whose path is given."""
    depth = len(unit.path.strip("/").split("/"))
    return county_path.strip("/").split("/")[depth]


def overview_of(
    user, unit: AdministrativeUnit, *, school_year: str | None = None
) -> Overview | None:
    """Return the overview of `unit` as `user` may see it, or None when no policy applies.

    The caller has checked that `unit` is inside the user's jurisdiction; the rows read are
    restricted again all the same.
    """
    found = unit_policy(unit)
    if found is None:
        return None
    policy, spec = found
    years = list(rules.cycle_school_years(spec))
    year = school_year if school_year in years else current_school_year(spec)
    summaries = ProgressSummary.objects.restrict(user, "view").filter(
        county__path__startswith=unit.path, policy_code=policy.code
    )
    is_county = unit.level == UnitLevel.COUNTY
    fields = [*SUMMED, "short_by_row", "credits_by_kind", "school_year"]
    cycle, current = Figures(), Figures()
    by_type: dict[str, tuple[Figures, Figures]] = defaultdict(lambda: (Figures(), Figures()))
    by_stage: dict[str, tuple[Figures, Figures]] = defaultdict(lambda: (Figures(), Figures()))
    rows: dict[str, Row] = {}
    # Every subordinate unit in the jurisdiction has its row, also one without teachers yet.
    if is_county:
        for pk, name in (
            School.objects.restrict(user, "view").filter(county=unit).values_list("pk", "name")
        ):
            rows[str(pk)] = Row(key=str(pk), name=name, is_school=True)
    else:
        for code, name in (
            AdministrativeUnit.objects.restrict(user, "view")
            .filter(parent=unit)
            .values_list("code", "name")
        ):
            rows[code] = Row(key=code, name=name, is_school=False)
    periods = [CYCLE, year]
    county_rows = summaries.filter(school__isnull=True)
    # The counties' total rows give the totals and, above a county, the subordinate units'
    # rows: one row per county and period, so the region's page adds up a few hundred.
    for row in county_rows.filter(school_type="", career_stage="", school_year__in=periods).values(
        *fields, "county__path"
    ):
        index = 0 if row["school_year"] == CYCLE else 1
        (cycle, current)[index].add(row)
        if not is_county:
            key = _child_key(unit, row["county__path"])
            child = rows.setdefault(key, Row(key=key, name="", is_school=False))
            (child.cycle, child.year)[index].add(row)
    # The breakdowns are summed in the database: only counts, no per-row lists.
    sums = {name: Sum(name) for name in SUMMED}
    for key_field, other, target in (
        ("school_type", "career_stage", by_type),
        ("career_stage", "school_type", by_stage),
    ):
        for row in (
            county_rows.filter(**{other: "", "school_year__in": periods})
            .exclude(**{key_field: ""})
            .values(key_field, "school_year")
            .annotate(**sums)
            .order_by()
        ):
            target[row[key_field]][0 if row["school_year"] == CYCLE else 1].add(row)
    if is_county:
        for row in summaries.filter(school__isnull=False, school_year__in=periods).values(
            *SUMMED, "school_year", "school_id", "school__name"
        ):
            key = str(row["school_id"])
            child = rows.setdefault(key, Row(key=key, name=row["school__name"], is_school=True))
            (child.cycle, child.year)[0 if row["school_year"] == CYCLE else 1].add(row)
    open_anomalies = AuditAnomaly.objects.restrict(user, "view").filter(
        county__path__startswith=unit.path, is_resolved=False
    )
    if is_county:
        counts = open_anomalies.values("teacher__school_id").annotate(n=Count("pk")).order_by()
        for item in counts:
            child = rows.get(str(item["teacher__school_id"]))
            if child is not None:
                child.anomalies = item["n"]
    else:
        names = dict(AdministrativeUnit.objects.filter(code__in=rows).values_list("code", "name"))
        for child in rows.values():
            child.name = names.get(child.key, child.key)
        depth = len(unit.path.strip("/").split("/"))
        for path, n in (
            open_anomalies.values("county__path")
            .annotate(n=Count("pk"))
            .values_list("county__path", "n")
        ):
            key = path.strip("/").split("/")[depth]
            if key in rows:
                rows[key].anomalies += n
    trend = {y: Figures() for y in years}
    for row in (
        county_rows.filter(school_type="", career_stage="")
        .exclude(school_year=CYCLE)
        .values("school_year")
        .annotate(
            **{name: Sum(name) for name in ("teachers", "owing", "complete", "trained", "credits")}
        )
        .order_by()
    ):
        if row["school_year"] in trend:
            trend[row["school_year"]].add(row)
    labels = _row_labels(policy)
    return Overview(
        unit=unit,
        policy=policy,
        targets=Targets.of(policy),
        school_year=year,
        school_years=[y for y in years if y <= current_school_year(spec)],
        has_year_rows=any(r.scope == "year" for r in spec.rows),
        cycle=cycle,
        year=current,
        rows=sorted(
            rows.values(), key=lambda r: (r.is_school, r.key if not r.is_school else r.name)
        ),
        by_school_type=[
            Breakdown(key, str(SchoolType(key).label) if key in SchoolType.values else key, *pair)
            for key, pair in sorted(by_type.items())
        ],
        by_stage=[
            Breakdown(key, str(CareerStage(key).label) if key in CareerStage.values else key, *pair)
            for key, pair in sorted(by_stage.items(), key=lambda kv: _stage_order(kv[0]))
        ],
        short_rows=[(key, labels.get(key, key), n) for key, n in cycle.short_by_row.most_common()],
        trend=[TrendPoint(y, trend[y]) for y in years if y <= year],
        anomalies=open_anomalies.count(),
        computed_at=summaries.aggregate(at=Max("computed_at"))["at"],
    )


def _stage_order(key: str) -> int:
    values = list(CareerStage.values)
    return values.index(key) if key in values else len(values)


def school_figures(user, school: School, *, school_year: str) -> tuple[Figures, Figures]:
    """Return one school's cycle and year figures from its summary rows."""
    cycle, year = Figures(), Figures()
    for row in (
        ProgressSummary.objects.restrict(user, "view")
        .filter(school=school, school_year__in=[CYCLE, school_year])
        .values(*SUMMED, "short_by_row", "credits_by_kind", "school_year")
    ):
        (cycle if row["school_year"] == CYCLE else year).add(row)
    return cycle, year


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Sort a level's rows by a column name from the URL; unknown names keep the order."""
    getters = {
        "name": lambda r: r.name,
        "teachers": lambda r: r.cycle.teachers,
        "complete": lambda r: r.cycle.complete,
        "on_track": lambda r: r.cycle.on_track,
        "at_risk": lambda r: r.cycle.at_risk,
        "behind": lambda r: r.cycle.behind,
        "coverage": lambda r: r.year.coverage if r.year.coverage is not None else Decimal(-1),
        "completion": lambda r: r.year.completion if r.year.completion is not None else Decimal(-1),
        "cycle_completion": lambda r: (
            r.cycle.completion if r.cycle.completion is not None else Decimal(-1)
        ),
        "anomalies": lambda r: r.anomalies,
    }
    getter = getters.get(key)
    if getter is None:
        return rows
    return sorted(rows, key=getter, reverse=descending)


SORT_KEYS = (
    "name",
    "teachers",
    "complete",
    "on_track",
    "at_risk",
    "behind",
    "coverage",
    "completion",
    "cycle_completion",
    "anomalies",
)

__all__ = [
    "SORT_KEYS",
    "Figures",
    "Overview",
    "Row",
    "Targets",
    "current_school_year",
    "overview_of",
    "ratio",
    "school_figures",
    "school_progress",
    "school_standings",
    "sort_rows",
    "teachers_for",
    "unit_policy",
]


def teachers_for(user, filters: dict) -> QuerySet:
    """Return the cycle progress rows behind a figure, filtered by the URL's cleaned filters.

    `filters` holds what `OversightFilterForm` cleaned: unit (an AdministrativeUnit), school,
    status, stage, school_type, school_year with year_status ("complete" / "incomplete") and
    trained ("yes" / "no"). The rows are the audit's, restricted to the user's jurisdiction.
    """
    rows = (
        CycleProgress.objects.restrict(user, "view")
        .filter(teacher__is_active=True)
        .select_related("teacher__school__county")
        .order_by("teacher__school__name", "teacher__name", "pk")
    )
    if filters.get("policy_code"):
        rows = rows.filter(policy_code=filters["policy_code"])
    if filters.get("unit") is not None:
        rows = rows.filter(teacher__school__county__path__startswith=filters["unit"].path)
    if filters.get("school") is not None:
        rows = rows.filter(teacher__school=filters["school"])
    for name, lookup in (
        ("status", "status"),
        ("stage", "teacher__career_stage"),
        ("school_type", "teacher__school__school_type"),
    ):
        if filters.get(name):
            rows = rows.filter(**{lookup: filters[name]})
    year = filters.get("school_year")
    if year and filters.get("year_status"):
        owed = SchoolYearProgress.objects.filter(school_year=year, is_owed=True)
        done = owed.filter(is_complete=True).values("teacher_id")
        if filters["year_status"] == "complete":
            rows = rows.filter(teacher_id__in=done)
        else:
            rows = rows.filter(teacher_id__in=owed.values("teacher_id")).exclude(
                teacher_id__in=done
            )
    if year and filters.get("trained"):
        trained = (
            CreditLedgerEntry.objects.filter(school_year=year)
            .values("teacher_id")
            .annotate(total=Sum("credits"))
            .filter(total__gt=0)
            .values("teacher_id")
        )
        if filters["trained"] == "yes":
            rows = rows.filter(teacher_id__in=trained)
        else:
            rows = rows.exclude(teacher_id__in=trained)
    return rows


@dataclass
class TeacherStanding:
    """One teacher on the school's page: where they stand and what they still lack."""

    teacher_id: int
    name: str
    stage: str
    status: str
    status_label: str
    counted: Decimal
    required: Decimal
    year_complete: bool | None  # None: the school year is not owed (or the policy has none)
    lacks: list[tuple[str, Decimal, datetime.date]]  # (row label, credits short, by when)
    href: str = ""

    # Formatted once here, not by template filters per cell: a page lists 100 teachers.
    @property
    def credits_text(self) -> str:
        return f"{_plain(self.counted)}/{_plain(self.required)}"

    @property
    def lacks_text(self) -> list[str]:
        return [f"{label} {_plain(short)}（{due:%Y-%m-%d}前）" for label, short, due in self.lacks]


def _plain(value: Decimal) -> str:
    """12.50 → 12.5, 90.00 → 90: a credit figure as people write it."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


SCHOOL_FILTERS = ("attention", "year_incomplete", "complete", "on_track", "at_risk", "behind")


def school_progress(
    user, school: School, *, spec: rules.PolicySpec, policy: Policy, school_year: str, wanted: str
) -> QuerySet:
    """Return the cycle progress of the school's active teachers, filtered like its page.

    `wanted`: "" (everyone), a status, "attention" (at risk or behind) or "year_incomplete"
    (owing the school year and not done).
    """
    rows = (
        CycleProgress.objects.restrict(user, "view")
        .filter(
            teacher__school=school,
            teacher__is_active=True,
            policy_code=policy.code,
            cycle_start=spec.cycle_start,
        )
        .select_related("teacher")
        .order_by("teacher__name", "pk")
    )
    if wanted == "attention":
        return rows.filter(status__in=[ProgressStatus.AT_RISK, ProgressStatus.BEHIND])
    if wanted == "year_incomplete":
        open_year = SchoolYearProgress.objects.filter(
            teacher__school=school,
            policy_code=policy.code,
            school_year=school_year,
            is_owed=True,
            is_complete=False,
        )
        return rows.filter(teacher_id__in=open_year.values("teacher_id"))
    if wanted in ProgressStatus.values:
        return rows.filter(status=wanted)
    return rows


def school_standings(
    user, rows, *, spec: rules.PolicySpec, policy: Policy, school_year: str
) -> list[TeacherStanding]:
    """Return the standing of the teachers of `rows` (CycleProgress) and what each lacks.

    What a teacher lacks this school year is due at the year's end; what they lack of the cycle
    beyond that is due at the cycle's end (004 五(一), 每学年 and 五年周期). Called for one page
    of a school's teachers (or one chunk of an export): two queries whatever the school's size.
    """
    rows = list(rows)
    labels = _row_labels(policy)
    year_end = rules.school_year_bounds(school_year, spec)[1]
    years = {
        row.teacher_id: row
        for row in SchoolYearProgress.objects.restrict(user, "view").filter(
            teacher_id__in=[row.teacher_id for row in rows],
            policy_code=policy.code,
            school_year=school_year,
        )
    }
    # Labels resolved once: a lazy label turned into text per row costs a translation lookup.
    stages = {key: str(label) for key, label in CareerStage.choices}
    statuses = {key: str(label) for key, label in ProgressStatus.choices}
    standings = []
    for row in rows:
        year = years.get(row.teacher_id)
        lacks = []
        if year is not None and year.is_owed:
            lacks += [
                (labels.get(key, key), short, year_end)
                for key, short in year.shortfall.items()
                if short > 0
            ]
        lacks += [
            (labels.get(key, key), short, spec.cycle_end)
            for key, short in row.shortfall.items()
            if short > 0
        ]
        stage = row.teacher.career_stage
        standings.append(
            TeacherStanding(
                teacher_id=row.teacher_id,
                name=row.teacher.name,
                stage=stages.get(stage, stage),
                status=row.status,
                status_label=statuses.get(row.status, row.status),
                counted=row.counted_total,
                required=row.required_total,
                year_complete=year.is_complete if year is not None and year.is_owed else None,
                lacks=lacks,
            )
        )
    return standings
