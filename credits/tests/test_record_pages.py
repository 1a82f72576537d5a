"""The record, approval and ledger pages: each role's path, scoping, and constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credits.models import CreditLedgerEntry
from credits.services import approve_records
from institutions.choices import Role
from projects.choices import RecordStatus
from projects.models import TrainingRecord
from projects.tests.factories import TrainingRecordFactory

pytestmark = pytest.mark.django_db


def _login(client, world, role):
    client.force_login(world.users[role])


def test_school_admin_registers_and_declares_a_record(client, world):
    """The school registers one record in the form and declares it from the list."""
    _login(client, world, Role.SCHOOL_ADMIN)
    response = client.post(
        reverse("records:new"),
        {
            "teacher": world.T2.pk,
            "project": world.projR.pk,
            "hours": "24",
            "leave_hours": "0",
            "grade": "pass",
            "role": "trainee",
        },
    )
    record = TrainingRecord.objects.get(teacher=world.T2, project=world.projR)
    assert response.status_code == 302
    assert record.status == RecordStatus.DRAFT
    client.post(reverse("records:declare"), {"record_ids": [record.pk]})
    record.refresh_from_db()
    assert record.status == RecordStatus.DECLARED


def test_leave_above_hours_is_shown_in_chinese_and_nothing_is_saved(client, world):
    """A bad form gets the constraint's Chinese message; no row is written."""
    _login(client, world, Role.SCHOOL_ADMIN)
    response = client.post(
        reverse("records:new"),
        {
            "teacher": world.T2.pk,
            "project": world.projR.pk,
            "hours": "8",
            "leave_hours": "9",
            "grade": "pass",
            "role": "trainee",
        },
    )
    assert "张二 · 自治区项目：请假学时（9）不能超过参训学时（8）。" in response.content.decode()
    assert not TrainingRecord.objects.filter(teacher=world.T2, project=world.projR).exists()


def test_school_admin_cannot_register_for_another_schools_teacher(client, world):
    """Form tampering with another school's teacher id is refused by the form's choices."""
    _login(client, world, Role.SCHOOL_ADMIN)
    response = client.post(
        reverse("records:new"),
        {
            "teacher": world.T3.pk,
            "project": world.projR.pk,
            "hours": "8",
            "leave_hours": "0",
            "grade": "pass",
            "role": "trainee",
        },
    )
    assert response.status_code == 200
    assert not TrainingRecord.objects.filter(teacher=world.T3, project=world.projR).exists()


def test_declaring_another_schools_record_by_id_changes_nothing(client, world):
    """Guessing ids: the record of another county stays as it was, and the page says why."""
    _login(client, world, Role.SCHOOL_ADMIN)
    response = client.post(reverse("records:declare"), {"record_ids": [world.rec3.pk]}, follow=True)
    world.rec3.refresh_from_db()
    assert world.rec3.status == RecordStatus.DRAFT
    assert "不在您的管辖范围内" in response.content.decode()


def test_record_of_another_county_is_a_404(client, world):
    """Opening another county's record by id gives 404 for officers and schools alike."""
    for role in (Role.SCHOOL_ADMIN, Role.COUNTY_OFFICER, Role.TEACHER):
        _login(client, world, role)
        assert client.get(reverse("records:detail", args=[world.rec3.pk])).status_code == 404


def test_officer_approves_a_batch_and_rejects_one_with_a_reason(client, world):
    """The county approves two records into the ledger and sends one back with its reason."""
    for record in (world.rec1, world.rec2, world.rec4):
        record.status = RecordStatus.DECLARED
        record.save()
    _login(client, world, Role.COUNTY_OFFICER)
    queue = client.get(reverse("credits:approval_queue"))
    assert "40 学时 − 0 请假 = 40 学时 ÷ 4 = 10.00 学分" in queue.content.decode()
    client.post(
        reverse("credits:records_decide"),
        {"record_ids": [world.rec1.pk, world.rec4.pk], "decision": "approve"},
    )
    response = client.post(
        reverse("credits:records_decide"),
        {"record_ids": [world.rec2.pk], "decision": "reject", "reason": "缺少签到表"},
        follow=True,
    )
    assert "已退回 1 条记录" in response.content.decode()
    assert set(CreditLedgerEntry.objects.values_list("record_id", flat=True)) == {
        world.rec1.pk,
        world.rec4.pk,
    }
    world.rec2.refresh_from_db()
    assert (world.rec2.status, world.rec2.reject_reason) == (RecordStatus.REJECTED, "缺少签到表")
    # the teacher sees the credit in their ledger, with its explanation
    _login(client, world, Role.TEACHER)
    ledger = client.get(reverse("credits:ledger")).content.decode()
    assert "甲一县项目" in ledger
    assert "10.00 学分" in ledger


def test_officer_cannot_approve_another_countys_record_by_id(client, world):
    """A county officer posting a foreign record id gets a Chinese refusal; nothing posts."""
    world.rec3.status = RecordStatus.DECLARED
    world.rec3.save()
    _login(client, world, Role.COUNTY_OFFICER)
    response = client.post(
        reverse("credits:records_decide"),
        {"record_ids": [world.rec3.pk], "decision": "approve"},
        follow=True,
    )
    assert "不在您的管辖范围内" in response.content.decode()
    assert not CreditLedgerEntry.objects.exists()


