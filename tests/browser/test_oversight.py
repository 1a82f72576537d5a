"""Each level's oversight page in Chromium, on a 375 px phone and a 1366 px desktop."""

import datetime

import pytest

from audit.county import audit_county

from .conftest import fits_phone_width
from .test_login_and_home import _login

AS_OF = datetime.date(2026, 6, 30)
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}

LEVELS = {
    # account, the page's heading, a row the page lists, a row it must not
    "region": ("r", "新疆维吾尔自治区", "甲地区", None),
    "prefecture": ("p1", "甲地区", "甲一县", "乙一县"),
    "county": ("c1", "甲一县", "甲一县第一中学", "乙一县第一中学"),
    "school": ("s1", "甲一县第一中学", "张一", "李三"),
}


@pytest.fixture
def audited_world(django_db_serialized_rollback, transactional_db, world):
    for county in (world.C1, world.C2, world.C3):
        audit_county(county_id=county.pk, as_of=AS_OF, issue=False)
    return world


@pytest.mark.parametrize("width", ["375", "1366"])
@pytest.mark.parametrize("level", list(LEVELS))
def test_each_level_opens_its_page(page, live_server, audited_world, screenshot, level, width):
    username, heading, listed, absent = LEVELS[level]
    page.set_viewport_size(PHONE if width == "375" else DESKTOP)
    _login(page, live_server, username)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/credits/overview/")
    assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
    main = page.locator("main").inner_text()
    assert listed in main
    if absent:
        assert absent not in main
    # Charts are images drawn by the server: each one loaded (not blocked by the CSP).
    for chart in page.locator("img.chart").all():
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    if width == "375":
        assert fits_phone_width(page)  # wide tables scroll inside their card, not the page
    screenshot(f"oversight-{level}-{width}")


def test_an_officer_drills_down_to_a_teacher_list(page, live_server, audited_world):
    """Region → prefecture → county → a number → the teachers behind it, filters in the URL."""
    _login(page, live_server, "r")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/credits/overview/")
    page.get_by_role("link", name="甲地区", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("甲地区")
    page.get_by_role("link", name="甲一县", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("甲一县")
    row = page.locator("table.sortable tbody tr", has_text="甲一县第一中学")
    row.locator("td").first.get_by_role("link").click()
    assert "/credits/overview/teachers/" in page.url
    assert "school=" in page.url
    body = page.locator("main").inner_text()
    assert "张一" in body
    assert "张二" in body
    assert "李三" not in body
