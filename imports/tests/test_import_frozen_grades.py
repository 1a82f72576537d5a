"""A declared record's grade is frozen for the Excel import until the county returns it (#15).

The import reports the frozen grade as a row error and writes nothing; after a return (退回)
it may change the grade again. The other doors are in credits/tests/test_frozen_grades.py.
"""

import pytest

from credits.services import declare_records, reject_records
from institutions.choices import Role
from projects.choices import RecordStatus

from .test_import_support import (
    check_and_commit,
    errors_of,
    media,  # noqa: F401 a fixture
    record_row,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(world):
    """rec1 (张一, proj1, 合格) declared by school S1 to county C1."""
    declare_records(by=world.users[Role.SCHOOL_ADMIN], record_ids=[world.rec1.pk])
    world.rec1.refresh_from_db()
    assert world.rec1.status == RecordStatus.DECLARED
    return world.rec1


def _returned(world, record):
    reject_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[record.pk], reason="缺签到表")
    record.refresh_from_db()
    return record


@pytest.mark.usefixtures("media")
def test_an_import_cannot_change_a_declared_grade(world, declared):
    _upload, summary = check_and_commit(
        xlsx([record_row(world.T1, world.proj1, grade="优秀")]), world.users[Role.SCHOOL_ADMIN]
    )
    assert not summary.is_committed
    assert errors_of(summary) == [
        (
            2,
            "F",
            "该教师在此项目的记录已申报待审核，考核等次和学时已冻结，不能修改（考核等次 合格 → 优秀）。"
            "如需更正，请县级教育局先退回。",
        )
    ]
    declared.refresh_from_db()
    assert declared.grade == "pass"


@pytest.mark.usefixtures("media")
def test_after_a_return_an_import_can_change_the_grade(world, declared):
    record = _returned(world, declared)
    _upload, summary = check_and_commit(
        xlsx([record_row(world.T1, world.proj1, grade="良好")]), world.users[Role.SCHOOL_ADMIN]
    )
    assert (summary.updated, summary.errors) == (1, [])
    record.refresh_from_db()
    assert (record.grade, record.status) == ("good", RecordStatus.DRAFT)
