"""The workbooks the import hands out: the template to fill in, and the report of an upload."""

from __future__ import annotations

import datetime
import io

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from credits.intake.columns import (
    COLUMNS,
    EXAMPLE_ID_NUMBER,
    EXAMPLE_NAME,
    EXAMPLE_PROJECT_CODE,
    HEADERS,
)
from credits.intake.rows import GRADE_WORDS, ROLE_WORDS

from .errors import UploadNotReady
from .uploads import ImportUpload, import_summary, read_json

ACTION_LABELS = {
    "created": _("新增"),
    "updated": _("更新"),
    "unchanged": _("未变"),
    "error": _("错误"),
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
ERROR_FILL = PatternFill("solid", fgColor="FDECEA")
TEMPLATE_ROWS = 2000  # rows that get the drop-downs


def build_template() -> bytes:
    """Return the import template: headers, one example row, drop-downs, and instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _t("培训记录")
    sheet.append(HEADERS)
    example = [
        EXAMPLE_ID_NUMBER,
        EXAMPLE_NAME,
        EXAMPLE_PROJECT_CODE,
        40,
        0,
        "合格",
        "学员",
        datetime.date(2025, 3, 5),
    ]
    sheet.append(example)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        header = sheet.cell(row=1, column=index)
        header.font = HEADER_FONT
        header.fill = HEADER_FILL
    # The ID column is text, so Excel keeps all 18 digits instead of showing 6.50102E+17.
    # Column styles, not styled cells: empty styled cells would make the sheet's used range
    # (and the row estimate of an upload) 2,000 rows long.
    sheet.column_dimensions["A"].number_format = "@"
    sheet.column_dimensions["H"].number_format = "yyyy-mm-dd"
    sheet["A2"].number_format = "@"
    sheet["H2"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for letter, words, title in (
        ("F", list(GRADE_WORDS), _t("考核等次")),
        ("G", list(ROLE_WORDS), _t("参训身份")),
    ):
        validation = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(words)),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=_t("请从下拉列表中选择：%(words)s") % {"words": "、".join(words)},
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    guide = workbook.create_sheet(_t("填写说明"))
    for line in _template_guide():
        guide.append(line)
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 80
    for cell in guide[1]:
        cell.font = HEADER_FONT
    for row in guide.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _template_guide() -> list[list[str]]:
    return [
        [_t("列"), _t("是否必填"), _t("填写说明")],
        [
            "身份证号码",
            _t("必填"),
            _t(
                "18 位身份证号码，末位可以是 X。本列已设为文本格式，请勿改为数字，否则后几位会丢失。"
            ),
        ],
        ["姓名", _t("必填"), _t("须与系统中登记的教师姓名一致。")],
        ["项目编号", _t("必填"), _t("已通过审核的培训项目编号，可在培训项目列表中查看。")],
        ["参训学时", _t("必填"), _t("数字，最多 1 位小数，如 40 或 7.5。")],
        ["请假学时", _t("选填"), _t("数字，不能超过参训学时；留空按 0。")],
        ["考核等次", _t("选填"), _t("合格、良好、优秀、不合格，或留空（尚未考核）。")],
        ["参训身份", _t("选填"), _t("学员 或 主讲教师；留空按学员。")],
        [
            "完成日期",
            _t("选填"),
            _t("如 2025-03-01，也可写 2025/3/1、2025.3.1、2025年3月1日；留空按项目结束日期。"),
        ],
        [],
        [_t("注意"), "", _t("第 2 行是示例，导入前请删除。每位教师的每个项目只填一行。")],
        [
            "",
            "",
            _t(
                "不要合并单元格。文件须为 .xlsx（或 UTF-8/GBK 编码的 CSV），不超过 10 MB、"
                "50000 行。"
            ),
        ],
        [
            "",
            "",
            _t(
                "同一文件可以重复导入：已有的记录会按表格更新，相同的记录不变，不会重复登记；"
                "已认定学分的记录不能修改。"
            ),
        ],
        [
            "",
            "",
            _t(
                "良好及以上不超过参训人数的 30%，优秀不超过 15%（按项目所有参训人员计算，"
                "含系统中已有的记录）。"
            ),
        ],
    ]


def build_report(*, upload: ImportUpload) -> bytes:
    """Return the upload's rows as .xlsx with each row's outcome and its errors (错误说明)."""
    data = read_json(upload.directory / "rows.json")
    actions = read_json(upload.directory / "actions.json")
    summary = import_summary(upload=upload)
    if data is None or actions is None or summary is None:
        raise UploadNotReady()
    errors_by_row: dict[int, list[str]] = {}
    for error in summary.errors:
        shown = f"{error.header}：{error.message}" if error.header else error.message
        errors_by_row.setdefault(error.row, []).append(shown)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_t("导入结果"))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.column_dimensions[get_column_letter(len(COLUMNS) + 1)].width = 8
    sheet.column_dimensions[get_column_letter(len(COLUMNS) + 2)].width = 70
    sheet.column_dimensions[get_column_letter(len(COLUMNS) + 3)].width = 8
    sheet.append([*HEADERS, _t("处理结果"), _t("错误说明"), _t("原行号")])
    for item, action in zip(data, actions, strict=True):
        row, raw = item[0], item[1]
        errors = "；".join(errors_by_row.get(row, []))
        cells = []
        for index, value in enumerate([*raw, str(ACTION_LABELS[action]), errors]):
            cell = WriteOnlyCell(sheet, value=value)
            if index == 0:
                cell.number_format = "@"  # ID numbers stay text
            if action == "error":
                cell.fill = ERROR_FILL
            cells.append(cell)
        cells.append(WriteOnlyCell(sheet, value=row))
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
