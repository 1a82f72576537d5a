"""Rows that cannot be true are refused by the Excel import, each with its reason (#15).

99,999 hours on a 16-hour project, a completion date in 2031, a teacher on another school's
school-based (校本) course: each is a row error and nothing is written. The other doors (the
school's form, the institution's results page, declaring, enrolling, the county's approval)
are in credits/tests/test_implausible_records.py, whose projects these tests build too.
"""

from decimal import Decimal

import pytest

from institutions.choices import Role
from institutions.tests.factories import SchoolFactory
from projects.choices import Category, Mode, Tier
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory

from .test_import_support import (
    check,
    check_and_commit,
    errors_of,
    media,  # noqa: F401 a fixture
    record_row,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def short(world):
    """A 16-hour region project of 2025-03-01..2025-03-05, delivered by institution I1."""
    return TrainingProjectFactory(
        tier=Tier.REGION,
        issuing_unit=world.R,
        institution=world.I1,
        hours=Decimal(16),
        name="十六学时项目",
    )


@pytest.fixture
def sibling_course(world):
    """A school-based course of another school in county C1, which S1's admin can see."""
    sibling = SchoolFactory(county=world.C1, name="甲一县第二中学")
    return TrainingProjectFactory(
        tier=Tier.SCHOOL,
        issuing_unit=world.C1,
        school=sibling,
        institution=None,
        mode=Mode.SCHOOL_BASED,
        category=Category.SCHOOL_BASED,
        hours=Decimal(16),
        name="二中校本研修",
    )


@pytest.fixture
def own_course(world):
    """A school-based course of S1, the school admin's own school."""
    return TrainingProjectFactory(
        tier=Tier.SCHOOL,
        issuing_unit=world.C1,
        school=world.S1,
        institution=None,
        mode=Mode.SCHOOL_BASED,
        category=Category.SCHOOL_BASED,
        hours=Decimal(16),
        name="一中校本研修",
    )


@pytest.mark.usefixtures("media")
def test_the_import_reports_each_impossible_row_and_writes_nothing(world, short, sibling_course):
    # given
    admin = world.users[Role.SCHOOL_ADMIN]
    rows = [
        record_row(world.T2, world.projR),  # row 2: fine
        record_row(world.T2, short, hours=99999),  # row 3
        record_row(world.T1, short, hours=16, done="2031-01-01"),  # row 4
        record_row(world.T2, sibling_course, hours=16),  # row 5
    ]
    before = TrainingRecord.objects.count()
    # when
    _upload, summary = check_and_commit(xlsx(rows), admin)
    # then
    assert not summary.is_committed
    assert (summary.created, summary.error_rows) == (1, 3)
    assert errors_of(summary) == [
        (3, "D", "参训学时 99999 超过项目“十六学时项目”的学时 16，请核对。"),
        (4, "H", "完成日期 2031-01-01 晚于项目结束日期 2025-03-05，请核对。"),
        (
            5,
            "C",
            f"项目“二中校本研修”（{sibling_course.code}）是其他学校的校本研修项目，"
            "只能登记该校的教师，请核对项目。",
        ),
    ]
    assert TrainingRecord.objects.count() == before


@pytest.mark.usefixtures("media")
def test_the_import_checks_a_stored_records_values_after_the_row(world):
    """rec1 stores 8 hours of leave; a row of 4 hours with the leave left blank keeps the 8."""
    world.rec1.leave_hours = Decimal(8)
    world.rec1.save()
    row = record_row(world.T1, world.proj1, hours=4, leave=None)
    _upload, summary = check(xlsx([row]), world.users[Role.SCHOOL_ADMIN])
    assert errors_of(summary) == [(2, "E", "请假学时（8）不能超过参训学时（4）。")]


@pytest.mark.usefixtures("media")
def test_the_import_accepts_the_schools_own_course(world, own_course):
    admin = world.users[Role.SCHOOL_ADMIN]
    _upload, summary = check_and_commit(xlsx([record_row(world.T2, own_course, hours=16)]), admin)
    assert (summary.created, summary.errors) == (1, [])
