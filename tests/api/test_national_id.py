"""ID numbers in API answers: masked for every caller unless the client's registration says so.

Reproduces finding 2 of #14 for the API: read-write clients (and officers' browser sessions)
got whole ID numbers of every teacher they could list, and nothing recorded it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from institutions.choices import Role
from trainees.models import NationalIdDisclosure
from trainees.national_id import mask_id_number
from trainees.tests.factories import TeacherFactory

from .conftest import COUNTY_TOKEN, bearer

pytestmark = pytest.mark.django_db


def _row(data, teacher):
    return next(r for r in data["results"] if r["id"] == teacher.pk) if "results" in data else data


def _allow_whole_numbers(client):
    from platforms.tokens import forget_checked_tokens

    client.may_read_national_ids = True
    client.save()
    forget_checked_tokens()


@pytest.mark.parametrize("kind", ["region", "county", "readonly", "session"])
def test_every_caller_gets_masked_numbers_by_default(api, as_kind, kind):
    """Read-write clients too: the finding was that they got whole numbers without a trace."""
    t1 = api.world.T1
    for url in ("/api/v1/teachers/", f"/api/v1/teachers/{t1.pk}/"):
        response = as_kind(kind).get(url)
        assert response.status_code == 200
        row = _row(response.json(), t1)
        assert (row["id_number"], row["is_id_number_masked"]) == (
            mask_id_number(t1.id_number),
            True,
        )
        assert t1.id_number not in response.content.decode()
    assert not NationalIdDisclosure.objects.exists()


def test_a_client_registered_for_whole_numbers_gets_them_and_each_is_logged(api):
    # given
    w = api.world
    _allow_whole_numbers(api.county_client)
    # when
    listing = api.county.get("/api/v1/teachers/", REMOTE_ADDR="10.9.8.7")
    one = api.county.get(f"/api/v1/teachers/{w.T1.pk}/")
    # then
    rows = {r["id"]: r for r in listing.json()["results"]}
    assert set(rows) == {w.T1.pk, w.T2.pk}  # 甲一县 only
    assert rows[w.T1.pk]["id_number"] == w.T1.id_number
    assert rows[w.T1.pk]["is_id_number_masked"] is False
    assert one.json()["id_number"] == w.T1.id_number
    logged = list(NationalIdDisclosure.objects.order_by("pk"))
    assert sorted((d.teacher.name, d.path) for d in logged) == [
        ("张一", "/api/v1/teachers/"),
        ("张一", f"/api/v1/teachers/{w.T1.pk}/"),
        ("张二", "/api/v1/teachers/"),
    ]
    for row in logged:
        assert (row.viewer, row.api_client, row.channel) == (
            api.county_client.user,
            api.county_client,
            "api",
        )
    assert logged[0].address == "10.9.8.7"


def test_a_read_only_client_never_gets_whole_numbers_even_when_registered_for_them(api):
    _allow_whole_numbers(api.readonly_client)
    row = _row(api.readonly.get("/api/v1/teachers/").json(), api.world.T1)
    assert row["is_id_number_masked"] is True
    assert not NationalIdDisclosure.objects.exists()


def test_the_teacher_role_sees_their_own_number_masked(api):
    """The teacher role has no view_national_id: even their own number is masked."""
    client = APIClient()
    client.force_login(api.world.users[Role.TEACHER])
    row = client.get(f"/api/v1/teachers/{api.world.T1.pk}/").json()
    assert row["id_number"] == mask_id_number(api.world.T1.id_number)
    assert row["id_number"][6:14] == "*" * 8  # the birth date is hidden


def test_logging_a_page_of_whole_numbers_is_one_insert_whatever_its_size(api):
    """2 or 20 teachers on the page: the same number of queries (one INSERT for the log)."""
    # given
    _allow_whole_numbers(api.county_client)
    api.county.get("/api/v1/teachers/")  # warm the token and permission caches
    # when
    with CaptureQueriesContext(connection) as two:
        api.county.get("/api/v1/teachers/")
    for _ in range(18):
        TeacherFactory(school=api.world.S1)
    with CaptureQueriesContext(connection) as twenty:
        page = api.county.get("/api/v1/teachers/").json()
    # then
    assert len(page["results"]) == 20
    assert len(twenty) == len(two)
    inserts = [q for q in twenty if "trainees_nationaliddisclosure" in q["sql"]]
    assert len(inserts) == 1


def test_pushes_still_match_teachers_by_their_whole_number(api):
    """Masking is about output: a client without the flag pushes records by whole numbers."""
    w = api.world
    body = {
        "records": [
            {
                "external_id": "x-1",
                "id_number": w.T1.id_number,
                "name": w.T1.name,
                "project_code": w.projR.code,
                "hours": 40,
            }
        ]
    }
    response = bearer(COUNTY_TOKEN).post("/api/v1/records/bulk/", body, format="json")
    assert response.status_code == 200, response.json()
    assert not NationalIdDisclosure.objects.exists()


def test_the_schema_describes_both_forms_of_the_number(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    spec = schema["components"]["schemas"]["Teacher"]["properties"]["id_number"]
    assert spec["pattern"] == r"^[0-9]{6}([0-9]{8}|\*{8})[0-9]{3}[0-9X]$"
    assert spec["example"] == "650102********1234"
    assert "隐去出生日期" in spec["description"]


def test_an_officer_ticks_whole_numbers_in_the_admin_and_it_takes_effect_at_once(client, api):
    """The box 可获取完整身份证号码 is on the client's page, off by default, with its history."""
    # given
    officer = api.world.users[Role.COUNTY_OFFICER]
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    change = f"/admin/platforms/apiclient/{api.county_client.pk}/change/"
    page = client.get(change).content.decode()
    assert "可获取完整身份证号码" in page
    assert not api.county_client.may_read_national_ids
    assert _row(api.county.get("/api/v1/teachers/").json(), api.world.T1)["is_id_number_masked"]
    # when
    response = client.post(
        change,
        {
            "name": api.county_client.name,
            "access": "read_write",
            "may_read_national_ids": "on",
            "requests_per_minute": 1200,
            "contact": "",
        },
    )
    # then
    assert response.status_code == 302
    api.county_client.refresh_from_db()
    assert api.county_client.may_read_national_ids
    latest = api.county_client.history.latest()
    assert (latest.history_user, latest.may_read_national_ids) == (officer, True)
    row = _row(api.county.get("/api/v1/teachers/").json(), api.world.T1)
    assert row["id_number"] == api.world.T1.id_number


def test_a_client_registered_with_whole_numbers_gets_them(api, world):
    from platforms.models import ApiAccess
    from platforms.services import register_api_client

    register_api_client(
        name="甲一县教师信息平台",
        unit=world.C1,
        access=ApiAccess.READ_WRITE,
        token="test-national-id-token",
        may_read_national_ids=True,
    )
    row = _row(bearer("test-national-id-token").get("/api/v1/teachers/").json(), world.T1)
    assert row["id_number"] == world.T1.id_number
    assert NationalIdDisclosure.objects.filter(teacher=world.T1).count() == 1
