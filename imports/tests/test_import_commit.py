"""The confirm writes all rows or none, with history, and re-importing creates no duplicates."""

import datetime
from decimal import Decimal

import pytest

from imports.errors import UploadAlreadyImported
from imports.steps import commit_upload
from imports.uploads import import_status
from institutions.choices import Role
from projects.choices import RecordStatus
from projects.models import TrainingRecord

from .test_import_support import (
    check,
    check_and_commit,
    errors_of,
    media,  # noqa: F401 a fixture
    record_row,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
History = TrainingRecord.history.model


@pytest.fixture
def admin(world):
    return world.users[Role.SCHOOL_ADMIN]


def test_new_records_are_drafts_with_history_naming_the_admin(world, admin):
    """Two new rows become two drafts (待申报), each with a history row by the admin."""
    rows = [record_row(world.T2, world.projR, grade="良好"), record_row(world.T1, world.projN)]
    upload, summary = check_and_commit(xlsx(rows), admin, "二班.xlsx")
    assert (summary.rows, summary.created, summary.updated, summary.unchanged) == (2, 2, 0, 0)
    assert summary.is_committed
    record = TrainingRecord.objects.get(teacher=world.T2, project=world.projR)
    assert (record.status, record.hours, record.grade, record.role) == (
        RecordStatus.DRAFT,
        Decimal(40),
        "good",
        "trainee",
    )
    history = record.history.get()
    assert (history.history_type, history.history_user) == ("+", admin)
    assert history.history_change_reason == "Excel 导入：二班.xlsx"
    assert import_status(upload=upload)["state"] == "committed"
    assert import_status(upload=upload)["written"] == 2


def test_one_bad_row_writes_nothing(world, admin):
    """Three good rows and one bad one: no record is created or changed (all or nothing)."""
    before = (TrainingRecord.objects.count(), History.objects.count())
    rows = [
        record_row(world.T2, world.projR),
        record_row(world.T2, world.projN),
        record_row(world.T1, world.proj1, hours=32),  # an update of rec1
        record_row(world.T1, world.projN, hours=8, leave=9),
    ]
    upload, summary = check_and_commit(xlsx(rows), admin)
    assert not summary.is_committed
    assert (summary.created, summary.updated, summary.error_rows) == (2, 1, 1)
    assert [e[:2] for e in errors_of(summary)] == [(5, "E")]
    assert (TrainingRecord.objects.count(), History.objects.count()) == before
    world.rec1.refresh_from_db()
    assert world.rec1.hours == Decimal(40)
    assert import_status(upload=upload)["state"] == "validated"


def test_reimporting_the_same_file_changes_nothing(world, admin):
    """A second import of the same file: every row unchanged, no duplicate, no new history."""
    content = xlsx([record_row(world.T2, world.projR), record_row(world.T2, world.projN)])
    check_and_commit(content, admin)
    counts = (TrainingRecord.objects.count(), History.objects.count())
    _upload, summary = check_and_commit(content, admin)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert (TrainingRecord.objects.count(), History.objects.count()) == counts


def test_changed_rows_update_drafts_and_send_rejected_back_to_draft(world, admin):
    """A draft is updated in place; a rejected record is corrected back to draft.

    A declared record is frozen (test_implausible_records.py).
    """
    world.rec4.status = RecordStatus.REJECTED
    world.rec4.reject_reason = "缺签到表"
    world.rec4.save()
    rows = [
        record_row(world.T1, world.proj1, hours=36),  # rec1, draft
        record_row(world.T1, world.projR, leave=4),  # rec4, rejected
    ]
    _upload, summary = check_and_commit(xlsx(rows), admin)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 2, 0)
    world.rec1.refresh_from_db()
    world.rec4.refresh_from_db()
    assert (world.rec1.hours, world.rec1.status) == (Decimal(36), RecordStatus.DRAFT)
    assert (world.rec4.leave_hours, world.rec4.status, world.rec4.reject_reason) == (
        Decimal(4),
        RecordStatus.DRAFT,
        "",
    )
    latest = world.rec4.history.latest()
    assert (latest.history_type, latest.history_user, latest.status) == ("~", admin, "draft")
    assert TrainingRecord.objects.filter(teacher=world.T1, project=world.projR).count() == 1


def test_blank_optional_cells_keep_what_is_stored(world, admin):
    """Blank 考核等次, 请假学时, 参训身份 and 完成日期 keep the stored values of a record."""
    world.rec1.grade = "good"
    world.rec1.leave_hours = Decimal(2)
    world.rec1.completed_on = datetime.date(2025, 3, 4)
    world.rec1.save()
    row = [world.T1.id_number, world.T1.name, world.proj1.code, 40, None, None, None, None]
    _upload, summary = check_and_commit(xlsx([row]), admin)
    assert (summary.unchanged, summary.errors) == (1, [])
    world.rec1.refresh_from_db()
    assert (world.rec1.grade, world.rec1.leave_hours, world.rec1.completed_on) == (
        "good",
        Decimal(2),
        datetime.date(2025, 3, 4),
    )


def test_approved_records_are_never_changed(world, admin):
    """A file that would change an approved record writes nothing at all."""
    world.rec4.status = RecordStatus.APPROVED
    world.rec4.save()
    rows = [record_row(world.T2, world.projN), record_row(world.T1, world.projR, grade="优秀")]
    _upload, summary = check_and_commit(xlsx(rows), admin)
    assert not summary.is_committed
    world.rec4.refresh_from_db()
    assert world.rec4.grade == "pass"
    assert not TrainingRecord.objects.filter(teacher=world.T2, project=world.projN).exists()


def test_confirm_checks_again_what_changed_since_the_preview(world, admin):
    """A record approved between preview and confirm turns the row into an error: nothing written."""
    rows = [record_row(world.T2, world.projN), record_row(world.T1, world.proj1, hours=30)]
    upload, preview = check(xlsx(rows), admin)
    assert preview.is_valid
    world.rec1.status = RecordStatus.APPROVED
    world.rec1.save()
    summary = commit_upload(upload=upload, by=admin)
    assert not summary.is_committed
    assert [e[:2] for e in errors_of(summary)] == [(3, "D")]
    assert "已认定学分" in summary.errors[0].message
    assert not TrainingRecord.objects.filter(teacher=world.T2, project=world.projN).exists()


def test_a_committed_upload_cannot_be_confirmed_twice(world, admin):
    upload, _summary = check_and_commit(xlsx([record_row(world.T2, world.projN)]), admin)
    with pytest.raises(UploadAlreadyImported, match="已经导入完成"):
        commit_upload(upload=upload, by=admin)
    assert TrainingRecord.objects.filter(teacher=world.T2, project=world.projN).count() == 1


def test_lead_instructor_row_is_stored_as_such(world, admin):
    row = record_row(world.T2, world.projR, grade=None, role="主讲教师")
    _upload, summary = check_and_commit(xlsx([row]), admin)
    assert summary.created == 1
    record = TrainingRecord.objects.get(teacher=world.T2, project=world.projR)
    assert (record.role, record.grade) == ("lead_instructor", "")
