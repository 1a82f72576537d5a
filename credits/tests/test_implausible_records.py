"""Data that cannot be true is refused at every door, and never reaches the ledger (#15).

99,999 hours on a 16-hour project, a completion date in 2031, 500 hours entered by an
institution, a teacher on another school's school-based (校本) course: refused by the school's
form, the Excel import, the institution's results page, declaring, enrolling and the county's
approval. The Excel import has its own module (imports/tests/test_import_implausible_rows.py),
and so has the API push (tests/api/test_bulk_push_plausibility.py).
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from credits.models import CreditLedgerEntry
from credits.services import (
    TraineeResult,
    approve_records,
    declare_records,
    enrol_teachers,
    enter_results,
    register_training_record,
    update_training_record,
)
from institutions.choices import Role
from institutions.tests.factories import SchoolFactory
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.errors import (
    CompletedInFuture,
    HoursAboveProject,
    ImplausibleRecords,
    ProjectOfAnotherSchool,
)
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.tests.factories import TeacherFactory

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


def _form(teacher, project, **values):
    return {
        "teacher": teacher.pk,
        "project": project.pk,
        "hours": "16",
        "leave_hours": "0",
        "grade": "pass",
        "role": "trainee",
        **values,
    }


# -- the school's record form ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"hours": "99999"},
            "张二 · 十六学时项目：参训学时 99999 超过项目“十六学时项目”的学时 16，请核对。",
        ),
        (
            {"completed_on": "2031-01-01"},
            "张二 · 十六学时项目：完成日期 2031-01-01 晚于项目结束日期 2025-03-05，请核对。",
        ),
        (
            {"completed_on": "2025-02-01"},
            "张二 · 十六学时项目：完成日期 2025-02-01 早于项目开始日期 2025-03-01，请核对。",
        ),
    ],
)
def test_the_form_refuses_impossible_values_naming_them(client, world, short, values, message):
    # given
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    # when
    response = client.post(reverse("records:new"), _form(world.T2, short, **values))
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainingRecord.objects.filter(project=short).exists()


def test_the_form_offers_only_the_schools_own_school_based_courses(
    client, world, sibling_course, own_course
):
    """The project dropdown lists S1's course, not the other school's nor 乙校校本."""
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    form = client.get(reverse("records:new")).context["form"]
    offered = set(form.fields["project"].queryset)
    assert own_course in offered
    assert world.projR in offered
    assert sibling_course not in offered
    assert world.projS3 not in offered


def test_the_form_refuses_another_schools_course_sent_by_hand(client, world, sibling_course):
    """A tampered POST naming the other school's course is refused; nothing is saved."""
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    response = client.post(reverse("records:new"), _form(world.T2, sibling_course))
    assert response.status_code == 200
    assert response.context["form"].errors["project"]
    assert not TrainingRecord.objects.filter(project=sibling_course).exists()


def test_the_registration_service_refuses_another_schools_course(world, sibling_course):
    """Behind the form, the service itself refuses the course, with a clear message."""
    with pytest.raises(ProjectOfAnotherSchool) as excinfo:
        register_training_record(
            by=world.users[Role.SCHOOL_ADMIN],
            teacher=world.T2,
            project=sibling_course,
            hours=Decimal(16),
            grade="pass",
            completed_on=datetime.date(2025, 3, 5),
        )
    assert str(excinfo.value) == (
        f"张二 · 二中校本研修：项目“二中校本研修”（{sibling_course.code}）是其他学校的校本研修项目，"
        "只能登记该校的教师，请核对项目。"
    )
    assert not TrainingRecord.objects.filter(project=sibling_course).exists()


def test_the_schools_own_course_is_registered(world, own_course):
    record = register_training_record(
        by=world.users[Role.SCHOOL_ADMIN],
        teacher=world.T2,
        project=own_course,
        hours=Decimal(16),
        grade="pass",
    )
    assert (record.project, record.completed_on) == (own_course, own_course.ends_on)


def test_correcting_a_draft_to_impossible_hours_is_refused(world):
    """rec1 is a 40-hour draft of the 40-hour proj1; 41 hours cannot be."""
    with pytest.raises(HoursAboveProject, match="参训学时 41 超过项目“甲一县项目”的学时 40"):
        update_training_record(
            by=world.users[Role.SCHOOL_ADMIN], record=world.rec1, hours=Decimal(41)
        )
    world.rec1.refresh_from_db()
    assert world.rec1.hours == Decimal(40)


# -- the institution's results -----------------------------------------------------------------
def test_the_results_page_refuses_500_hours_on_a_40_hour_project(client, world):
    # given
    client.force_login(world.users[Role.INSTITUTION_STAFF])
    url = reverse("credits:project_results", args=[world.proj1.pk])
    # when
    page = client.post(
        url, {f"hours-{world.rec1.pk}": "500", f"grade-{world.rec1.pk}": "good"}
    ).content.decode()
    # then
    assert "张一 · 甲一县项目：参训学时 500 超过项目“甲一县项目”的学时 40，请核对。" in page
    world.rec1.refresh_from_db()
    assert (world.rec1.hours, world.rec1.grade) == (Decimal(40), "pass")


