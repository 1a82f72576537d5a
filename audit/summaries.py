"""The overview's counts of one county, kept after its progress so pages never scan teachers.

The region's page adds up a few rows per county and the county's page one row per school
(credits.ProgressSummary): a page costs the same for 1,000 teachers or 1,000,000. Everything
here is counted from the rows the audit has just written (CycleProgress, SchoolYearProgress)
and from the ledger, in one pass per county; tests compare every figure with a direct count.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from credits import rules
from credits.models import (
    CreditLedgerEntry,
    CycleProgress,
    ProgressStatus,
    ProgressSummary,
    SchoolYearProgress,
)

CYCLE = ""  # the period key of the whole cycle; a school year's is "YYYY-YYYY"
ZERO = Decimal(0)


@dataclass
class Tally:
    """The counts of one summary row while the county is being read."""

    teachers: int = 0
    owing: int = 0
    by_status: Counter = field(default_factory=Counter)
    trained: int = 0
    credits: Decimal = ZERO
    short_by_row: Counter = field(default_factory=Counter)
    credits_by_kind: defaultdict = field(default_factory=lambda: defaultdict(Decimal))


def begun_school_years(spec: rules.PolicySpec, as_of: datetime.date) -> list[str]:
    """Return the cycle's school years that have begun by `as_of`, oldest first."""
    return [
        year
        for year in rules.cycle_school_years(spec)
        if rules.school_year_bounds(year, spec)[0] <= as_of
    ]


def _short_keys(row_keys, counted, required) -> list[str]:
    """Return the requirement rows in which a teacher is still short."""
    return [
        key
        for key, got, need in zip(row_keys, counted, required, strict=True)
        if need is not None and (got or ZERO) < need
    ]


def summarize_county(*, county_id: int, spec: rules.PolicySpec, as_of: datetime.date) -> int:
    """Replace the county's ProgressSummary rows from its progress and ledger; return the count.

    Runs after the county's progress in the same transaction (audit.county), so the rows
    always agree with the progress they count.
    """
    years = begun_school_years(spec, as_of)
    cycle_rows = (
        CycleProgress.objects.filter(
            teacher__school__county_id=county_id,
            teacher__is_active=True,
            policy_code=spec.code,
            cycle_start=spec.cycle_start,
        )
        .values_list(
            "teacher_id",
            "teacher__school_id",
            "teacher__school__school_type",
            "teacher__career_stage",
            "status",
            "row_keys",
            "counted_by_row",
            "required_by_row",
        )
        .order_by()
    )
    place: dict[int, tuple[int, str, str]] = {}
    tallies: dict[tuple, Tally] = defaultdict(Tally)

    def targets(teacher_id: int, period: str) -> tuple[Tally, Tally, Tally, Tally]:
        # The teacher counts in their school's row, the county's total row, and the county's
        # rows of their school type and of their career stage.
        school_id, school_type, stage = place[teacher_id]
        return (
            tallies[(school_id, school_type, "", period)],
            tallies[(None, "", "", period)],
            tallies[(None, school_type, "", period)],
            tallies[(None, "", stage, period)],
        )

    for teacher_id, school_id, school_type, stage, status, keys, counted, required in cycle_rows:
        place[teacher_id] = (school_id, school_type, stage)
        short = [] if status == ProgressStatus.COMPLETE else _short_keys(keys, counted, required)
        for period in (CYCLE, *years):
            for tally in targets(teacher_id, period):
                tally.teachers += 1
                if period == CYCLE:
                    tally.owing += 1
                    tally.by_status[status] += 1
                    tally.short_by_row.update(short)

    year_rows = (
        SchoolYearProgress.objects.filter(
            teacher__school__county_id=county_id,
            teacher__is_active=True,
            policy_code=spec.code,
            school_year__in=years,
            is_owed=True,
        )
        .values_list(
            "teacher_id",
            "school_year",
            "is_complete",
            "row_keys",
            "counted_by_row",
            "required_by_row",
        )
        .order_by()
    )
    for teacher_id, year, is_complete, keys, counted, required in year_rows:
        if teacher_id not in place:
            continue  # no cycle row under this policy: not in this county's population
        short = [] if is_complete else _short_keys(keys, counted, required)
        for tally in targets(teacher_id, year):
            tally.owing += 1
            if is_complete:
                tally.by_status[ProgressStatus.COMPLETE] += 1
            tally.short_by_row.update(short)

    # Approved credits by teacher, school year, tier and mode: the ledger's own sums, with
    # corrections (negative entries) netted (004 五(三): credits are what the bureau recognised).
    ledger = (
        CreditLedgerEntry.objects.filter(
            teacher__school__county_id=county_id,
            teacher__is_active=True,
            school_year__in=rules.cycle_school_years(spec),
            occurred_on__gte=spec.cycle_start,
            occurred_on__lte=min(spec.cycle_end, as_of),
        )
        .values("teacher_id", "school_year", "record__project__tier", "record__project__mode")
        .annotate(total=Sum("credits"))
        .values_list(
            "teacher_id", "school_year", "record__project__tier", "record__project__mode", "total"
        )
        .order_by()
    )
    by_teacher_year: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for teacher_id, year, tier, mode, total in ledger:
        if teacher_id not in place or not total:
            continue
        by_teacher_year[(teacher_id, year)] += total
        kind = f"{tier or '-'}/{mode or '-'}"
        for period in (CYCLE, year) if year in years else (CYCLE,):
            for tally in targets(teacher_id, period):
                tally.credits += total
                tally.credits_by_kind[kind] += total
    by_teacher: dict[int, Decimal] = defaultdict(Decimal)
    for (teacher_id, year), total in by_teacher_year.items():
        by_teacher[teacher_id] += total
        if total > 0 and year in years:
            for tally in targets(teacher_id, year):
                tally.trained += 1
    for teacher_id, total in by_teacher.items():
        if total > 0:
            for tally in targets(teacher_id, CYCLE):
                tally.trained += 1

    now = timezone.now()
    rows = [
        ProgressSummary(
            county_id=county_id,
            school_id=school_id,
            school_type=school_type,
            career_stage=stage,
            policy_code=spec.code,
            school_year=period,
            teachers=tally.teachers,
            owing=tally.owing,
            complete=tally.by_status[ProgressStatus.COMPLETE],
            on_track=tally.by_status[ProgressStatus.ON_TRACK],
            at_risk=tally.by_status[ProgressStatus.AT_RISK],
            behind=tally.by_status[ProgressStatus.BEHIND],
            trained=tally.trained,
            credits=tally.credits,
            short_by_row=dict(sorted(tally.short_by_row.items())),
            credits_by_kind={k: str(v) for k, v in sorted(tally.credits_by_kind.items()) if v},
            computed_at=now,
        )
        for (school_id, school_type, stage, period), tally in tallies.items()
    ]
    ProgressSummary.objects.filter(county_id=county_id).delete()
    ProgressSummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
