"""POST /records/bulk/ refuses data that cannot be true, item by item, and writes nothing (#15).

Hours above the project's, a completion date in 2031, a teacher on another school's
school-based course and a change to a declared record are item errors in the documented shape
{"code": "invalid_items", "message", "params", "errors": [{index, external_id, field, message}]}.
"""

from decimal import Decimal

import pytest

from credits.services import declare_records, reject_records
from institutions.choices import Role
from institutions.tests.factories import SchoolFactory
from platforms.models import ExternalRecordKey
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/records/bulk/"


def item(external_id, teacher, project, **values):
    return {
        "external_id": external_id,
        "id_number": teacher.id_number,
        "name": teacher.name,
        "project_code": project.code,
        "hours": 16,
        "grade": "pass",
        "completed_on": "2025-03-05",
        **values,
    }


@pytest.fixture
def short(api):
    """A 16-hour region project of 2025-03-01..2025-03-05."""
    return TrainingProjectFactory(
        tier=Tier.REGION, issuing_unit=api.world.R, hours=Decimal(16), name="十六学时项目"
    )


@pytest.fixture
def sibling_course(api):
    """A school-based course of another school of county C1, the county client's county."""
    return TrainingProjectFactory(
        tier=Tier.SCHOOL,
        issuing_unit=api.world.C1,
        school=SchoolFactory(county=api.world.C1, name="甲一县第二中学"),
        institution=None,
        mode=Mode.SCHOOL_BASED,
        category=Category.SCHOOL_BASED,
        hours=Decimal(16),
        name="二中校本研修",
    )


def test_impossible_items_are_item_errors_and_nothing_is_written(api, short, sibling_course):
    # given
    w = api.world
    records = [
        item("ok", w.T2, w.projR, hours=40),
        item("too-many-hours", w.T2, short, hours=99999),
        item("in-2031", w.T1, short, completed_on="2031-01-01"),
        item("other-school", w.T2, sibling_course),
    ]
    before = TrainingRecord.objects.count()
    # when
    response = api.county.post(URL, {"records": records}, format="json")
    # then
    assert response.status_code == 400
    data = response.json()
    assert (data["code"], data["params"]) == ("invalid_items", {"count": 3})
    assert data["message"].startswith("共 3 条记录有误，本次没有写入任何记录。")
    assert data["errors"] == [
        {
            "index": 1,
            "external_id": "too-many-hours",
            "field": "hours",
            "message": "参训学时 99999 超过项目“十六学时项目”的学时 16，请核对。",
        },
        {
            "index": 2,
            "external_id": "in-2031",
            "field": "completed_on",
            "message": "完成日期 2031-01-01 晚于项目结束日期 2025-03-05，请核对。",
        },
        {
            "index": 3,
            "external_id": "other-school",
            "field": "project_code",
            "message": f"项目“二中校本研修”（{sibling_course.code}）是其他学校的校本研修项目，"
            "只能登记该校的教师，请核对项目。",
        },
    ]
    assert TrainingRecord.objects.count() == before
    assert not ExternalRecordKey.objects.exists()


def test_a_school_based_course_takes_its_own_schools_teachers(api):
    """The region client may push 李三 onto 乙校校本 (his school's), not 张一."""
    w = api.world
    ok = api.region.post(URL, {"records": [item("s-1", w.T3, w.projS3)]}, format="json")
    assert ok.status_code == 200, ok.json()
    refused = api.region.post(URL, {"records": [item("s-2", w.T1, w.projS3)]}, format="json")
    assert refused.status_code == 400
    assert [(e["index"], e["field"]) for e in refused.json()["errors"]] == [(0, "project_code")]
    assert not TrainingRecord.objects.filter(teacher=w.T1, project=w.projS3).exists()


def test_a_push_cannot_change_a_declared_grade_until_it_is_returned(api):
    # given: rec1 (张一, proj1, 合格) declared
    w = api.world
    declare_records(by=w.users[Role.SCHOOL_ADMIN], record_ids=[w.rec1.pk])
    change = {"records": [item("r1", w.T1, w.proj1, hours=40, grade="excellent")]}
    # when
    refused = api.county.post(URL, change, format="json")
    # then
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "index": 0,
            "external_id": "r1",
            "field": "grade",
            "message": "该教师在此项目的记录已申报待审核，考核等次和学时已冻结，不能修改"
            "（考核等次 合格 → 优秀）。如需更正，请县级教育局先退回。",
        }
    ]
    w.rec1.refresh_from_db()
    assert (w.rec1.grade, w.rec1.status) == ("pass", RecordStatus.DECLARED)
    # and after the county returns it
    reject_records(by=w.users[Role.COUNTY_OFFICER], record_ids=[w.rec1.pk], reason="等次有误")
    accepted = api.county.post(URL, change, format="json")
    assert accepted.status_code == 200, accepted.json()
    w.rec1.refresh_from_db()
    assert (w.rec1.grade, w.rec1.status) == ("excellent", RecordStatus.DRAFT)
