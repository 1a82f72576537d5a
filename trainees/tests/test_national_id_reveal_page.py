"""The 显示 button's endpoint: a CSRF-protected POST that shows one whole ID number and logs it."""

import pytest
from django.test import Client
from django.urls import reverse

from institutions.choices import Role
from trainees.models import NationalIdDisclosure

pytestmark = pytest.mark.django_db


def _url(teacher):
    return reverse("trainees:national_id_reveal", args=[teacher.pk])


def test_county_officer_sees_the_whole_number_once_and_it_is_logged(client, world):
    # given
    officer = world.users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    came_from = f"http://testserver/admin/trainees/teacher/{world.T1.pk}/change/"
    # when
    response = client.post(_url(world.T1), HTTP_REFERER=came_from, REMOTE_ADDR="10.0.0.7")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert world.T1.id_number in html
    assert "本次查看已于" in html
    assert "no-store" in response["Cache-Control"]
    row = NationalIdDisclosure.objects.get()
    assert (row.viewer, row.teacher, row.channel, row.address, row.path) == (
        officer,
        world.T1,
        "admin",
        "10.0.0.7",
        f"/admin/trainees/teacher/{world.T1.pk}/change/",
    )


def test_the_buttons_script_gets_json(client, world):
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    response = client.post(
        _url(world.T2),
        {"from": "/teachers/somewhere/"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["id_number"] == world.T2.id_number
    row = NationalIdDisclosure.objects.get()
    assert (row.channel, row.path, row.teacher) == ("page", "/teachers/somewhere/", world.T2)


def test_a_source_on_another_site_is_not_logged_as_the_page(client, world):
    client.force_login(world.users[Role.COUNTY_OFFICER])
    client.post(_url(world.T1), HTTP_REFERER="https://evil.example/admin/")
    assert NationalIdDisclosure.objects.get().path == ""


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER, Role.SCHOOL_ADMIN])
def test_a_teacher_of_another_jurisdiction_is_404_and_nothing_is_logged(client, world, role):
    """T3 teaches in 乙一县, outside 甲一县, 甲地区 and 甲一县第一中学."""
    client.force_login(world.users[role])
    response = client.post(_url(world.T3), HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert world.T3.id_number not in response.content.decode()
    assert not NationalIdDisclosure.objects.exists()


@pytest.mark.parametrize("role", [Role.INSTITUTION_STAFF, Role.TEACHER])
def test_roles_without_the_permission_get_403_and_nothing_is_logged(client, world, role):
    """Institution staff see T1 on their project and the teacher is T1, yet neither may see it."""
    client.force_login(world.users[role])
    response = client.post(_url(world.T1))
    assert response.status_code == 403
    assert world.T1.id_number not in response.content.decode()
    assert not NationalIdDisclosure.objects.exists()


def test_the_teacher_role_gets_403_for_another_teacher_too(client, world):
    client.force_login(world.users[Role.TEACHER])
    assert client.post(_url(world.T2)).status_code == 403


def test_anonymous_visitors_get_403(client, world):
    assert client.post(_url(world.T1)).status_code == 403
    assert not NationalIdDisclosure.objects.exists()


def test_get_is_not_allowed(client, world):
    """A link or an <img> cannot reveal a number: only the button's POST does."""
    client.force_login(world.superuser)
    assert client.get(_url(world.T1)).status_code == 405
    assert not NationalIdDisclosure.objects.exists()


def test_a_forged_post_without_the_csrf_token_is_rejected(world):
    """Another site cannot make an officer's browser reveal (and log) a number."""
    # given
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users[Role.COUNTY_OFFICER])
    # when
    forged = browser.post(_url(world.T1))
    # then
    assert forged.status_code == 403
    assert world.T1.id_number not in forged.content.decode()
    assert not NationalIdDisclosure.objects.exists()
    # and the same browser, with the token a page of the portal gave it, gets the number
    browser.get(reverse("home"))
    token = browser.cookies["csrftoken"].value
    assert browser.post(_url(world.T1), HTTP_X_CSRFTOKEN=token).status_code == 200
    assert NationalIdDisclosure.objects.count() == 1
