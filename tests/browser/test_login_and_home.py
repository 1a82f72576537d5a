"""Each role logs in through the real login page in Chromium and reaches its home page."""

import pytest

from institutions.choices import Role

from .conftest import fits_phone_width

EXPECTED_HOME = {
    Role.TEACHER: "张一",
    Role.SCHOOL_ADMIN: "甲一县第一中学",
    Role.COUNTY_OFFICER: "甲一县",
    Role.PREFECTURE_OFFICER: "甲地区",
    Role.REGION_OFFICER: "新疆维吾尔自治区",
    Role.INSTITUTION_STAFF: "甲地区教育学院",
}


@pytest.fixture
def browser_world(django_db_serialized_rollback, transactional_db, world):
    """The `world` rows, committed so the live server thread sees them; the tables are
    restored afterwards (serialized rollback) so data migrations survive for later tests."""
    return world


def _login(page, live_server, username, password="pass12345"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_login_page_in_chinese_fits_a_phone(page, live_server, screenshot):
    """The login page is Chinese and fits a 375 px screen."""
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="登录学分通").is_visible()
    assert fits_phone_width(page)
    screenshot("login-375")


def test_wrong_password_is_explained(page, live_server, browser_world):
    """A mistyped password gets a Chinese message, not a blank page."""
    _login(page, live_server, "c1", "wrong-password")
    assert page.get_by_role("alert").inner_text().startswith("用户名或密码不正确")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_its_home_page(page, live_server, browser_world, screenshot, role):
    """Every demo role logs in, sees its unit on the home page, and the page fits a phone."""
    _login(page, live_server, browser_world.users[role].username)
    page.wait_for_url(f"{live_server.url}/")
    assert EXPECTED_HOME[role] in page.locator("main").inner_text()
    assert fits_phone_width(page)
    screenshot(f"home-{role}-375")


def test_superuser_sees_the_admin_lists(page, live_server, browser_world, screenshot):
    """The admin lists teachers in Chinese with masked ID numbers."""
    _login(page, live_server, "root")
    page.goto(f"{live_server.url}/admin/trainees/teacher/")
    body = page.locator("body").inner_text()
    assert "教师" in body
    assert browser_world.T1.masked_id_number in body
    screenshot("admin-teachers")
