"""Registering training records and declaring them to the county (004 六(一)4 学分登记申报)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects.choices import RecordRole, RecordStatus
from projects.models import TrainingProject, TrainingRecord
from projects.plausibility import check_record, check_records
from trainees.models import Teacher

from ..errors import RecordsNotDeclarable, RecordsNotEditable, RecordsNotFound
from .grading import check_project_quota

EDITABLE = (RecordStatus.DRAFT, RecordStatus.REJECTED)


@transaction.atomic
def register_training_record(
    *,
    by,
    teacher: Teacher,
    project: TrainingProject,
    hours: Decimal,
    leave_hours: Decimal = Decimal(0),
    grade: str = "",
    role: str = RecordRole.TRAINEE,
    completed_on: datetime.date | None = None,
) -> TrainingRecord:
    """Register one teacher's attendance at an approved project, as a draft of the school.

    The teacher must be one `by` may change and the project one `by` can see and the bureau
    approved (004 六(二) 未经审核的不予登记学分). The record must be plausible
    (`projects.plausibility`: hours, leave, dates, a school-based project's own school) and the
    grade quota of the project holds.
    """
    teacher = (
        Teacher.objects.restrict(by, "change").select_related("school__county").get(pk=teacher.pk)
    )
    project = TrainingProject.objects.restrict(by, "view").approved().get(pk=project.pk)
    record = TrainingRecord(
        teacher=teacher,
        project=project,
        hours=hours,
        leave_hours=leave_hours,
        grade=grade,
        role=role,
        completed_on=completed_on or project.ends_on,
    )
    check_record(record, today=timezone.localdate())
    record.full_clean()
    record.save()
    if grade:
        check_project_quota(project=project, changed=[record])
    return record


@transaction.atomic
def update_training_record(*, by, record: TrainingRecord, **values) -> TrainingRecord:
    """Change a draft or rejected record; a rejected one goes back to draft (待申报)."""
    record = (
        TrainingRecord.objects.restrict(by, "change")
        .select_related("project", "teacher__school__county")
        .select_for_update(of=("self",))
        .get(pk=record.pk)
    )
    if record.status not in EDITABLE:
        raise RecordsNotEditable(count=1)
    for field, value in values.items():
        setattr(record, field, value)
    record.status = RecordStatus.DRAFT
    check_record(record, today=timezone.localdate())
    record.full_clean()
    record.save()
    if record.grade:
        check_project_quota(project=record.project, changed=[record])
    return record


@transaction.atomic
def declare_records(*, by, record_ids: Sequence[int]) -> int:
    """Declare draft or rejected records to the county for approval (学分登记申报).

    A record needs its grade (a lead instructor needs none) and must be plausible
    (`projects.plausibility`). All the records are declared, or none: the error says how many
    cannot be.
    """
    wanted = set(record_ids)
    records = list(
        TrainingRecord.objects.restrict(by, "declare")
        .filter(pk__in=wanted)
        .select_related("project", "teacher")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if len(records) != len(wanted):
        raise RecordsNotFound(count=len(wanted) - len(records))
    not_ready = [
        r
        for r in records
        if r.status not in EDITABLE or (not r.grade and r.role == RecordRole.TRAINEE)
    ]
    if not_ready:
        raise RecordsNotDeclarable(count=len(not_ready))
    check_records(records, today=timezone.localdate())
    now = timezone.now()
    for record in records:
        record.status = RecordStatus.DECLARED
        record.reject_reason = ""
        record.updated_at = now
    bulk_update_with_history(
        records,
        TrainingRecord,
        ["status", "reject_reason", "updated_at"],
        default_user=by,
        default_change_reason="申报",
    )
    return len(records)


@transaction.atomic
def enrol_teachers(*, by, project: TrainingProject, teacher_ids: Sequence[int]) -> int:
    """Enrol teachers in an approved school-based course: one draft record each (组班报名).

    002 三(三)10 先课程申报，再组班报名和学分申报. Teachers already enrolled are skipped.
    Hours default to the course's hours; the school enters grades before declaring. A school's
    course takes only its own teachers (`projects.plausibility`); the course may not have
    ended yet, so its end date is not checked against today.
    """
    project = TrainingProject.objects.restrict(by, "view").approved().get(pk=project.pk)
    teachers = list(Teacher.objects.restrict(by, "change").filter(pk__in=set(teacher_ids)))
    if len(teachers) != len(set(teacher_ids)):
        raise RecordsNotFound(count=len(set(teacher_ids)) - len(teachers))
    enrolled = set(
        TrainingRecord.objects.filter(project=project).values_list("teacher_id", flat=True)
    )
    records = [
        TrainingRecord(
            teacher=teacher,
            project=project,
            hours=project.hours,
            completed_on=project.ends_on,
        )
        for teacher in teachers
        if teacher.pk not in enrolled
    ]
    check_records(records, today=None)
    for record in records:
        record.full_clean(validate_unique=False)
    bulk_create_with_history(records, TrainingRecord, default_user=by)
    return len(records)
