"""A record's hours, leave, date and school must be possible for its project."""

import datetime
from decimal import Decimal

import pytest

from projects.choices import Tier
from projects.errors import (
    CompletedAfterEnd,
    CompletedBeforeStart,
    CompletedInFuture,
    HoursAboveProject,
    ImplausibleRecords,
    LeaveAboveHours,
    ProjectOfAnotherSchool,
)
from projects.models import TrainingProject, TrainingRecord
from projects.plausibility import check_record, check_records, record_problems, shown_hours
from trainees.models import Teacher

TODAY = datetime.date(2026, 12, 2)


def _project(**values) -> TrainingProject:
    """A 16-hour project of 2025-03-01..2025-03-05 (not saved: the rule runs no query)."""
    return TrainingProject(
        name="班主任培训",
        code="XJ2025CO0001",
        tier=values.pop("tier", Tier.COUNTY),
        hours=Decimal(16),
        starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2025, 3, 5),
        **values,
    )


def _problems(project=None, **values):
    claim = {
        "hours": Decimal(16),
        "leave_hours": Decimal(0),
        "completed_on": datetime.date(2025, 3, 5),
        "school_id": 7,
        "today": TODAY,
        **values,
    }
    return record_problems(project=project or _project(), **claim)


def test_a_record_at_every_limit_is_plausible():
    """16 of 16 hours, 16 hours of leave, completed on the last day: all possible."""
    assert _problems(leave_hours=Decimal(16)) == []
    assert _problems(completed_on=datetime.date(2025, 3, 1)) == []


@pytest.mark.parametrize(
    ("values", "error", "field", "message"),
    [
        (
            {"hours": Decimal(99999)},
            HoursAboveProject,
            "hours",
            "参训学时 99999 超过项目“班主任培训”的学时 16，请核对。",
        ),
        (
            {"hours": Decimal("16.5")},
            HoursAboveProject,
            "hours",
            "参训学时 16.5 超过项目“班主任培训”的学时 16，请核对。",
        ),
        (
            {"hours": Decimal(8), "leave_hours": Decimal(9)},
            LeaveAboveHours,
            "leave_hours",
            "请假学时（9）不能超过参训学时（8）。",
        ),
        (
            {"completed_on": datetime.date(2025, 2, 28)},
            CompletedBeforeStart,
            "completed_on",
            "完成日期 2025-02-28 早于项目开始日期 2025-03-01，请核对。",
        ),
        (
            {"completed_on": datetime.date(2025, 3, 6)},
            CompletedAfterEnd,
            "completed_on",
            "完成日期 2025-03-06 晚于项目结束日期 2025-03-05，请核对。",
        ),
    ],
)
def test_each_impossible_value_is_named_with_its_numbers(values, error, field, message):
    (problem,) = _problems(**values)
    assert (type(problem), problem.field, str(problem)) == (error, field, message)


def test_a_completion_date_after_today_is_refused_even_within_the_project():
    """A project running into next year: a date within it but after today is not done yet."""
    project = _project()
    project.ends_on = datetime.date(2027, 6, 30)
    (problem,) = _problems(project, completed_on=datetime.date(2027, 1, 15))
    assert isinstance(problem, CompletedInFuture)
    assert str(problem) == "完成日期 2027-01-15 晚于今天（2026-12-02），培训完成后才能登记。"
    assert _problems(project, completed_on=datetime.date(2027, 1, 15), today=None) == []


def test_a_date_in_2031_is_after_the_project_and_after_today():
    problems = _problems(completed_on=datetime.date(2031, 1, 1))
    assert [type(p) for p in problems] == [CompletedAfterEnd, CompletedInFuture]


def test_a_school_based_project_is_only_for_its_own_schools_teachers():
    """004 三(三) 校本研修由学校组织: school 7's course takes school 7's teachers only."""
    course = _project(tier=Tier.SCHOOL, school_id=7)
    assert _problems(course, school_id=7) == []
    (problem,) = _problems(course, school_id=8)
    assert isinstance(problem, ProjectOfAnotherSchool)
    assert problem.field == "project"
    assert str(problem) == (
        "项目“班主任培训”（XJ2025CO0001）是其他学校的校本研修项目，只能登记该校的教师，请核对项目。"
    )
    assert _problems(_project(school_id=7), school_id=8) == []  # a county project: anyone


def test_every_problem_is_reported_in_field_order():
    problems = _problems(
        _project(tier=Tier.SCHOOL, school_id=7),
        hours=Decimal(20),
        leave_hours=Decimal(30),
        completed_on=datetime.date(2025, 1, 1),
        school_id=8,
    )
    assert [p.field for p in problems] == ["hours", "leave_hours", "completed_on", "project"]


def test_the_message_of_a_record_starts_with_the_record():
    record = TrainingRecord(
        teacher=Teacher(name="张一", school_id=7),
        project=_project(),
        hours=Decimal(99999),
        leave_hours=Decimal(0),
        completed_on=datetime.date(2025, 3, 5),
    )
    with pytest.raises(HoursAboveProject) as excinfo:
        check_record(record, today=TODAY)
    assert str(excinfo.value) == (
        "张一 · 班主任培训：参训学时 99999 超过项目“班主任培训”的学时 16，请核对。"
    )


def test_a_batch_names_each_implausible_record_once():
    good = TrainingRecord(
        teacher=Teacher(name="张一", school_id=7),
        project=_project(),
        hours=Decimal(16),
        leave_hours=Decimal(0),
        completed_on=datetime.date(2025, 3, 5),
    )
    bad = TrainingRecord(
        teacher=Teacher(name="张二", school_id=7),
        project=_project(),
        hours=Decimal(500),
        leave_hours=Decimal(0),
        completed_on=datetime.date(2031, 1, 1),
    )
    check_records([good], today=TODAY)
    with pytest.raises(ImplausibleRecords) as excinfo:
        check_records([good, bad], today=TODAY)
    assert str(excinfo.value) == (
        "有 1 条记录与培训项目不符，请更正后再提交："
        "张二 · 班主任培训：参训学时 500 超过项目“班主任培训”的学时 16，请核对。"
    )


@pytest.mark.parametrize(
    ("hours", "shown"),
    [(Decimal("16.0"), "16"), (Decimal("32.5"), "32.5"), (Decimal("1E+2"), "100"), (0, "0")],
)
def test_hours_are_shown_as_written(hours, shown):
    assert shown_hours(Decimal(hours)) == shown
