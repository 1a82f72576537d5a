"""The import pages: template download, upload → preview → confirm, status and report."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from institutions.choices import Role
from projects.models import TrainingRecord
from trainees.tests.factories import make_id_number

from .test_import_support import (
    media,  # noqa: F401 a fixture
    record_row,
    uploaded,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    return client


def _upload(client, content, name="records.xlsx"):
    return client.post(reverse("imports:upload"), {"file": uploaded(content, name)})


def test_template_has_headers_example_dropdowns_text_ids_and_instructions(admin_client):
    """The template: Chinese headers in order, one example row, two drop-downs, the ID column
    as text, and a second sheet of instructions."""
    response = admin_client.get(reverse("imports:template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, guide = workbook.worksheets
    assert [c.value for c in sheet[1]] == [
        "身份证号码",
        "姓名",
        "项目编号",
        "参训学时",
        "请假学时",
        "考核等次",
        "参训身份",
        "完成日期",
    ]
    example = [c.value for c in sheet[2]]
    assert example[:3] == ["650102198506150010", "张三", "XJ2025RE0004"]
    assert sheet["A2"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet.max_row == 2  # no styled empty rows that would inflate the used range
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"F2:F2001": '"合格,良好,优秀,不合格"', "G2:G2001": '"学员,主讲教师"'}
    assert guide.title == "填写说明"
    assert "文本格式" in " ".join(str(c.value) for row in guide.iter_rows() for c in row)


def test_upload_page_says_what_to_do(admin_client):
    """The empty upload page explains the steps and links the template."""
    response = admin_client.get(reverse("imports:upload"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "第一步：下载模板" in page
    assert reverse("imports:template") in page
    assert 'name="file"' in page


def test_upload_without_a_file_is_explained(admin_client):
    response = admin_client.post(reverse("imports:upload"), {})
    assert "请先选择要上传的文件" in response.content.decode()


def test_bad_file_message_shows_on_the_upload_page(admin_client, settings):
    """A file that is not a table is explained on the upload page and not kept."""
    response = _upload(admin_client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.xlsx")
    assert response.status_code == 200
    assert "“photo.xlsx”不是 Excel 表格" in response.content.decode()
    assert not any((settings.MEDIA_ROOT / "imports").iterdir())


def test_upload_preview_confirm_creates_the_records(admin_client, world):
    """The whole path: upload, the preview's summary and confirm button, then the records."""
    rows = [record_row(world.T2, world.projR), record_row(world.T1, world.proj1)]
    response = _upload(admin_client, xlsx(rows))
    assert response.status_code == 302
    preview_url = response.url
    page = admin_client.get(preview_url).content.decode()
    assert "全部 2 行检查通过。确认后将新增 1 条、更新 0 条记录。" in page
    assert "确认导入" in page
    upload_id = preview_url.rstrip("/").rsplit("/", 1)[1]
    response = admin_client.post(reverse("imports:confirm"), {"upload": upload_id}, follow=True)
    page = response.content.decode()
    assert "导入完成：新增 1 条，更新 0 条，1 条未变。" in page
    assert "确认导入" not in page
    assert TrainingRecord.objects.filter(teacher=world.T2, project=world.projR).exists()


def test_preview_lists_errors_with_rows_and_columns_and_no_confirm(admin_client, world):
    rows = [record_row(world.T2, world.projR, hours="四十"), record_row(world.T3, world.projR)]
    page = admin_client.get(_upload(admin_client, xlsx(rows)).url).content.decode()
    assert "有 2 行有错误" in page
    assert "第 2 行" in page
    assert "D 列" in page
    assert "“参训学时”应填写数字，填写的是“四十”。" in page
    assert "第 3 行" in page
    assert "不是您学校的在册教师" in page
    assert "确认导入" not in page


def test_long_error_lists_are_paginated(admin_client, world):
    """120 bad rows: 50 errors a page, and page 3 holds the last 20."""
    rows = [[make_id_number(serial=900 + n), "某某", world.projR.code, 40] for n in range(120)]
    url = _upload(admin_client, xlsx(rows)).url
    page = admin_client.get(url).content.decode()
    assert page.count("不是您学校的在册教师") == 50
    assert "第 1 / 3 页，共 120 条" in page
    last = admin_client.get(url + "?page=3").content.decode()
    assert last.count("不是您学校的在册教师") == 20
    assert "第 121 行" in last


