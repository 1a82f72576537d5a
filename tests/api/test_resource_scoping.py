"""Each resource shows a client its own jurisdiction's rows only, by list, filter and id."""

import pytest

from credits.models import CreditLedgerEntry, CycleProgress, SchoolYearProgress

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _rows(api, resource):
    """(ids the county client C1 sees, ids only the region client sees) of a resource."""
    w = api.world
    ledger = CreditLedgerEntry.objects
    rows = {
        "units": ({w.C1.pk}, {w.R.pk, w.P1.pk, w.C3.pk}),
        "schools": ({w.S1.pk}, {w.S3.pk}),
        "teachers": ({w.T1.pk, w.T2.pk}, {w.T3.pk}),
        "projects": ({w.proj1.pk, w.projR.pk, w.projN.pk}, {w.proj3.pk, w.projS3.pk}),
        "records": ({w.rec1.pk, w.rec2.pk, w.rec4.pk}, {w.rec3.pk, w.rec5.pk}),
        "ledger": (
            set(ledger.filter(teacher=w.T1).values_list("pk", flat=True)),
            set(ledger.filter(teacher=w.T3).values_list("pk", flat=True)),
        ),
        "cycle-progress": (set(CycleProgress.objects.values_list("pk", flat=True)), set()),
        "year-progress": (set(SchoolYearProgress.objects.values_list("pk", flat=True)), set()),
        "certificates": lambda: ({api.cert1.pk}, {api.cert3.pk}),
    }[resource]
    return rows() if callable(rows) else rows


@pytest.fixture
def data(request, credited):
    """The credited world, with certificates only where the resource needs them (PDFs)."""
    if "certificates" in request.node.name:
        return request.getfixturevalue("certified")
    return credited


RESOURCES = [
    "units",
    "schools",
    "teachers",
    "projects",
    "records",
    "ledger",
    "cycle-progress",
    "year-progress",
    "certificates",
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("kind", ["county", "readonly", "session"])
def test_county_callers_list_their_county_only(data, as_kind, resource, kind):
    """The county client, the read-only county client and the county officer's session see
    the rows of county C1 (and what is shared down to it), never county C3's."""
    # given
    own, others = _rows(data, resource)
    assert own, "the fixture must give the county something to see"
    # when
    seen = _ids(as_kind(kind).get(f"/api/v1/{resource}/", {"page_size": 500}))
    # then
    assert seen == own
    assert not seen & others


@pytest.mark.parametrize("resource", RESOURCES)
def test_region_client_lists_the_whole_region(data, resource):
    """The region client sees every row of both counties."""
    own, others = _rows(data, resource)
    seen = _ids(data.region.get(f"/api/v1/{resource}/", {"page_size": 500}))
    assert own | others <= seen


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("kind", ["county", "readonly", "session"])
def test_county_callers_get_404_for_another_countys_ids(data, as_kind, resource, kind):
    """Opening a row of county C3 by its id answers 404, in the one error shape."""
    own, others = _rows(data, resource)
    for pk in others:
        response = as_kind(kind).get(f"/api/v1/{resource}/{pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    for pk in own:
        assert as_kind(kind).get(f"/api/v1/{resource}/{pk}/").status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_region_client_opens_rows_of_every_county(data, resource):
    own, others = _rows(data, resource)
    for pk in own | others:
        assert data.region.get(f"/api/v1/{resource}/{pk}/").status_code == 200


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        ("schools", lambda w: {"county": w.C3.pk}),
        ("teachers", lambda w: {"county": w.C3.pk}),
        ("teachers", lambda w: {"school": w.S3.pk}),
        ("teachers", lambda w: {"q": w.T3.id_number}),
        ("records", lambda w: {"school": w.S3.pk}),
        ("records", lambda w: {"teacher": w.T3.pk}),
        ("records", lambda w: {"project": w.proj3.pk}),
        ("projects", lambda w: {"code": w.proj3.code}),
        ("ledger", lambda w: {"teacher": w.T3.pk}),
        ("units", lambda w: {"parent": w.P2.pk}),
        ("certificates", lambda w: {"teacher": w.T3.pk}),
    ],
)
def test_filters_cannot_reach_another_county(data, resource, params):
    """A filter naming county C3's rows finds nothing for the county client."""
    response = data.county.get(f"/api/v1/{resource}/", params(data.world))
    assert _ids(response) == set()
    assert _ids(data.region.get(f"/api/v1/{resource}/", params(data.world)))


def test_anonymous_gets_401_everywhere(api):
    """Without a token or a session every resource answers 401 and names the Bearer scheme."""
    for resource in RESOURCES:
        response = api.anonymous.get(f"/api/v1/{resource}/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["code"] == "not_authenticated"


def test_role_without_the_permission_gets_403(api):
    """A teacher's session may not list administrative units at all: 403, not an empty list."""
    from rest_framework.test import APIClient

    from institutions.choices import Role

    client = APIClient()
    client.force_login(api.world.users[Role.TEACHER])
    response = client.get("/api/v1/units/")
    assert response.status_code == 403
    assert response.json()["message"] == "您的账号无权查看或操作这类数据。"
