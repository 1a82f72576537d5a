"""The log of whole ID numbers shown: read by the region officer, filtered by day and person."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from institutions.choices import Role
from trainees.models import NationalIdDisclosure
from trainees.services import record_national_id_disclosures, reveal_national_id
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db
URL = "/teachers/national-id-log/"


def test_the_log_has_its_address():
    assert reverse("trainees:national_id_log") == URL


@pytest.fixture
def logged(world):
    """County officer c1 saw T1 today; school admin s1 saw T2 ten days ago; root saw T3."""
    reveal_national_id(teacher_id=world.T1.pk, by=world.users[Role.COUNTY_OFFICER])
    old = reveal_national_id(teacher_id=world.T2.pk, by=world.users[Role.SCHOOL_ADMIN])
    NationalIdDisclosure.objects.filter(pk=old.disclosure.pk).update(
        disclosed_at=timezone.now() - datetime.timedelta(days=10)
    )
    reveal_national_id(teacher_id=world.T3.pk, by=world.superuser)
    return world


def test_region_officer_reads_who_saw_whose_number_with_masked_numbers_only(client, logged):
    w = logged
    client.force_login(w.users[Role.REGION_OFFICER])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for teacher in (w.T1, w.T2, w.T3):
        assert teacher.name in html
        assert teacher.masked_id_number in html
        assert teacher.id_number not in html
    for viewer in ("c1", "s1", "root"):
        assert f"（{viewer}）" in html
    assert "身份证号码查看记录" in html


def test_filters_by_day_viewer_and_teacher(client, logged):
    w = logged
    client.force_login(w.users[Role.REGION_OFFICER])
    today = timezone.localdate()
    recent = client.get(URL, {"since": today - datetime.timedelta(days=1)}).content.decode()
    assert w.T1.name in recent
    assert w.T2.name not in recent
    older = client.get(URL, {"until": today - datetime.timedelta(days=5)}).content.decode()
    assert w.T2.name in older
    assert w.T1.name not in older
    by_viewer = client.get(URL, {"viewer": "s1"}).content.decode()
    assert w.T2.name in by_viewer
    assert w.T1.name not in by_viewer
    by_number = client.get(URL, {"teacher": w.T3.id_number.lower()}).content.decode()
    assert w.T3.name in by_number
    assert w.T1.name not in by_number


def test_a_bad_date_is_named_in_the_error(client, logged):
    client.force_login(logged.users[Role.REGION_OFFICER])
    html = client.get(URL, {"since": "昨天"}).content.decode()
    assert 'role="alert">起始日期：' in html


@pytest.mark.parametrize(
    "role",
    [Role.SCHOOL_ADMIN, Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER, Role.TEACHER],
)
def test_other_roles_get_403_and_no_menu_entry(client, logged, role):
    client.force_login(logged.users[role])
    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("home")).content.decode()


def test_region_officer_and_superuser_find_it_in_the_menu(client, logged):
    for user in (logged.users[Role.REGION_OFFICER], logged.superuser):
        client.force_login(user)
        assert URL in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client, logged):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_page_costs_the_same_queries_for_2_and_20_rows(client, world):
    """The rows' teachers, schools, viewers and clients come with the page, not one by one."""
    client.force_login(world.users[Role.REGION_OFFICER])
    officer = world.users[Role.COUNTY_OFFICER]
    record_national_id_disclosures(
        teacher_ids=[world.T1.pk, world.T3.pk], by=officer, channel="page"
    )
    client.get(URL)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as two:
        assert client.get(URL).status_code == 200
    more = [TeacherFactory(school=world.S1) for _ in range(18)]
    record_national_id_disclosures(teacher_ids=[t.pk for t in more], by=officer, channel="api")
    with CaptureQueriesContext(connection) as twenty:
        html = client.get(URL).content.decode()
    assert html.count('class="card record-card"') == 20
    assert len(twenty) == len(two)
