"""Entering assessment grades within the policy's grade quotas."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from projects.choices import RecordRole, RecordStatus
from projects.models import TrainingProject, TrainingRecord

from .. import rules
from ..errors import CreditRuleError, RecordsLocked, RecordsNotFound
from ..selectors import policy_for_county, policy_spec


@transaction.atomic
def enter_grades(*, project: TrainingProject, grades: Mapping[int, str], by) -> int:
    """Set the assessment grades of a project's trainees, within the policy's grade quotas.

    004 五(三) 考核等次由承训院校确定; 004 五(二)2 良好以上不超过30%，优秀不超过15%. The quota
    is checked over every graded trainee of the project after the change, so entering grades
    in several sittings cannot get round it. Nothing is written when a quota would break.
    Returns the number of records graded.
    """
    records = list(
        TrainingRecord.objects.restrict(by, "grade")
        .filter(project=project, pk__in=list(grades))
        .select_related("teacher__school__county")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if len(records) != len(set(grades)):
        raise RecordsNotFound(count=len(set(grades)) - len(records))
    locked = [r for r in records if r.status == RecordStatus.APPROVED]
    if locked:
        raise RecordsLocked(count=len(locked))
    now = timezone.now()
    for record in records:
        record.grade = grades[record.pk]
        record.updated_at = now
    check_project_quota(project=project, changed=records)
    bulk_update_with_history(records, TrainingRecord, ["grade", "updated_at"], default_user=by)
    return len(records)


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
