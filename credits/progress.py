"""Reads that tell where a teacher stands: cycle and school-year progress from the ledger.

The ledger is summed in the database (one GROUP BY) and the policy's requirement rows,
offsets and new-teacher rule are applied by the rule engine to those sums, the same path the
nightly audit takes for every teacher at once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum

from projects.choices import RecordStatus
from projects.models import TrainingRecord

from . import rules
from .models import CreditLedgerEntry, Policy
from .selectors import PolicyCache, credit_previews, teacher_profile

ZERO = Decimal(0)


def _teachers_q(teachers) -> Q:
    """Filter ledger rows by a list of teacher ids or a Q on the teacher (a whole county)."""
    return teachers if isinstance(teachers, Q) else Q(teacher_id__in=list(teachers))


def ledger_sums(spec: rules.PolicySpec, teachers, as_of: datetime.date):
    """Return {teacher_id: {(school_year, Category): credits}} counted in the cycle up to as_of.

    One GROUP BY over the ledger; `teachers` is a list of ids or a Q such as
    Q(teacher__school__county=county).
    """
    rows = (
        CreditLedgerEntry.objects.filter(
            _teachers_q(teachers),
            occurred_on__gte=spec.cycle_start,
            occurred_on__lte=min(spec.cycle_end, as_of),
        )
        .values("teacher_id", "school_year", "category")
        .annotate(credits=Sum("credits"))
        .order_by()
    )
    sums: dict[int, dict] = defaultdict(dict)
    for row in rows:
        key = (row["school_year"], rules.Category(row["category"]))
        # SQLite sums decimals as floats; the policy's precision gives back the exact figure.
        sums[row["teacher_id"]][key] = rules.round_credits(Decimal(row["credits"]), spec)
    return sums


def deadline_sums(spec: rules.PolicySpec, teachers, teacher_ids, as_of: datetime.date):
    """Return {teacher_id: {row key: credits}} for rows that count only up to a date."""
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rules.deadline_rows(spec):
        filters = _teachers_q(teachers) & Q(
            occurred_on__gte=spec.cycle_start,
            occurred_on__lte=min(row.counted_until, as_of),
        )
        if row.categories:
            filters &= Q(category__in=[str(c) for c in row.categories])
        totals = (
            CreditLedgerEntry.objects.filter(filters)
            .values("teacher_id")
            .annotate(credits=Sum("credits"))
            .order_by()
        )
        for item in totals:
            credits = rules.round_credits(Decimal(item["credits"]), spec)
            result[item["teacher_id"]][row.key] = credits
        for teacher_id in teacher_ids:
            result[teacher_id].setdefault(row.key, ZERO)
    return result


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    earned: Decimal
    counted: Decimal
    required: Decimal
    shortfall: Decimal
    offset: Decimal
    pending: Decimal
    percent: int
    pending_percent: int
    is_met: bool


@dataclass(frozen=True)
class YearColumn:
    """One school year in the chart: counted credits against the year's requirement."""

    year: str
    counted: Decimal
    required: Decimal
    percent: int
    is_complete: bool
    is_current: bool


@dataclass(frozen=True)
class TeacherProgress:
    """Everything the progress page shows, computed before the template runs."""

    teacher: object
    policy: Policy
    spec: rules.PolicySpec
    progress: rules.Progress
    unit: str
    cycle_bars: list[Bar]
    current_year: str | None
    current_year_bars: list[Bar]
    current_year_ends_on: datetime.date | None
    years: list[YearColumn]
    entries: list[CreditLedgerEntry]
    pending_records: list[tuple[TrainingRecord, rules.CreditResult | None]]
    offset_lines: list[tuple[str, Decimal]] = field(default_factory=list)


def _percent(value: Decimal, required: Decimal) -> int:
    if required <= 0:
        return 100
    return max(0, min(100, int(value * 100 / required)))


def _bars(section, labels, pending_by_key) -> list[Bar]:
    bars = []
    for key, required in section.required.items():
        counted = section.counted.get(key, ZERO)
        pending = pending_by_key.get(key, ZERO)
        bars.append(
            Bar(
                key=key,
                label=labels.get(key, key),
                earned=section.earned.get(key, ZERO),
                counted=counted,
                required=required,
                shortfall=section.shortfall.get(key, ZERO),
                offset=section.offset.get(key, ZERO),
                pending=pending,
                percent=_percent(counted, required),
                pending_percent=min(100 - _percent(counted, required), _percent(pending, required)),
                is_met=section.shortfall.get(key, ZERO) <= 0,
            )
        )
    return bars


