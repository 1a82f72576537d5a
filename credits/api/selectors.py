"""Reads behind the API's computed endpoints: a teacher's progress, from the audit or live."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from trainees.models import Teacher

from .. import rules
from ..models import CycleProgress, SchoolYearProgress, row_amounts
from ..progress import teacher_progress
from ..services import progress_status

ZERO = Decimal(0)
AUDIT = "audit"
LIVE = "live"


@dataclass(frozen=True)
class ProgressAnswer:
    """A teacher's cycle and school-year progress, and whether the audit or a live run made it."""

    teacher: int
    source: str
    cycles: list[CycleProgress]
    years: list[SchoolYearProgress]


def progress_of_teacher(*, user, teacher_id: int, on: datetime.date) -> ProgressAnswer:
    """Return the progress rows the nightly audit keeps for a teacher `user` may see.

    Two queries when the audit has run: the cycle rows through `restrict()`, then the year
    rows of that teacher, whom the first query showed to be in scope (both models share one
    Scope). When it has not, the progress is computed now from the ledger
    (`credits.progress.teacher_progress`) into unsaved rows of the same shape. Raises
    Teacher.DoesNotExist outside the jurisdiction.
    """
    cycles = list(
        CycleProgress.objects.restrict(user, "view")
        .filter(teacher_id=teacher_id)
        .order_by("cycle_start", "policy_code", "pk")
    )
    if cycles:
        years = list(
            SchoolYearProgress.objects.filter(teacher_id=teacher_id).order_by(
                "school_year", "policy_code", "pk"
            )
        )
        return ProgressAnswer(teacher=teacher_id, source=AUDIT, cycles=cycles, years=years)
    teacher = (
        Teacher.objects.restrict(user, "view").select_related("school__county").get(pk=teacher_id)
    )
    return _live(teacher, on=on)


def _live(teacher: Teacher, *, on: datetime.date) -> ProgressAnswer:
    live = teacher_progress(teacher, on=on)
    progress, spec = live.progress, live.spec
    now = timezone.now()
    cycle = progress.cycle
    row = CycleProgress(
        teacher=teacher,
        policy_code=progress.policy_code,
        policy_version=progress.policy_version,
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        as_of=on,
        status=progress_status(progress, hired_on=teacher.hired_on, as_of=on),
        is_new_teacher=progress.is_new_teacher,
        counted_total=_total(cycle.counted),
        required_total=_total(cycle.required),
        **row_amounts(_keys(spec, rules.Scope.CYCLE), cycle),
        computed_at=now,
    )
    years = [
        SchoolYearProgress(
            teacher=teacher,
            policy_code=progress.policy_code,
            school_year=year.year,
            is_owed=year.is_owed,
            is_complete=year.is_complete,
            **row_amounts(_keys(spec, rules.Scope.YEAR), year),
            computed_at=now,
        )
        for year in progress.years
    ]
    return ProgressAnswer(teacher=teacher.pk, source=LIVE, cycles=[row], years=years)


def _keys(spec: rules.PolicySpec, scope: rules.Scope) -> list[str]:
    """The policy's row keys of one scope, in order, as the audit stores them."""
    return [row.key for row in spec.rows_in(scope)]


def _total(values) -> Decimal:
    return values.get("total", sum(values.values(), ZERO))
