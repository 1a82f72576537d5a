"""Recompute every teacher's cycle and school-year progress for one county, set-based.

On PostgreSQL the policy is compiled into one statement (credits/progress_sql.py): the
database sums the ledger, applies the requirement rows, offsets, new-teacher rule and status
thresholds, and upserts the rows — no Python loop over teachers. Elsewhere (the SQLite demo)
one GROUP BY gives the sums and the rule engine applies the policy to them. Both upsert by
natural key and rewrite only rows that changed, so running it twice, or again after a worker
died half-way, leaves the same rows; the equality tests hold the two paths to the same result.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from institutions.models import AdministrativeUnit
from trainees.models import Teacher

from .. import rules
from ..models import (
    CountySummary,
    CycleProgress,
    ProgressStatus,
    SchoolYearProgress,
    row_amounts,
)
from ..progress import deadline_sums, ledger_sums
from ..progress_sql import county_progress_sql
from ..selectors import PolicyCache

ZERO = Decimal(0)
BATCH = 5000
AMOUNT_FIELDS = ["row_keys", "earned_by_row", "counted_by_row", "required_by_row"]
CYCLE_FIELDS = [
    "policy_version",
    "cycle_end",
    "as_of",
    "status",
    "is_new_teacher",
    "counted_total",
    "required_total",
    *AMOUNT_FIELDS,
    "computed_at",
]
YEAR_FIELDS = ["is_owed", "is_complete", *AMOUNT_FIELDS, "computed_at"]


@dataclass(frozen=True)
class CountyAudit:
    """What one county's audit found: teachers by status and those whose cycle is complete."""

    county_id: int
    policy_code: str
    teachers: int
    by_status: dict[str, int]


def progress_status(progress: rules.Progress, *, hired_on, as_of: datetime.date) -> str:
    """Return complete, on track, at risk or behind for a teacher's cycle progress.

    A teacher is on track when the credits counted so far reach the share of the cycle total
    that the time elapsed (since the cycle start or their hire) calls for; at risk when they
    reach AUDIT_AT_RISK_RATIO of it; behind otherwise (docs/operations.md).
    """
    cycle = progress.cycle
    if cycle.is_complete:
        return ProgressStatus.COMPLETE
    required = cycle.required.get("total") or sum(cycle.required.values(), ZERO)
    counted = cycle.counted.get("total") or sum(cycle.counted.values(), ZERO)
    start = max(cycle.start, hired_on) if hired_on else cycle.start
    span = max((cycle.end - start).days, 1)
    elapsed = min(max((as_of - start).days, 0), span)
    # counted ≥ required × elapsed ÷ span, cross-multiplied so that it is exact (and the same
    # comparison credits/progress_sql.py makes in the database).
    if counted * span >= required * elapsed:
        return ProgressStatus.ON_TRACK
    if counted * span >= required * elapsed * at_risk_ratio():
        return ProgressStatus.AT_RISK
    return ProgressStatus.BEHIND


def at_risk_ratio() -> Decimal:
    """Share of the expected credits below which a teacher is behind, not at risk."""
    return Decimal(str(settings.AUDIT_AT_RISK_RATIO))


def _total(values) -> Decimal:
    return values.get("total", sum(values.values(), ZERO))


@transaction.atomic
def recompute_county_progress(
    *, county_id: int, as_of: datetime.date, engine: str | None = None
) -> CountyAudit:
    """Recompute and upsert the progress of every active teacher of one county (idempotent).

    `engine` is "sql" (PostgreSQL's compiled statement) or "python" (the rule engine over
    grouped sums); by default PostgreSQL takes "sql".
    """
    county = AdministrativeUnit.objects.get(pk=county_id)
    _policy, spec = PolicyCache().for_county(county)
    if engine is None:
        engine = "sql" if connection.vendor == "postgresql" else "python"
    if engine == "sql":
        by_status = _recompute_in_database(county_id, spec, as_of)
    else:
        by_status = _recompute_with_engine(county, spec, as_of)
    now = timezone.now()
    teachers = sum(by_status.values())
    CountySummary.objects.update_or_create(
        county=county,
        policy_code=spec.code,
        defaults={
            "as_of": as_of,
            "teachers": teachers,
            "complete": by_status.get(ProgressStatus.COMPLETE, 0),
            "on_track": by_status.get(ProgressStatus.ON_TRACK, 0),
            "at_risk": by_status.get(ProgressStatus.AT_RISK, 0),
            "behind": by_status.get(ProgressStatus.BEHIND, 0),
            "computed_at": now,
        },
    )
    return CountyAudit(
        county_id=county.pk, policy_code=spec.code, teachers=teachers, by_status=by_status
    )


