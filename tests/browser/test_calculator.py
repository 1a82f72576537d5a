"""The credit calculator in Chromium on a phone: add a row, compute, read the bars."""

from .conftest import fits_phone_width


def test_calculator_adds_a_row_and_shows_progress(page, live_server, screenshot, db):
    """A visitor adds a second record, computes, and sees credits and progress bars."""
    page.goto(f"{live_server.url}/credits/calculator/")
    page.get_by_role("button", name="添加一条记录").click()
    row = page.locator("fieldset.record-row").nth(1)
    row.get_by_label("课程类别").select_option("school_based")
    row.get_by_label("培训形式").select_option("school_based")
    row.get_by_label("项目级别").select_option("school")
    row.get_by_label("参训学时").fill("20")
    row.get_by_label("完成日期").fill("2025-04-01")
    row.get_by_label("考核等次").select_option("pass")
    page.get_by_role("button", name="计算学分").click()
    table = page.locator("table.data").inner_text()
    assert "11.5" in table
    assert "20 学时 − 0 请假 = 20 学时 ÷ 5 = 4.00 学分" in table
    assert page.get_by_role("progressbar").count() > 5
    assert fits_phone_width(page)
    screenshot("calculator-375")
