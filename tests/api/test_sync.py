"""Platforms sync with cursor pages in (updated_at, id) order and an updated_since filter."""

import datetime

import pytest
from django.utils import timezone

from trainees.models import Teacher
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


def _walk(client, url, params):
    """Follow `next` links to the end; return the ids in order and the number of pages."""
    ids, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        ids += [row["id"] for row in data["results"]]
        pages += 1
        if not data["next"]:
            return ids, pages
        response = client.get(data["next"])


def test_cursor_pages_cover_every_teacher_once_in_update_order(api):
    """Seven more teachers in C1, pages of 3: nine teachers in three pages, oldest first."""
    for _ in range(7):
        TeacherFactory(school=api.world.S1)
    expected = list(
        Teacher.objects.filter(school__county=api.world.C1)
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)
    )
    ids, pages = _walk(api.county, "/api/v1/teachers/", {"page_size": 3})
    assert (ids, pages) == (expected, 3)
    ids, _pages = _walk(
        api.county, "/api/v1/teachers/", {"page_size": 4, "ordering": "-updated_at"}
    )
    assert ids == expected[::-1]


def test_updated_since_returns_only_what_changed(api):
    """After a sync at time t, only the teacher changed since t comes back."""
    # given
    w = api.world
    Teacher.objects.filter(pk__in=[w.T1.pk, w.T2.pk, w.T3.pk]).update(
        updated_at=timezone.now() - datetime.timedelta(days=1)
    )
    synced_at = timezone.now()
    w.T2.name = "张二改"
    w.T2.save()
    # when
    ids, _pages = _walk(api.county, "/api/v1/teachers/", {"updated_since": synced_at.isoformat()})
    # then
    assert ids == [w.T2.pk]


def test_bad_updated_since_is_a_400_in_the_error_shape(api):
    response = api.county.get("/api/v1/teachers/", {"updated_since": "yesterday"})
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert "updated_since" in data["errors"]


def test_units_use_numbered_pages(api):
    data = api.region.get("/api/v1/units/", {"page_size": 2, "page": 2}).json()
    assert data["count"] == 6
    assert len(data["results"]) == 2


@pytest.mark.parametrize(
    "moment",
    ["0909-12-08T00:55:43.88+16:01", "0001-01-01T00:00:00+01:00", "2025-03-01T08:00:00-23:59"],
)
def test_far_offsets_and_years_are_a_400_or_an_answer_never_a_500(api, moment):
    """Found by schemathesis on PostgreSQL, which refuses offsets past ±15:59."""
    response = api.county.get("/api/v1/teachers/", {"updated_since": moment})
    assert response.status_code in {200, 400}
