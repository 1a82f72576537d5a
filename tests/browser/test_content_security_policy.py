"""Pages work under the Content-Security-Policy: nothing inline is refused (#14 finding 5)."""

import pytest

from institutions.choices import Role

PAGES = [
    (None, "/accounts/login/"),
    (None, "/credits/calculator/"),
    (None, "/verify/"),
    (None, "/verify/130120001/"),
    (Role.SCHOOL_ADMIN, "/records/import/"),
    (Role.TEACHER, "/progress/"),
    (Role.SCHOOL_ADMIN, "/records/"),
    (Role.COUNTY_OFFICER, "/credits/approvals/"),
    (Role.COUNTY_OFFICER, "/credits/overview/"),
    ("root", "/admin/"),
    ("root", "/admin/trainees/teacher/"),
    ("root", "/api/v1/docs/"),
]


@pytest.fixture
def browser_world(django_db_serialized_rollback, transactional_db, world):
    return world


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_page_breaks_no_content_security_policy_rule(page, live_server, browser_world, who, path):
    """Each page sends the policy and the browser refuses nothing on it."""
    # given
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    if who is not None:
        username = who if who == "root" else browser_world.users[who].username
        _login(page, live_server, username)
    # when
    response = page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    # then
    # An unknown certificate number answers 404 with the portal's page: CSP applies there too.
    assert response.status == (404 if path.startswith("/verify/1") else 200)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert refused == []


def test_language_menu_and_select_all_work_without_inline_script(page, live_server, browser_world):
    """The behaviours moved out of inline code still work: language switch, select all."""
    # given
    for record in (browser_world.rec1, browser_world.rec2):
        record.status = "declared"
        record.save()
    _login(page, live_server, browser_world.users[Role.COUNTY_OFFICER].username)
    page.goto(f"{live_server.url}/credits/approvals/")
    # when
    page.locator("#select-all").check()
    # then
    boxes = page.locator("input[name=record_ids]")
    assert boxes.count() == 2
    assert all(boxes.nth(i).is_checked() for i in range(2))
    # when
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.locator("#language-select").select_option("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