def test_the_results_service_refuses_500_hours_and_writes_nothing(world):
    """One impossible trainee stops the whole entry: rec2's grade is not saved either."""
    results = {
        world.rec1.pk: TraineeResult(grade="pass", hours=Decimal(500)),
        world.rec2.pk: TraineeResult(grade="good"),
    }
    with pytest.raises(HoursAboveProject, match="参训学时 500"):
        enter_results(project=world.proj1, results=results, by=world.users[Role.INSTITUTION_STAFF])
    world.rec2.refresh_from_db()
    assert world.rec2.grade == "pass"


# -- declaring and enrolling -------------------------------------------------------------------
def test_declaring_an_impossible_record_is_refused(world, short):
    """A record written around every door (here by a factory) is stopped at declaration."""
    record = TrainingRecordFactory(teacher=world.T2, project=short, hours=Decimal(99999))
    with pytest.raises(ImplausibleRecords, match="参训学时 99999 超过项目“十六学时项目”的学时 16"):
        declare_records(by=world.users[Role.SCHOOL_ADMIN], record_ids=[record.pk, world.rec1.pk])
    record.refresh_from_db()
    world.rec1.refresh_from_db()
    assert (record.status, world.rec1.status) == (RecordStatus.DRAFT, RecordStatus.DRAFT)


def test_enrolling_in_another_schools_course_is_refused(world, sibling_course):
    with pytest.raises(ImplausibleRecords, match="是其他学校的校本研修项目"):
        enrol_teachers(
            by=world.users[Role.SCHOOL_ADMIN], project=sibling_course, teacher_ids=[world.T1.pk]
        )
    assert not TrainingRecord.objects.filter(project=sibling_course).exists()


def test_enrolling_in_a_course_still_running_is_allowed(world, own_course):
    """An enrolment precedes the course's end: its end date may be after today."""
    own_course.ends_on = timezone.localdate() + datetime.timedelta(days=30)
    own_course.save()
    assert (
        enrol_teachers(
            by=world.users[Role.SCHOOL_ADMIN], project=own_course, teacher_ids=[world.T1.pk]
        )
        == 1
    )


# -- the county's approval ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"hours": Decimal(99999)}, "参训学时 99999 超过项目“十六学时项目”的学时 16"),
        ({"completed_on": datetime.date(2031, 1, 1)}, "完成日期 2031-01-01 晚于项目结束日期"),
    ],
)
def test_approval_refuses_impossible_records_and_posts_nothing(world, short, values, message):
    # given: declared records written around every door
    bad = TrainingRecordFactory(
        teacher=world.T2,
        project=short,
        status=RecordStatus.DECLARED,
        **{"hours": Decimal(16), "completed_on": datetime.date(2025, 3, 5), **values},
    )
    world.rec1.status = RecordStatus.DECLARED
    world.rec1.save()
    # when
    with pytest.raises(ImplausibleRecords) as excinfo:
        approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[world.rec1.pk, bad.pk])
    # then
    assert str(excinfo.value).startswith(
        "有 1 条记录与培训项目不符，请更正后再提交：张二 · 十六学时项目："
    )
    assert message in str(excinfo.value)
    assert not CreditLedgerEntry.objects.exists()
    bad.refresh_from_db()
    assert bad.status == RecordStatus.DECLARED


def test_approval_refuses_a_teacher_on_another_schools_course(world, sibling_course):
    record = TrainingRecordFactory(
        teacher=world.T1, project=sibling_course, hours=Decimal(16), status=RecordStatus.DECLARED
    )
    with pytest.raises(ImplausibleRecords, match="是其他学校的校本研修项目"):
        approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[record.pk])
    assert not CreditLedgerEntry.objects.exists()


def test_the_approval_page_says_which_record_is_impossible(client, world):
    """An officer approving a 500-hour record sees why on the queue page; nothing posts."""
    record = TrainingRecordFactory(
        teacher=TeacherFactory(school=world.S1, name="王五"),
        project=world.proj1,
        hours=Decimal(500),
        status=RecordStatus.DECLARED,
    )
    client.force_login(world.users[Role.COUNTY_OFFICER])
    response = client.post(
        reverse("credits:records_decide"),
        {"record_ids": [record.pk], "decision": "approve"},
        follow=True,
    )
    assert "王五 · 甲一县项目：参训学时 500 超过项目“甲一县项目”的学时 40" in (
        response.content.decode()
    )
    assert not CreditLedgerEntry.objects.exists()


def test_completed_on_equal_to_today_within_the_project_is_approved(world):
    """The limits are inclusive: a project ending today, completed today, is approvable."""
    today = timezone.localdate()
    project = TrainingProjectFactory(
        tier=Tier.REGION,
        issuing_unit=world.R,
        starts_on=today - datetime.timedelta(days=4),
        ends_on=today,
        hours=Decimal(40),
    )
    record = TrainingRecordFactory(
        teacher=world.T1, project=project, completed_on=today, status=RecordStatus.DECLARED
    )
    result = approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[record.pk])
    assert result.approved == 1


def test_a_future_completion_inside_a_running_project_is_refused_at_registration(world):
    today = timezone.localdate()
    project = TrainingProjectFactory(
        tier=Tier.REGION,
        issuing_unit=world.R,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=30),
    )
    later = today + datetime.timedelta(days=1)
    with pytest.raises(CompletedInFuture, match=f"完成日期 {later} 晚于今天（{today}）"):
        register_training_record(
            by=world.users[Role.SCHOOL_ADMIN],
            teacher=world.T2,
            project=project,
            hours=Decimal(8),
            grade="pass",
            completed_on=later,
        )