def test_school_admin_cannot_reach_the_approval_queue(client, world):
    """Approving is the bureau's; a school admin gets 403."""
    _login(client, world, Role.SCHOOL_ADMIN)
    assert client.get(reverse("credits:approval_queue")).status_code == 403
    response = client.post(
        reverse("credits:records_decide"), {"record_ids": [world.rec1.pk], "decision": "approve"}
    )
    assert response.status_code == 403


def test_record_page_shows_its_history_with_who_and_when(client, world):
    """Every change is on the record's page: who, when, before and after."""
    world.rec1.hours = Decimal(36)
    world.rec1.save()
    _login(client, world, Role.SCHOOL_ADMIN)
    html = client.get(reverse("records:detail", args=[world.rec1.pk])).content.decode()
    assert "变更记录" in html
    assert "<del>40.0</del> → 36.0" in html


def _declared_rows(world, n):
    return [
        TrainingRecordFactory(
            teacher__school=world.S1, project=world.proj1, status=RecordStatus.DECLARED
        )
        for _ in range(n)
    ]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (Role.SCHOOL_ADMIN, "records:list"),
        (Role.COUNTY_OFFICER, "credits:approval_queue"),
        (Role.COUNTY_OFFICER, "credits:ledger"),
        (Role.COUNTY_OFFICER, "projects:project_list"),
    ],
)
def test_list_pages_keep_a_constant_number_of_queries(client, world, role, url_name):
    """2 rows or 20 rows: the same number of queries (no N+1)."""
    officer = world.users[Role.COUNTY_OFFICER]
    _login(client, world, role)
    url = reverse(url_name)
    rows = _declared_rows(world, 2)
    if url_name == "credits:ledger":
        approve_records(by=officer, record_ids=[r.pk for r in rows])
    client.get(url)  # warm per-session caches (permissions)
    few = _queries(client, url)
    rows = _declared_rows(world, 18)
    if url_name == "credits:ledger":
        approve_records(by=officer, record_ids=[r.pk for r in rows])
    assert _queries(client, url) == few


def test_institution_enters_hours_leave_and_grades(client, world):
    """The training institution records attendance and grades for its project's trainees."""
    _login(client, world, Role.INSTITUTION_STAFF)
    url = reverse("credits:project_results", args=[world.proj1.pk])
    page = client.get(url).content.decode()
    assert "张一" in page
    assert "李三" in page  # rec5: a teacher of another county on this institution's project
    response = client.post(
        url,
        {
            f"hours-{world.rec1.pk}": "３２",
            f"leave_hours-{world.rec1.pk}": "4",
            f"grade-{world.rec1.pk}": "good",
        },
    )
    assert response.status_code == 302
    world.rec1.refresh_from_db()
    assert (world.rec1.hours, world.rec1.leave_hours, world.rec1.grade) == (
        Decimal(32),
        Decimal(4),
        "good",
    )
    assert world.rec1.history.latest().history_user == world.users[Role.INSTITUTION_STAFF]


def test_institution_input_errors_are_explained_and_nothing_is_saved(client, world):
    """Leave above hours and a non-number are refused in Chinese; nothing changes."""
    _login(client, world, Role.INSTITUTION_STAFF)
    url = reverse("credits:project_results", args=[world.proj1.pk])
    bad_number = client.post(
        url, {f"hours-{world.rec1.pk}": "四十", f"grade-{world.rec1.pk}": "pass"}
    ).content.decode()
    assert "不是数字" in bad_number
    too_much_leave = client.post(
        url,
        {
            f"hours-{world.rec1.pk}": "8",
            f"leave_hours-{world.rec1.pk}": "9",
            f"grade-{world.rec1.pk}": "pass",
        },
    ).content.decode()
    assert "张一 · 甲一县项目：请假学时（9）不能超过参训学时（8）。" in too_much_leave
    world.rec1.refresh_from_db()
    assert world.rec1.hours == Decimal(40)


def test_other_institutions_project_results_are_out_of_reach(client, world):
    """Institution staff cannot open or post results for another institution's project."""
    _login(client, world, Role.INSTITUTION_STAFF)
    url = reverse("credits:project_results", args=[world.proj3.pk])
    assert client.get(url).status_code == 404
    client.post(url, {f"grade-{world.rec3.pk}": "excellent"})
    world.rec3.refresh_from_db()
    assert world.rec3.grade == "pass"


def test_old_record_addresses_redirect_to_the_records_pages(client, world):
    """Bookmarks of /credits/records/… land on the same page under /records/."""
    # when
    listing = client.get("/credits/records/?status=draft")
    detail = client.get("/credits/records/42/")
    # then
    assert (listing.status_code, listing["Location"]) == (302, "/records/?status=draft")
    assert (detail.status_code, detail["Location"]) == (302, "/records/42/")
