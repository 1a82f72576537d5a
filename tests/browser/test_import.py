"""The Excel import in Chromium at 375 px: a school admin downloads the template, uploads a
file with errors, reads them in Chinese, uploads the corrected file and confirms (issue #5)."""

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from projects.models import TrainingRecord

from .conftest import fits_phone_width

PREVIEW = re.compile(r"/records/import/[\w-]{16,}/$")


@pytest.fixture
def browser_world(django_db_serialized_rollback, transactional_db, world, settings, tmp_path):
    """The `world` rows, committed so the live server sees them; uploads in a temporary
    MEDIA_ROOT; the tables are restored afterwards (serialized rollback)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return world


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def _fill(template: Path, target: Path, rows, *, keep_example: bool) -> Path:
    """Fill the downloaded template as a school would, in its first sheet."""
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    if not keep_example:
        sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    workbook.save(target)
    return target


def _upload(page, path: Path):
    page.get_by_label("选择 Excel 文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url(PREVIEW)


def test_school_admin_imports_records_from_excel(
    page, live_server, browser_world, screenshot, tmp_path
):
    """Template → file with errors → Chinese errors by row → corrected file → confirm."""
    w = browser_world
    _login(page, live_server, "s1")
    page.goto(f"{live_server.url}/records/import/")
    assert page.get_by_role("heading", name="导入培训记录").is_visible()
    assert fits_phone_width(page)
    screenshot("import-upload-375")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel 模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert download.value.suggested_filename == "培训记录导入模板.xlsx"
    assert [c.value for c in load_workbook(template).worksheets[0][1]][:3] == [
        "身份证号码",
        "姓名",
        "项目编号",
    ]

    good = [w.T2.id_number, w.T2.name, w.projN.code, 40, 0, "合格", "学员", "2025-03-05"]
    bad = [w.T1.id_number, w.T1.name, w.projR.code, "四十", 0, "良好", "学员", "2025/3/5"]
    _upload(page, _fill(template, tmp_path / "first.xlsx", [good, bad], keep_example=True))
    main = page.locator("main").inner_text()
    assert "有 2 行有错误" in main
    assert "这是模板中的示例行，请删除后再上传。" in main
    assert "第 4 行" in main
    assert "“参训学时”应填写数字，填写的是“四十”。" in main
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert fits_phone_width(page)
    screenshot("import-errors-375")
    assert not TrainingRecord.objects.filter(teacher=w.T2, project=w.projN).exists()

    page.get_by_role("link", name="改正后重新上传").click()
    page.wait_for_url(f"{live_server.url}/records/import/")
    bad[3] = 40
    _upload(page, _fill(template, tmp_path / "fixed.xlsx", [good, bad], keep_example=False))
    assert (
        "全部 2 行检查通过。确认后将新增 1 条、更新 1 条记录。" in page.locator("main").inner_text()
    )
    confirm = page.get_by_role("button", name="确认导入")
    confirm.focus()
    page.keyboard.press("Enter")  # keyboard only
    page.get_by_role("heading", name="导入结果").wait_for()
    main = page.locator("main").inner_text()
    assert "导入完成：新增 1 条，更新 1 条，0 条未变。" in main
    assert fits_phone_width(page)
    screenshot("import-done-375")

    created = TrainingRecord.objects.get(teacher=w.T2, project=w.projN)
    assert (created.status, created.grade) == ("draft", "pass")
    w.rec4.refresh_from_db()  # 张一's record of the region project, graded 良好 now
    assert w.rec4.grade == "good"