def teacher_progress(teacher, *, as_of: datetime.date) -> TeacherProgress:
    """Return the teacher's cycle and school-year progress as of `as_of`, in a fixed number of
    queries whatever the number of records."""
    policy, spec = PolicyCache().for_county(teacher.school.county)
    groups = list(teacher.group_tags.values_list("code", flat=True))
    profile = teacher_profile(teacher, groups)
    sums = ledger_sums(spec, [teacher.pk], as_of).get(teacher.pk, {})
    deadlines = (
        deadline_sums(spec, [teacher.pk], as_of).get(teacher.pk)
        if rules.deadline_rows(spec)
        else None
    )
    progress = rules.progress_from_sums(spec, profile, sums, as_of=as_of, deadline_sums=deadlines)
    entries = list(
        CreditLedgerEntry.objects.filter(teacher=teacher)
        .select_related("record__project", "policy")
        .order_by("-occurred_on", "-pk")
    )
    pending = list(
        TrainingRecord.objects.filter(teacher=teacher, status=RecordStatus.DECLARED)
        .select_related("project", "teacher__school__county")
        .order_by("-completed_on", "-pk")
    )
    previews = credit_previews(pending)
    cycle_labels = {r.key: r.label for r in spec.rows_in(rules.Scope.CYCLE)}
    year_labels = {r.key: r.label for r in spec.rows_in(rules.Scope.YEAR)}
    pending_cycle: dict[str, Decimal] = defaultdict(lambda: ZERO)
    pending_year: dict[str, Decimal] = defaultdict(lambda: ZERO)
    current_year = rules.school_year_of(as_of, spec)
    for record in pending:
        result = previews.get(record.pk)
        if result is None or result.category is None:
            continue
        for row in spec.rows_in(rules.Scope.CYCLE):
            if not row.categories or result.category in row.categories:
                pending_cycle[row.key] += result.total
        if result.school_year == current_year:
            for row in spec.rows_in(rules.Scope.YEAR):
                if not row.categories or result.category in row.categories:
                    pending_year[row.key] += result.total
    year_sections = {y.year: y for y in progress.years}
    current = year_sections.get(current_year)
    years = [
        YearColumn(
            year=y.year,
            counted=y.counted.get("total", ZERO),
            required=y.required.get("total", ZERO),
            percent=_percent(y.counted.get("total", ZERO), y.required.get("total", ZERO)),
            is_complete=y.is_complete,
            is_current=y.year == current_year,
        )
        for y in progress.years
        if y.required
    ]
    offset_lines = [
        (cycle_labels.get(key, key), amount)
        for key, amount in progress.cycle.offset.items()
        if amount
    ]
    return TeacherProgress(
        teacher=teacher,
        policy=policy,
        spec=spec,
        progress=progress,
        unit="学分" if spec.unit == rules.Unit.CREDITS else "学时",
        cycle_bars=_bars(progress.cycle, cycle_labels, pending_cycle),
        current_year=current_year if current else None,
        current_year_bars=_bars(current, year_labels, pending_year) if current else [],
        current_year_ends_on=rules.school_year_bounds(current_year, spec)[1] if current else None,
        years=years,
        entries=entries,
        pending_records=[(r, previews.get(r.pk)) for r in pending],
        offset_lines=offset_lines,
    )


def at_risk_ratio() -> Decimal:
    """Share of the expected credits below which a teacher is behind, not at risk (a setting:
    AUDIT_AT_RISK_RATIO)."""
    return Decimal(str(settings.AUDIT_AT_RISK_RATIO))


def progress_status(progress: rules.Progress, *, hired_on, as_of: datetime.date) -> str:
    """Return the teacher's ProgressStatus (`rules.progress_status` with the configured ratio)."""
    return rules.progress_status(
        progress, hired_on=hired_on, as_of=as_of, at_risk_ratio=at_risk_ratio()
    )
