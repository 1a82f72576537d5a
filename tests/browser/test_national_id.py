"""显示 in the admin shows a whole ID number in place, under the CSP, and the log fits a phone."""

import pytest

from institutions.choices import Role
from trainees.models import NationalIdDisclosure

from .conftest import fits_phone_width


@pytest.fixture
def browser_world(django_db_serialized_rollback, transactional_db, world):
    for role in (Role.COUNTY_OFFICER, Role.REGION_OFFICER):
        world.users[role].is_staff = True
        world.users[role].save()
    return world


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_county_officer_presses_show_in_the_admin(page, live_server, browser_world, screenshot):
    """The change form shows 650102********xxxx; 显示 puts the whole number in its place."""
    # given
    w = browser_world
    refused = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    _login(page, live_server, w.users[Role.COUNTY_OFFICER].username)
    change = f"/admin/trainees/teacher/{w.T1.pk}/change/"
    page.goto(f"{live_server.url}{change}")
    assert w.T1.id_number not in page.content()
    shown = page.locator("#id_national_id")
    assert shown.inner_text() == w.T1.masked_id_number
    # when
    page.get_by_role("button", name="显示").click()
    # then
    page.wait_for_function(
        "expected => document.querySelector('#id_national_id').textContent === expected",
        arg=w.T1.id_number,
    )
    assert page.url == f"{live_server.url}{change}"  # in place: unsaved edits stay
    screenshot("admin-teacher-national-id-shown")
    disclosure = NationalIdDisclosure.objects.get()
    assert (disclosure.viewer_id, disclosure.teacher_id, disclosure.channel, disclosure.path) == (
        w.users[Role.COUNTY_OFFICER].pk,
        w.T1.pk,
        "admin",
        change,
    )
    assert refused == []


def test_region_officer_reads_the_log_on_a_phone(page, live_server, browser_world, screenshot):
    from trainees.services import reveal_national_id

    w = browser_world
    reveal_national_id(teacher_id=w.T1.pk, by=w.users[Role.COUNTY_OFFICER], address="10.0.0.1")
    _login(page, live_server, w.users[Role.REGION_OFFICER].username)
    page.get_by_role("link", name="身份证查看记录").click()
    page.wait_for_url(f"{live_server.url}/teachers/national-id-log/")
    text = page.locator("main").inner_text()
    assert w.T1.masked_id_number in text
    assert w.T1.id_number not in text
    assert fits_phone_width(page)
    screenshot("national-id-log-375")


def test_officer_presses_show_on_the_progress_page(page, live_server, browser_world, screenshot):
    """The same button on a portal page, on a phone: in place, logged as from that page."""
    w = browser_world
    _login(page, live_server, w.users[Role.COUNTY_OFFICER].username)
    path = f"/teachers/{w.T1.pk}/progress/"
    page.goto(f"{live_server.url}{path}")
    assert page.locator("#national-id").inner_text() == w.T1.masked_id_number
    page.get_by_role("button", name="显示").click()
    page.wait_for_function(
        "expected => document.querySelector('#national-id').textContent === expected",
        arg=w.T1.id_number,
    )
    assert fits_phone_width(page)
    screenshot("progress-national-id-375")
    disclosure = NationalIdDisclosure.objects.get()
    assert (disclosure.channel, disclosure.path) == ("page", path)
