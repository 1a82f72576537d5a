"""The admin's history pages stay inside the user's jurisdiction and never write a version back.

Reproduces finding 1 of #14: simple_history's history list and revert form loaded rows
without `restrict()`, so a school admin read (and moved) another school's teacher and a county
officer with view-only access rewrote another county's record.
"""

import pytest
from django.urls import reverse

from institutions.choices import Role


def _history(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def _history_form(obj):
    opts = obj._meta
    version = obj.history.earliest()
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )


@pytest.fixture
def staff(world):
    """Give every role's account admin access, as the demo's accounts have."""
    for user in world.users.values():
        user.is_staff = True
        user.save()
    return world.users


def test_school_admin_cannot_read_another_schools_teacher_history(client, world, staff):
    """The history list and a version of T3 (school S3) are 404 for S1's admin, no data shown."""
    # given
    client.force_login(staff[Role.SCHOOL_ADMIN])
    # when
    listing = client.get(_history(world.T3))
    version = client.get(_history_form(world.T3))
    # then
    assert listing.status_code == 404
    assert version.status_code == 404
    for response in (listing, version):
        html = response.content.decode()
        assert "李三" not in html
        assert world.T3.id_number not in html


def test_school_admin_cannot_move_another_schools_teacher_by_revert(client, world, staff):
    """POSTing T3's history form with S1 as school changes nothing and writes no version."""
    # given
    client.force_login(staff[Role.SCHOOL_ADMIN])
    versions = world.T3.history.count()
    # when
    response = client.post(
        _history_form(world.T3),
        {"name": "李三", "id_number": world.T3.id_number, "school": world.S1.pk},
    )
    # then
    assert response.status_code == 404
    world.T3.refresh_from_db()
    assert world.T3.school_id == world.S3.pk
    assert world.T3.history.count() == versions


@pytest.mark.parametrize("record_name", ["rec1", "rec3"])
def test_view_only_county_officer_cannot_rewrite_a_record_by_revert(
    client, world, staff, record_name
):
    """A record's history form refuses a POST: 404 for another county, 403 for one's own."""
    # given
    record = getattr(world, record_name)
    hours = record.hours
    versions = record.history.count()
    client.force_login(staff[Role.COUNTY_OFFICER])
    # when
    response = client.post(
        _history_form(record),
        {"teacher": record.teacher_id, "project": record.project_id, "hours": "99"},
    )
    # then
    assert response.status_code == (403 if record_name == "rec1" else 404)
    record.refresh_from_db()
    assert record.hours == hours
    assert record.history.count() == versions


def test_county_officer_cannot_rename_another_countys_project(client, world, staff):
    """proj3 belongs to county C3: its history pages do not exist for C1's officer."""
    client.force_login(staff[Role.COUNTY_OFFICER])
    assert client.get(_history(world.proj3)).status_code == 404
    response = client.post(_history_form(world.proj3), {"name": "改名"})
    assert response.status_code == 404
    world.proj3.refresh_from_db()
    assert world.proj3.name == "乙一县项目"


def test_even_the_superuser_cannot_revert_but_reads_every_version(client, world):
    """Reverting bypasses the services' rules, so the form is read-only for everyone."""
    # given
    client.force_login(world.superuser)
    # when
    listing = client.get(_history(world.T3))
    version = client.get(_history_form(world.T3))
    post = client.post(_history_form(world.T3), {"name": "改名", "school": world.S1.pk})
    # then
    assert listing.status_code == 200
    assert version.status_code == 200
    assert post.status_code == 403
    world.T3.refresh_from_db()
    assert (world.T3.name, world.T3.school_id) == ("李三", world.S3.pk)


def test_own_jurisdiction_history_is_readable(client, world, staff):
    """Inside the jurisdiction the history list still works."""
    client.force_login(staff[Role.SCHOOL_ADMIN])
    response = client.get(_history(world.T1))
    assert response.status_code == 200
    assert "张一" in response.content.decode()


def test_models_without_history_have_no_history_page(client, world):
    """AdministrativeUnit keeps no versions: its history page is 404, not a 500."""
    client.force_login(world.superuser)
    url = reverse("admin:institutions_administrativeunit_history", args=[world.C1.pk])
    assert client.get(url).status_code == 404


def test_a_version_id_that_is_no_number_is_404(client, world):
    """`…/history/password/` (a link the admin's own pages can lead to) is a 404, not a 500."""
    client.force_login(world.superuser)
    url = reverse("admin:trainees_teacher_history", args=[world.T1.pk]) + "password/"
    assert client.get(url).status_code == 404
