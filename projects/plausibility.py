"""What a training record can plausibly say, given its project and its teacher's school.

One place for the checks every door applies before a record is saved or approved: the
school's form (`credits.services.register_training_record`, `update_training_record`), the
Excel import and the API's bulk push (`credits.intake.planning.plan_rows`), the institution's
results page (`credits.services.enter_results`), declaring, and again the county's approval, so
nothing implausible reaches the ledger.

- 004 五(三) 学时由发文单位确定（培训中请假的需扣除）: the project's hours are the most a
  record can count, and leave is part of the hours attended: leave ≤ hours ≤ project hours.
- A record is completed within its project's dates, and not after today.
- 004 三(三) 校本研修由学校组织: a school-tier project is only for teachers of its own school.

The functions read only the values passed in and the project's own fields: they run no query,
so a file of 50,000 rows is checked without one more.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import Tier
from .errors import (
    CompletedAfterEnd,
    CompletedBeforeStart,
    CompletedInFuture,
    HoursAboveProject,
    ImplausibleRecord,
    ImplausibleRecords,
    LeaveAboveHours,
    ProjectOfAnotherSchool,
)
from .models import TrainingProject, TrainingRecord

__all__ = ["check_record", "check_records", "record_problems", "shown_hours"]

NAMED_PROBLEMS = 5  # a batch error names this many problems, then says 等


def shown_hours(value: Decimal) -> str:
    """Return hours as a person writes them: 16, 32.5 (not 16.0 or 1.6E+1)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def record_problems(
    *,
    project: TrainingProject,
    hours: Decimal | None,
    leave_hours: Decimal | None,
    completed_on: datetime.date | None,
    school_id: int | None,
    today: datetime.date | None,
    record: str = "",
) -> list[ImplausibleRecord]:
    """Return every reason the values cannot be true of a record of `project`, in field order.

    `school_id` is the teacher's school. Values left as None are not checked (the caller has
    already reported them missing). `today` None skips the future check: an enrolment (组班报名)
    is registered before its course ends. `record` names the record in each message ("" when
    the row or item is already named, as in the import's report).
    """
    problems: list[ImplausibleRecord] = []
    if hours is not None and hours > project.hours:
        problems.append(
            HoursAboveProject(
                record=record,
                hours=shown_hours(hours),
                limit=shown_hours(project.hours),
                project=project.name,
            )
        )
    if hours is not None and leave_hours is not None and leave_hours > hours:
        problems.append(
            LeaveAboveHours(record=record, leave=shown_hours(leave_hours), hours=shown_hours(hours))
        )
    if completed_on is not None:
        if completed_on < project.starts_on:
            problems.append(
                CompletedBeforeStart(record=record, value=completed_on, starts=project.starts_on)
            )
        elif completed_on > project.ends_on:
            problems.append(
                CompletedAfterEnd(record=record, value=completed_on, ends=project.ends_on)
            )
        if today is not None and completed_on > today:
            problems.append(CompletedInFuture(record=record, value=completed_on, today=today))
    if project.tier == Tier.SCHOOL and project.school_id != school_id:
        problems.append(
            ProjectOfAnotherSchool(record=record, project=project.name, code=project.code)
        )
    return problems


def _problems_of(record: TrainingRecord, today: datetime.date | None) -> list[ImplausibleRecord]:
    return record_problems(
        project=record.project,
        hours=record.hours,
        leave_hours=record.leave_hours,
        completed_on=record.completed_on,
        school_id=record.teacher.school_id,
        today=today,
        record=str(record),
    )


def check_record(record: TrainingRecord, *, today: datetime.date | None) -> None:
    """Raise the first reason `record` cannot be true; its message names the record.

    `record` needs `project` and `teacher` loaded (the teacher's school is read by id only).
    """
    problems = _problems_of(record, today)
    if problems:
        raise problems[0]


def check_records(records: list[TrainingRecord], *, today: datetime.date | None) -> None:
    """Raise ImplausibleRecords naming the records of a batch that cannot be true, if any.

    The records need `project` and `teacher` loaded; the first problem of each is named.
    """
    firsts = [problems[0] for r in records if (problems := _problems_of(r, today))]
    if not firsts:
        return
    details = "；".join(str(p) for p in firsts[:NAMED_PROBLEMS])
    if len(firsts) > NAMED_PROBLEMS:
        details += str(_("等"))
    raise ImplausibleRecords(count=len(firsts), details=details)
