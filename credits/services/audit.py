"""Recompute every teacher's cycle and school-year progress for one county, set-based.

One GROUP BY over the ledger gives each teacher's credits per (school year, category); the
rule engine then applies the policy's requirement rows, offsets and new-teacher rule to those
sums (no query per teacher), and the results are upserted by natural key, so running it twice,
or again after a worker died half-way, leaves the same rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from institutions.models import AdministrativeUnit
from trainees.models import Teacher

from .. import rules
from ..models import CountySummary, CycleProgress, ProgressStatus, SchoolYearProgress
from ..progress import deadline_sums, ledger_sums
from ..selectors import PolicyCache

ZERO = Decimal(0)
BATCH = 5000
CYCLE_FIELDS = [
    "policy_version",
    "cycle_end",
    "as_of",
    "status",
    "is_new_teacher",
    "counted_total",
    "required_total",
    "earned",
    "counted",
    "required",
    "shortfall",
    "offset",
    "computed_at",
]
YEAR_FIELDS = [
    "is_owed",
    "is_complete",
    "earned",
    "counted",
    "required",
    "shortfall",
    "computed_at",
]


@dataclass(frozen=True)
class CountyAudit:
    """What one county's audit found: teachers by status and those whose cycle is complete."""

    county_id: int
    policy_code: str
    teachers: int
    by_status: dict[str, int]
    complete_teacher_ids: list[int]


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
    span = (cycle.end - start).days or 1
    elapsed = min(max((as_of - start).days, 0), span)
    expected = required * Decimal(elapsed) / Decimal(span)
    if counted >= expected:
        return ProgressStatus.ON_TRACK
    if counted >= expected * Decimal(settings.AUDIT_AT_RISK_RATIO):
        return ProgressStatus.AT_RISK
    return ProgressStatus.BEHIND


def _json(values) -> dict[str, str]:
    return {key: str(value) for key, value in values.items()}


def _total(values) -> Decimal:
    return values.get("total", sum(values.values(), ZERO))


@transaction.atomic
def recompute_county_progress(*, county_id: int, as_of: datetime.date) -> CountyAudit:
    """Recompute and upsert the progress of every active teacher of one county (idempotent)."""
    county = AdministrativeUnit.objects.get(pk=county_id)
    _policy, spec = PolicyCache().for_county(county)
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
    cycles, years = [], []
    by_status: dict[str, int] = defaultdict(int)
    complete = []
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
        if status == ProgressStatus.COMPLETE:
            complete.append(teacher_id)
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
                earned=_json(cycle.earned),
                counted=_json(cycle.counted),
                required=_json(cycle.required),
                shortfall=_json(cycle.shortfall),
                offset=_json(cycle.offset),
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
                earned=_json(year.earned),
                counted=_json(year.counted),
                required=_json(year.required),
                shortfall=_json(year.shortfall),
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
    CountySummary.objects.update_or_create(
        county=county,
        policy_code=spec.code,
        defaults={
            "as_of": as_of,
            "teachers": len(teachers),
            "complete": by_status[ProgressStatus.COMPLETE],
            "on_track": by_status[ProgressStatus.ON_TRACK],
            "at_risk": by_status[ProgressStatus.AT_RISK],
            "behind": by_status[ProgressStatus.BEHIND],
            "computed_at": now,
        },
    )
    return CountyAudit(
        county_id=county.pk,
        policy_code=spec.code,
        teachers=len(teachers),
        by_status=dict(by_status),
        complete_teacher_ids=complete,
    )
