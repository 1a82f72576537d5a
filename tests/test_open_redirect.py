"""A form's `next` never sends the user to another site (finding 4 of #14)."""

import pytest
from django.urls import reverse

from institutions.choices import Role

OFF_SITE = [
    "https://elsewhere.example/",
    "//elsewhere.example/",
    "http:elsewhere.example",
    "/\\elsewhere.example/",
    "https://127.0.0.1.elsewhere.example/",
]

DOORS = [
    (Role.SCHOOL_ADMIN, "records:declare", "records:list"),
    (Role.COUNTY_OFFICER, "credits:records_decide", "credits:approval_queue"),
]


@pytest.mark.parametrize(("role", "url_name", "fallback"), DOORS)
@pytest.mark.parametrize("target", OFF_SITE)
def test_off_site_next_falls_back_to_the_portal(client, world, role, url_name, fallback, target):
    """A forged off-site `next` lands on the portal's own page instead."""
    # given
    client.force_login(world.users[role])
    # when
    response = client.post(reverse(url_name), {"record_ids": [world.rec1.pk], "next": target})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse(fallback)


@pytest.mark.parametrize(("role", "url_name", "fallback"), DOORS)
def test_on_site_next_is_followed(client, world, role, url_name, fallback):
    """A `next` on this site (the filtered list the user came from) is kept."""
    client.force_login(world.users[role])
    target = reverse(fallback) + "?status=declared&page=2"
    response = client.post(reverse(url_name), {"record_ids": [world.rec1.pk], "next": target})
    assert response["Location"] == target
