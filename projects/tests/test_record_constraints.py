"""Database constraints on projects and records: hours, leave, dates and duplicate enrolment."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.choices import Tier
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def test_leave_above_hours_is_refused_by_the_database():
    """请假学时不能超过参训学时 (004 五(三)): a CHECK constraint, whatever the caller."""
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRecordFactory(hours=Decimal(8), leave_hours=Decimal(9))
    assert TrainingRecord.objects.count() == 0


def test_leave_above_hours_gets_a_chinese_message_from_full_clean():
    """Forms and imports see the constraint's own Chinese message."""
    record = TrainingRecordFactory(hours=Decimal(8), leave_hours=Decimal(0))
    record.leave_hours = Decimal(9)
    with pytest.raises(ValidationError, match="请假学时不能超过参训学时"):
        record.full_clean()


@pytest.mark.parametrize("field", ["hours", "leave_hours"])
def test_negative_hours_are_refused(field):
    """Hours and leave are never negative."""
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRecordFactory(**{field: Decimal(-1)})


def test_duplicate_enrolment_is_refused():
    """A teacher is registered on a project once (unique teacher, project)."""
    record = TrainingRecordFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRecordFactory(teacher=record.teacher, project=record.project)
    duplicate = TrainingRecord(
        teacher=record.teacher,
        project=record.project,
        hours=Decimal(4),
        completed_on=datetime.date(2025, 3, 5),
    )
    with pytest.raises(ValidationError, match="不能重复登记"):
        duplicate.full_clean()


def test_zero_leave_equal_hours_is_allowed():
    """Leave equal to the hours is the edge that stays allowed (0 effective hours)."""
    record = TrainingRecordFactory(hours=Decimal(8), leave_hours=Decimal(8))
    assert record.effective_hours == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": Decimal(0)}, "计划学时必须大于0"),
        (
            {"starts_on": datetime.date(2025, 3, 5), "ends_on": datetime.date(2025, 3, 1)},
            "结束日期不能早于开始日期",
        ),
        ({"tier": Tier.COUNTY, "issuing_unit": None}, "必须填写发文单位"),
        ({"tier": Tier.SCHOOL, "school": None}, "校级项目必须指定组织学校"),
    ],
)
def test_invalid_projects_are_refused_with_a_chinese_message(kwargs, message):
    """Project constraints hold in the database and explain themselves in full_clean."""
    # given a valid saved project
    project = TrainingProjectFactory()
    # when it is made invalid
    for field, value in kwargs.items():
        setattr(project, field, value)
    # then
    with pytest.raises(ValidationError, match=message):
        project.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_record_history_keeps_every_status_change():
    """Every state change of a record is kept with when it happened."""
    record = TrainingRecordFactory()
    record.status = "declared"
    record.save()
    record.status = "approved"
    record.save()
    assert [h.status for h in record.history.order_by("history_date")] == [
        "draft",
        "declared",
        "approved",
    ]
