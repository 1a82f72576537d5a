"""Writes of the projects app: declaring school-based courses and reviewing projects."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from .choices import Category, Mode, ReviewStatus, Tier
from .errors import (
    ProjectNotSubmittable,
    ProjectsNotFound,
    ProjectsNotReviewable,
    ReviewNoteRequired,
)
from .models import TrainingProject


@transaction.atomic
def declare_school_based_course(
    *,
    by,
    name: str,
    hours: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> TrainingProject:
    """Declare a school-based course for review by the county (校本研修课程申报).

    002 三(三)10 先课程申报，再组班报名和学分申报; 004 三(三) 校本研修由学校组织. The course is a
    school-tier project of the admin's school, issued under its county, submitted at once.
    """
    school = by.school
    sequence = TrainingProject.objects.filter(school=school).count() + 1
    project = TrainingProject(
        code=f"XB{school.code}{starts_on:%Y}{sequence:03d}",
        name=name,
        tier=Tier.SCHOOL,
        issuing_unit=school.county,
        school=school,
        mode=Mode.SCHOOL_BASED,
        category=Category.SCHOOL_BASED,
        hours=hours,
        starts_on=starts_on,
        ends_on=ends_on,
        review_status=ReviewStatus.SUBMITTED,
    )
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def submit_project(*, by, project: TrainingProject) -> TrainingProject:
    """Submit a draft or returned project for review."""
    project = TrainingProject.objects.restrict(by, "change").select_for_update().get(pk=project.pk)
    if project.review_status not in (ReviewStatus.DRAFT, ReviewStatus.REJECTED):
        raise ProjectNotSubmittable()
    project.review_status = ReviewStatus.SUBMITTED
    project.save(update_fields=["review_status", "updated_at"])
    return project


@transaction.atomic
def review_projects(*, by, project_ids: Sequence[int], is_approved: bool, note: str = "") -> int:
    """Approve or return submitted projects in `by`'s jurisdiction (004 六(二) 审核).

    Only an approved project earns credits. Returning one needs a note saying what to fix.
    """
    note = note.strip()
    if not is_approved and not note:
        raise ReviewNoteRequired()
    wanted = set(project_ids)
    projects = list(
        TrainingProject.objects.restrict(by, "review")
        .filter(pk__in=wanted)
        .select_for_update()
        .order_by("pk")
    )
    if len(projects) != len(wanted):
        raise ProjectsNotFound(count=len(wanted) - len(projects))
    not_submitted = [p for p in projects if p.review_status != ReviewStatus.SUBMITTED]
    if not_submitted:
        raise ProjectsNotReviewable(count=len(not_submitted))
    now = timezone.now()
    for project in projects:
        project.review_status = ReviewStatus.APPROVED if is_approved else ReviewStatus.REJECTED
        project.reviewed_by = by
        project.reviewed_at = now
        project.review_note = note[:200]
        project.updated_at = now
    bulk_update_with_history(
        projects,
        TrainingProject,
        ["review_status", "reviewed_by", "reviewed_at", "review_note", "updated_at"],
        default_user=by,
        default_change_reason="审核通过" if is_approved else f"退回：{note}"[:100],
    )
    return len(projects)
