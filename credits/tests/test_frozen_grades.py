"""A declared record's grade is frozen until the county returns it (退回) (#15).

The county approves what the school declared: neither the institution's results page, nor the
school's form or import, changes a declared record. After a return both can again.
The Excel import has its own module (imports/tests/test_import_frozen_grades.py), and the API
push its own test (tests/api/test_bulk_push_plausibility.py).
"""

import pytest
from django.urls import reverse

from credits.errors import GradesFrozen, RecordsNotEditable
from credits.services import declare_records, enter_grades, reject_records, update_training_record
from institutions.choices import Role
from projects.choices import RecordStatus

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


def test_the_institution_cannot_change_a_declared_grade(world, declared):
    # when
    with pytest.raises(GradesFrozen) as excinfo:
        enter_grades(
            project=world.proj1,
            grades={declared.pk: "excellent"},
            by=world.users[Role.INSTITUTION_STAFF],
        )
    # then
    assert str(excinfo.value) == (
        "有 1 条记录已申报待审核（张一），考核等次和学时已冻结，不能修改；"
        "如需更正，请县级教育局先退回。"
    )
    declared.refresh_from_db()
    assert declared.grade == "pass"


def test_the_results_page_shows_a_declared_grade_frozen_and_refuses_a_forged_post(
    client, world, declared
):
    client.force_login(world.users[Role.INSTITUTION_STAFF])
    url = reverse("credits:project_results", args=[world.proj1.pk])
    page = client.get(url).content.decode()
    assert "已申报待审核，成绩已冻结；县级教育局退回后才能修改。" in page
    assert f'name="grade-{declared.pk}"' not in page
    assert f'name="grade-{world.rec2.pk}"' in page  # rec2 is a draft: still open
    response = client.post(url, {f"grade-{declared.pk}": "excellent"})
    assert "考核等次和学时已冻结" in response.content.decode()
    declared.refresh_from_db()
    assert declared.grade == "pass"


def test_the_school_cannot_change_a_declared_grade(client, world, declared):
    with pytest.raises(RecordsNotEditable):
        update_training_record(
            by=world.users[Role.SCHOOL_ADMIN], record=declared, grade="excellent"
        )
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    response = client.post(
        reverse("records:edit", args=[declared.pk]),
        {
            "hours": "40",
            "leave_hours": "0",
            "grade": "excellent",
            "role": "trainee",
            "completed_on": "2025-03-05",
        },
    )
    assert "已申报或已认定，不能修改" in response.content.decode()
    declared.refresh_from_db()
    assert declared.grade == "pass"


def test_after_a_return_the_institution_can_change_the_grade(world, declared):
    record = _returned(world, declared)
    assert (
        enter_grades(
            project=world.proj1, grades={record.pk: "good"}, by=world.users[Role.INSTITUTION_STAFF]
        )
        == 1
    )
    record.refresh_from_db()
    assert (record.grade, record.status) == ("good", RecordStatus.REJECTED)


def test_after_a_return_the_school_can_change_the_grade(world, declared):
    record = _returned(world, declared)
    update_training_record(by=world.users[Role.SCHOOL_ADMIN], record=record, grade="good")
    record.refresh_from_db()
    assert (record.grade, record.status) == ("good", RecordStatus.DRAFT)
