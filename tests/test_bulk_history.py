"""core.history.write_bulk_history writes the history rows simple_history would write."""

from decimal import Decimal

import pytest

from core.history import write_bulk_history
from institutions.choices import Role
from projects.choices import RecordStatus
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory
from trainees.tests.factories import TeacherFactory

# Differ by construction: the history row's own id and the moment it was written.
OWN_COLUMNS = {"history_id", "history_date"}


def _history_rows(records) -> list[dict]:
    history = TrainingRecord.history.filter(id__in=[r.pk for r in records]).order_by("id", "pk")
    return [{k: v for k, v in row.items() if k not in OWN_COLUMNS} for row in history.values()]


def _unsaved_records(world, count: int, **values) -> list[TrainingRecord]:
    project = TrainingProjectFactory(issuing_unit=world.R)
    teachers = TeacherFactory.create_batch(count, school=world.S1)
    return [
        TrainingRecord(
            teacher=teacher,
            project=project,
            hours=Decimal("12.5"),
            completed_on=project.ends_on,
            grade="pass",
            **values,
        )
        for teacher in teachers
    ]


def test_created_rows_match_simple_history(world):
    # given: two identical sets of new records, one recorded by simple_history itself
    theirs = TrainingRecord.objects.bulk_create(_unsaved_records(world, 3))
    TrainingRecord.history.bulk_history_create(
        theirs, default_user=world.users[Role.SCHOOL_ADMIN], default_change_reason="导入"
    )
    ours = TrainingRecord.objects.bulk_create(_unsaved_records(world, 3))
    # when
    write_bulk_history(ours, TrainingRecord, by=world.users[Role.SCHOOL_ADMIN], reason="导入")
    # then: the same columns, apart from the record's own id and its teacher and project
    mine, expected = _history_rows(ours), _history_rows(theirs)
    assert len(mine) == 3
    for row in (*mine, *expected):
        for column in ("id", "teacher_id", "project_id", "created_at", "updated_at"):
            row.pop(column)
    assert mine == expected
    assert {r["history_type"] for r in mine} == {"+"}
    assert {r["history_user_id"] for r in mine} == {world.users[Role.SCHOOL_ADMIN].pk}


def test_changed_rows_copy_the_values_as_stored(world):
    # given
    records = TrainingRecord.objects.bulk_create(_unsaved_records(world, 2))
    for record in records:
        record.status = RecordStatus.REJECTED
        record.reject_reason = "学时不符"
    TrainingRecord.objects.bulk_update(records, ["status", "reject_reason"])
    # when
    write_bulk_history(records, TrainingRecord, by=None, reason="", changed=True)
    # then
    rows = _history_rows(records)
    assert [(r["id"], r["status"], r["reject_reason"], r["history_type"]) for r in rows] == [
        (records[0].pk, RecordStatus.REJECTED, "学时不符", "~"),
        (records[1].pk, RecordStatus.REJECTED, "学时不符", "~"),
    ]
    assert {r["history_user_id"] for r in rows} == {None}


def test_nothing_to_record_writes_nothing(world):
    before = TrainingRecord.history.count()
    write_bulk_history([], TrainingRecord, by=None, reason="")
    assert TrainingRecord.history.count() == before


@pytest.mark.postgres
def test_postgresql_copies_in_one_statement(world, django_assert_num_queries):
    records = TrainingRecord.objects.bulk_create(_unsaved_records(world, 5))
    with django_assert_num_queries(1):
        write_bulk_history(
            records, TrainingRecord, by=world.users[Role.SCHOOL_ADMIN], reason="接口推送"
        )
