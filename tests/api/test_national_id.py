"""Whole ID numbers go to callers with trainees.view_national_id, never to read-only clients."""

import pytest
from rest_framework.test import APIClient

from institutions.choices import Role
from trainees.national_id import mask_id_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "is_masked"),
    [("region", False), ("county", False), ("session", False), ("readonly", True)],
)
def test_id_number_is_whole_or_masked_by_caller(api, as_kind, kind, is_masked):
    t1 = api.world.T1
    for url in ("/api/v1/teachers/", f"/api/v1/teachers/{t1.pk}/"):
        data = as_kind(kind).get(url).json()
        row = next(r for r in data["results"] if r["id"] == t1.pk) if "results" in data else data
        expected = mask_id_number(t1.id_number) if is_masked else t1.id_number
        assert (row["id_number"], row["is_id_number_masked"]) == (expected, is_masked)


def test_teacher_session_sees_their_own_number_masked(api):
    """The teacher role has no view_national_id: even their own number is masked."""
    client = APIClient()
    client.force_login(api.world.users[Role.TEACHER])
    row = client.get(f"/api/v1/teachers/{api.world.T1.pk}/").json()
    assert row["id_number"] == mask_id_number(api.world.T1.id_number)
    assert row["id_number"][6:14] == "*" * 8  # the birth date is hidden