def test_confirm_of_a_file_with_errors_writes_nothing(admin_client, world):
    rows = [record_row(world.T2, world.projR), record_row(world.T2, world.projN, leave=99)]
    url = _upload(admin_client, xlsx(rows)).url
    upload_id = url.rstrip("/").rsplit("/", 1)[1]
    response = admin_client.post(reverse("imports:confirm"), {"upload": upload_id}, follow=True)
    assert "有 1 行有错误，没有写入任何记录" in response.content.decode()
    assert not TrainingRecord.objects.filter(
        teacher=world.T2, project__in=[world.projR, world.projN]
    ).exists()


def test_status_reports_rows_validated_and_written(admin_client, world):
    url = _upload(admin_client, xlsx([record_row(world.T2, world.projR)])).url
    upload_id = url.rstrip("/").rsplit("/", 1)[1]
    status = admin_client.get(reverse("imports:status", args=[upload_id])).json()
    assert {k: status[k] for k in ("state", "rows", "validated", "written", "percent")} == {
        "state": "validated",
        "rows": 1,
        "validated": 1,
        "written": 0,
        "percent": 100,
    }
    admin_client.post(reverse("imports:confirm"), {"upload": upload_id})
    status = admin_client.get(reverse("imports:status", args=[upload_id])).json()
    assert (status["state"], status["written"], status["is_running"]) == ("committed", 1, False)


def test_report_has_each_rows_outcome_and_errors(admin_client, world):
    """The report repeats every row with 处理结果 and 错误说明 next to it."""
    rows = [record_row(world.T2, world.projR), record_row(world.T2, world.projN, hours=-2)]
    url = _upload(admin_client, xlsx(rows), "三班.xlsx").url
    upload_id = url.rstrip("/").rsplit("/", 1)[1]
    response = admin_client.get(reverse("imports:report", args=[upload_id]))
    assert response["Content-Type"] == XLSX
    assert (
        "filename*=utf-8''%E5%AF%BC%E5%85%A5%E7%BB%93%E6%9E%9C" in response["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][-3:] == ["处理结果", "错误说明", "原行号"]
    assert values[1][0] == world.T2.id_number
    assert values[1][-3:] == ["新增", None, 2]
    assert values[2][-3:] == ["错误", "参训学时：“参训学时”不能为负数，填写的是 -2。", 3]


def test_preview_names_the_sheet_and_warns_of_hidden_sheets_and_rows(admin_client, world):
    """Last term's hidden copy comes first and row 3 is hidden: the preview says which sheet
    it read, that the hidden one was skipped and that row 3 is imported; so does the result."""
    from openpyxl import Workbook

    from credits.intake.columns import HEADERS

    workbook = Workbook()
    old = workbook.active
    old.title = "上学期"
    old.append(HEADERS)
    old.append(record_row(world.T1, world.projN))
    old.sheet_state = "hidden"
    sheet = workbook.create_sheet("培训记录")
    sheet.append(HEADERS)
    sheet.append(record_row(world.T2, world.projR))
    sheet.append(record_row(world.T2, world.projN))
    sheet.row_dimensions[3].hidden = True
    content = io.BytesIO()
    workbook.save(content)
    url = _upload(admin_client, content.getvalue()).url
    page = admin_client.get(url).content.decode()
    assert "文件：records.xlsx · 工作表：培训记录" in page
    assert "隐藏的工作表不读取：已跳过 上学期。" in page
    assert "有 1 行在 Excel 中被隐藏（第 3 行），这些行也会导入。" in page
    assert "全部 2 行检查通过。确认后将新增 2 条" in page
    upload_id = url.rstrip("/").rsplit("/", 1)[1]
    page = admin_client.post(
        reverse("imports:confirm"), {"upload": upload_id}, follow=True
    ).content.decode()
    assert "导入完成：新增 2 条" in page
    assert "工作表：培训记录" in page
    assert not TrainingRecord.objects.filter(teacher=world.T1, project=world.projN).exists()
