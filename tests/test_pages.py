"""The login page, each role's home page and the Chinese admin."""

import pytest
from django.urls import reverse

from institutions.choices import Role

ROLES = list(Role)


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    """The login page speaks Chinese by default."""
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录学分通" in html
    assert 'lang="zh-hans"' in html


@pytest.mark.django_db
def test_home_requires_login(client):
    """Anonymous visitors are sent to the login page."""
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_wrong_password_says_so_in_chinese(client, world):
    """A failed login explains itself in Chinese and stays on the login page."""
    response = client.post(reverse("login"), {"username": "c1", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_its_home_page(client, world, role):
    """Every role logs in and sees what it acts for and its own counts."""
    # when
    response = client.post(
        reverse("login"), {"username": world.users[role].username, "password": "pass12345"}
    )
    home = client.get(response.url)
    # then
    html = home.content.decode()
    assert home.status_code == 200
    assert str(role.label) in html
    expected = {
        Role.TEACHER: "甲一县第一中学 · 张一",
        Role.SCHOOL_ADMIN: "甲一县第一中学",
        Role.COUNTY_OFFICER: "甲一县",
        Role.PREFECTURE_OFFICER: "甲地区",
        Role.REGION_OFFICER: "新疆维吾尔自治区",
        Role.INSTITUTION_STAFF: "甲地区教育学院",
    }[role]
    assert expected in html


def test_teacher_home_points_to_the_progress_page(client, world):
    """The progress and certificate page exists: the home page sends teachers there."""
    client.force_login(world.users[Role.TEACHER])
    html = client.get(reverse("home")).content.decode()
    assert "在“学分进度”页查看本周期和每个学年" in html
    assert "即将开放" not in html


def test_county_officer_home_counts_only_its_county(client, world):
    """The county officer's teacher count is the county's (2), not the region's (3)."""
    client.force_login(world.users[Role.COUNTY_OFFICER])
    summary = client.get(reverse("home")).context["summary"]
    stats = {stat.label: stat.value for stat in summary.stats}
    assert stats["教师"] == 2
    assert stats["学校"] == 1


def test_english_is_available(client, world):
    """Switching the language to English translates the page chrome."""
    client.force_login(world.users[Role.COUNTY_OFFICER])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    """Chinese first: Accept-Language does not switch the portal; the footer's switch does."""
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in english
    assert "Log in to Xuefentong" in english  # from the committed locale/en .mo