def _recompute_in_database(county_id: int, spec, as_of: datetime.date) -> dict[str, int]:
    sql, params = county_progress_sql(spec, as_of=as_of, at_risk_ratio=at_risk_ratio())
    with connection.cursor() as cursor:
        # A county's sums fit in memory: let PostgreSQL hash them instead of sorting on disk.
        cursor.execute("SET LOCAL work_mem = %s", [settings.AUDIT_WORK_MEM])
        # Progress is a cache the next audit rebuilds: its commit need not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # A county is small work: compiling it to machine code (JIT) costs more than it saves.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, {**params, "county_id": county_id, "now": timezone.now()})
        return dict(cursor.fetchall())


def _recompute_with_engine(county, spec, as_of: datetime.date) -> dict[str, int]:
    teachers = list(
        Teacher.objects.filter(school__county=county, is_active=True)
        .values_list("pk", "hired_on", "school__is_teacher_development_school")
        .order_by("pk")
    )
    teacher_ids = [pk for pk, _hired, _dev in teachers]
    groups: dict[int, set[str]] = defaultdict(set)
    for teacher_id, code in Teacher.group_tags.through.objects.filter(
        teacher__school__county=county
    ).values_list("teacher_id", "teachergroup__code"):
        groups[teacher_id].add(code)
    in_county = Q(teacher__school__county=county)
    sums = ledger_sums(spec, in_county, as_of)
    deadlines = (
        deadline_sums(spec, in_county, teacher_ids, as_of) if rules.deadline_rows(spec) else {}
    )
    now = timezone.now()
    cycle_keys = [row.key for row in spec.rows_in(rules.Scope.CYCLE)]
    year_keys = [row.key for row in spec.rows_in(rules.Scope.YEAR)]
    cycles, years = [], []
    by_status: dict[str, int] = defaultdict(int)
    for teacher_id, hired_on, is_development_school in teachers:
        words = groups.get(teacher_id, set())
        if is_development_school:
            words = words | {rules.TeacherGroup.DEVELOPMENT_SCHOOL.value}
        profile = rules.TeacherProfile(
            hired_on=hired_on, groups=frozenset(rules.TeacherGroup(w) for w in words)
        )
        progress = rules.progress_from_sums(
            spec,
            profile,
            sums.get(teacher_id, {}),
            as_of=as_of,
            deadline_sums=deadlines.get(teacher_id) if deadlines else None,
        )
        status = progress_status(progress, hired_on=hired_on, as_of=as_of)
        by_status[status] += 1
        cycle = progress.cycle
        cycles.append(
            CycleProgress(
                teacher_id=teacher_id,
                policy_code=spec.code,
                policy_version=spec.version,
                cycle_start=cycle.start,
                cycle_end=cycle.end,
                as_of=as_of,
                status=status,
                is_new_teacher=progress.is_new_teacher,
                counted_total=_total(cycle.counted),
                required_total=_total(cycle.required),
                **row_amounts(cycle_keys, cycle),
                computed_at=now,
            )
        )
        years.extend(
            SchoolYearProgress(
                teacher_id=teacher_id,
                policy_code=spec.code,
                school_year=year.year,
                is_owed=year.is_owed,
                is_complete=year.is_complete,
                **row_amounts(year_keys, year),
                computed_at=now,
            )
            for year in progress.years
        )
    CycleProgress.objects.bulk_create(
        cycles,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["teacher", "policy_code", "cycle_start"],
        update_fields=CYCLE_FIELDS,
    )
    SchoolYearProgress.objects.bulk_create(
        years,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["teacher", "policy_code", "school_year"],
        update_fields=YEAR_FIELDS,
    )
    return dict(by_status)
