"""Entering assessment grades within the policy's grade quotas."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from projects.choices import RecordRole, RecordStatus
from projects.models import TrainingProject, TrainingRecord
from projects.plausibility import check_record

from .. import rules
from ..errors import CreditRuleError, GradesFrozen, RecordsLocked, RecordsNotFound
from ..selectors import policy_for_county, policy_spec


@dataclass(frozen=True)
class TraineeResult:
    """What a training institution enters for one trainee: attended hours, leave and grade."""

    grade: str
    hours: Decimal | None = None
    leave_hours: Decimal | None = None


@transaction.atomic
def enter_results(*, project: TrainingProject, results: Mapping[int, TraineeResult], by) -> int:
    """Enter attended hours, leave and grades of a project's trainees (承训单位录入).

    004 五(三) 学时由发文单位确定（培训中请假的需扣除），考核等次由承训院校确定; 004 五(二)2
    良好以上不超过30%，优秀不超过15%. The quota is checked over every trainee of the project
    after the change; nothing is written when a quota, a record constraint or plausibility
    (`projects.plausibility`: leave ≤ hours ≤ the project's hours, …) would break. A declared
    record is frozen until the county returns it (退回); an approved one for good.
    Returns the number of records changed.
    """
    records = list(
        TrainingRecord.objects.restrict(by, "grade")
        .filter(project=project, pk__in=list(results))
        .select_related("project", "teacher__school__county")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if len(records) != len(set(results)):
        raise RecordsNotFound(count=len(set(results)) - len(records))
    locked = [r for r in records if r.status == RecordStatus.APPROVED]
    if locked:
        raise RecordsLocked(count=len(locked))
    frozen = [r for r in records if r.status == RecordStatus.DECLARED]
    if frozen:
        names = "、".join(r.teacher.name for r in frozen[:5]) + ("…" if len(frozen) > 5 else "")
        raise GradesFrozen(count=len(frozen), records=names)
    now = timezone.now()
    today = timezone.localdate()
    for record in records:
        result = results[record.pk]
        record.grade = result.grade
        if result.hours is not None:
            record.hours = result.hours
        if result.leave_hours is not None:
            record.leave_hours = result.leave_hours
        record.updated_at = now
        check_record(record, today=today)
        record.full_clean(validate_unique=False)
    check_project_quota(project=project, changed=records)
    bulk_update_with_history(
        records,
        TrainingRecord,
        ["grade", "hours", "leave_hours", "updated_at"],
        default_user=by,
        default_change_reason="承训单位录入成绩",
    )
    return len(records)


def enter_grades(*, project: TrainingProject, grades: Mapping[int, str], by) -> int:
    """Enter only the grades of a project's trainees; see `enter_results`."""
    return enter_results(
        project=project,
        results={pk: TraineeResult(grade=grade) for pk, grade in grades.items()},
        by=by,
    )


def check_project_quota(*, project: TrainingProject, changed: list[TrainingRecord]) -> None:
    """Raise grade_quota_exceeded if the project's grades, with `changed` applied, break a quota.

    The base is every trainee of the project (参训人数), so grades entered in several sittings
    share one base. The issuing unit's policy sets the quota; a national project takes the
    policy of its trainees' region.
    """
    trainees = TrainingRecord.objects.filter(project=project, role=RecordRole.TRAINEE)
    changed_ids = [r.pk for r in changed if r.pk is not None]
    others = trainees.exclude(pk__in=changed_ids).exclude(grade="").values_list("grade", flat=True)
    after = [*others, *(r.grade for r in changed if r.role == RecordRole.TRAINEE and r.grade)]
    unit = project.issuing_unit or (changed[0].teacher.school.county if changed else None)
    if unit is None:
        return
    spec = policy_spec(policy_for_county(unit))
    participants = trainees.count() + sum(1 for r in changed if r.pk is None)
    try:
        rules.check_grade_quota(spec, after, participants=participants)
    except rules.RuleError as exc:
        raise CreditRuleError(exc.code, **exc.params) from None
