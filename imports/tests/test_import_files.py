"""Bad or unusual files are either read correctly or refused with one Chinese message."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from credits.intake.columns import COLUMNS
from credits.intake.rows import parse_date
from imports import files
from imports.errors import (
    DuplicateColumns,
    EmptySheet,
    FileTooLarge,
    MergedCells,
    MissingColumns,
    NoDataRows,
    NotATable,
    OldExcelFormat,
    TooManyCellErrors,
    TooManyRows,
)
from imports.reading import open_table, read_rows
from imports.uploads import store_upload
from institutions.choices import Role
from projects.models import TrainingRecord
from trainees.models import Teacher
from trainees.tests.factories import make_id_number

from .test_import_support import (
    check,
    check_and_commit,
    errors_of,
    media,  # noqa: F401 a fixture
    record_row,
    replace_in_sheet,
    uploaded,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


@pytest.fixture
def admin(world):
    return world.users[Role.SCHOOL_ADMIN]


def _rows(tmp_path, content: bytes, name: str = "f.xlsx"):
    path = Path(tmp_path) / "upload"
    path.write_bytes(content)
    return read_rows(open_table(path, name))


def test_png_renamed_xlsx_is_not_a_table(admin):
    """A picture renamed .xlsx is refused by its first bytes, naming the file."""
    with pytest.raises(NotATable, match=r"“photo\.xlsx”不是 Excel 表格"):
        check(PNG, admin, "photo.xlsx")


def test_zip_that_is_not_a_workbook_is_not_a_table(admin):
    """A .docx (also a zip) renamed .xlsx is refused the same way."""
    with pytest.raises(NotATable):
        check(b"PK\x03\x04" + b"\x00" * 100, admin, "letter.xlsx")


@pytest.mark.parametrize("name", ["old.xls", "old.xlsx"])
def test_old_excel_is_refused_saying_save_as_xlsx(admin, name):
    """An .xls file (or a password-protected one) is refused with how to save it as .xlsx."""
    with pytest.raises(OldExcelFormat, match=r"另存为.*xlsx"):
        check(OLE2, admin, name)


def test_missing_headers_are_named(admin, world):
    """Without 项目编号 and 参训学时 the message names exactly those two columns."""
    content = xlsx([["x", "y"]], headers=["身份证号码", "姓名", "备注"])
    with pytest.raises(MissingColumns) as excinfo:
        check(content, admin)
    assert "缺少这些列：项目编号、参训学时" in str(excinfo.value)
    assert "第 1 行" in str(excinfo.value)


def test_wrong_file_names_every_required_column(admin):
    """A sheet with other headers names all four required columns."""
    with pytest.raises(MissingColumns, match="身份证号码、姓名、项目编号、参训学时"):
        check(xlsx([[1, 2]], headers=["编号", "金额"]), admin)


def test_empty_sheet_is_refused(admin):
    """A workbook with nothing in it says the sheet is empty."""
    with pytest.raises(EmptySheet, match="工作表“培训记录”是空的"):
        check(xlsx([], headers=None), admin)


def test_header_only_says_there_are_no_rows(admin):
    """Headers without data say where to start typing rows."""
    with pytest.raises(NoDataRows, match="从第 2 行起"):
        check(xlsx([]), admin)


def test_fifty_megabyte_upload_is_refused_before_parsing(client, admin, settings):
    """50 MB is refused by its size: the message names the limit and nothing is kept on disk."""
    client.force_login(admin)
    big = uploaded(b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024), "big.xlsx")
    response = client.post(reverse("imports:upload"), {"file": big})
    assert response.status_code == 200
    assert "超过了 10 MB 的上限，未读取" in response.content.decode()
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


def test_store_upload_refuses_oversized_files_itself(admin):
    """The service refuses an oversized file too, whatever the caller checked."""
    with pytest.raises(FileTooLarge, match=r"50\.0 MB"):
        store_upload(file=uploaded(b"\x00" * (50 * 1024 * 1024 + 1)), by=admin)


def test_formula_with_cached_value_is_read(admin, world):
    """A formula Excel computed is read as its value (data_only)."""
    content = xlsx([record_row(world.T1, world.projR, hours="=20+20")])
    content = replace_in_sheet(content, "<f>20+20</f><v />", "<f>20+20</f><v>40</v>")
    _upload, summary = check(content, admin)
    assert summary.errors == []
    assert summary.updated + summary.unchanged == 1


def test_formula_without_result_is_a_row_error(admin, world):
    """A formula saved without a computed value is a row error naming the column."""
    content = xlsx(
        [record_row(world.T1, world.projR), record_row(world.T2, world.projR, hours="=A1*2")]
    )
    _upload, summary = check(content, admin)
    assert errors_of(summary) == [
        (
            3,
            "D",
            "“参训学时”是公式，公式没有计算结果。请在 Excel 中打开并保存一次，或把公式改为数值后再上传。",
        )
    ]


def test_merged_cells_in_the_data_are_refused_naming_the_range(admin, world):
    """Merged C2:C3 cannot be read row by row: refused, naming C2:C3."""
    rows = [record_row(world.T1, world.projR), record_row(world.T2, world.projR)]
    content = xlsx(rows, setup=lambda sheet: sheet.merge_cells("C2:C3"))
    with pytest.raises(MergedCells, match="C2:C3"):
        check(content, admin)


def test_merged_title_above_the_header_is_allowed(admin, world):
    """A merged title row above the header is not data: the rows below are read."""

    def title(sheet):
        sheet.insert_rows(1)
        sheet["A1"] = "甲一县第一中学 2025 年培训记录"
        sheet.merge_cells("A1:H1")

    _upload, summary = check(xlsx([record_row(world.T2, world.projR)], setup=title), admin)
    assert (summary.rows, summary.created, summary.errors) == (1, 1, [])


def test_id_number_stored_as_float_is_refused_saying_format_as_text(admin, world):
    """6.50102E+17 lost its last digits: the row error says to format the column as text."""
    row = record_row(world.T1, world.projR)
    row[0] = float(world.T1.id_number)
    _upload, summary = check(xlsx([row]), admin)
    ((number, column, message),) = errors_of(summary)
    assert (number, column) == (2, "A")
    assert "存成了数字（6.5" in message
    assert "设置为“文本”格式" in message


def test_scientific_text_in_a_csv_is_refused_the_same_way(admin, world):
    """A CSV saved after Excel showed 6.50102E+17 carries the lost digits as text."""
    text = f"身份证号码,姓名,项目编号,参训学时\n6.50102E+17,张一,{world.projR.code},40\n"
    _upload, summary = check(text.encode(), admin, "records.csv")
    assert "存成了数字（6.50102E+17）" in errors_of(summary)[0][2]


def _number_cell(teacher, project, digits: str) -> bytes:
    """Return a sheet whose ID cell is a number cell holding exactly `digits`.

    openpyxl writes large integers in float notation, so the digits are put into the XML
    as a program exporting full integers (and not Excel) would write them.
    """
    row = record_row(teacher, project)
    row[0] = 123456
    return replace_in_sheet(xlsx([row]), "<v>123456</v>", f"<v>{digits}</v>")


def test_id_number_as_an_eighteen_digit_integer_is_read(admin, world):
    """An integer cell holding all 18 digits (written by a program) is fine."""
    # given: an ID number without the final X, which a number cell could not hold
    serial = next(s for s in range(900, 1000) if make_id_number(serial=s).isdigit())
    Teacher.objects.filter(pk=world.T2.pk).update(id_number=make_id_number(serial=serial))
    world.T2.refresh_from_db()
    content = _number_cell(world.T2, world.projR, world.T2.id_number)
    _upload, summary = check(content, admin)
    assert (summary.created, summary.errors) == (1, [])


def test_seventeen_digit_integer_says_eighteen_are_needed(admin, world):
    """A number cannot hold the final X: 17 digits are reported with the text-format hint."""
    content = _number_cell(world.T2, world.projR, world.T2.id_number[:17])
    _upload, summary = check(content, admin)
    message = errors_of(summary)[0][2]
    assert "身份证号码应为18位，当前为17位" in message
    assert "存成了数字" in message


def test_full_width_id_number_and_hours_are_folded(admin, world):
    """Full-width digits (６５０１…, ４０) from a Chinese input method are read as ASCII."""
    full_width = world.T2.id_number.translate(
        str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    )
    row = record_row(world.T2, world.projR, hours="４０")
    row[0] = full_width
    _upload, summary = check_and_commit(xlsx([row]), admin)
    assert summary.created == 1
    assert TrainingRecord.objects.get(teacher=world.T2, project=world.projR).hours == Decimal(40)


@pytest.mark.parametrize("hours", ["40", "40.0", "４０", 40, 40.0, " 40 ", "40学时"])
def test_hours_in_every_spelling_are_forty(tmp_path, world, hours):
    """Hours typed as text, full-width, float or integer are all 40.0."""
    (row,) = _rows(tmp_path, xlsx([record_row(world.T1, world.projR, hours=hours)]))
    assert (row.hours, row.errors) == (Decimal("40.0"), [])


@pytest.mark.parametrize(
    "value",
    [
        45717,  # an Excel serial number in a cell not formatted as a date
        45717.0,
        datetime.datetime(2025, 3, 1),  # noqa: DTZ001 Excel date cells are naive
        datetime.date(2025, 3, 1),
        "2025-03-01",
        "2025/3/1",
        "2025.3.1",
        "2025年3月1日",
        "２０２５年３月１日",
        "20250301",
        "2025-03-01 00:00:00",
    ],
)
def test_dates_in_every_form_are_march_first(value):
    """Every way Excel or WPS may hold 1 March 2025 is read as that date."""
    assert parse_date(value) == datetime.date(2025, 3, 1)


@pytest.mark.parametrize("value", ["2025-02-30", "3/1/2025", "明天", 12, True])
def test_impossible_dates_are_not_guessed(value):
    """Impossible or ambiguous dates are not read."""
    assert parse_date(value) is None


def test_dates_in_a_workbook_reach_the_record(admin, world):
    """A serial-number cell and a text date in one file both become 2025-03-01."""
    rows = [
        record_row(world.T1, world.projN, done=45717),
        record_row(world.T2, world.projN, done="2025年3月1日"),
    ]
    _upload, summary = check_and_commit(xlsx(rows), admin)
    assert summary.created == 2
    dates = set(
        TrainingRecord.objects.filter(project=world.projN).values_list("completed_on", flat=True)
    )
    assert dates == {datetime.date(2025, 3, 1)}


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b"")],
)
def test_csv_from_wps_in_each_encoding_is_read(admin, world, encoding, bom):
    """WPS CSV files in UTF-8 (with or without BOM) and GBK/GB18030 give the same rows."""
    text = "身份证号码,姓名,项目编号,参训学时,请假学时,考核等次,参训身份,完成日期\r\n"
    text += f"{world.T2.id_number},{world.T2.name},{world.projR.code},40,2,合格,学员,2025/3/5\r\n"
    _upload, summary = check_and_commit(bom + text.encode(encoding), admin, "records.csv")
    assert (summary.created, summary.errors) == (1, [])
    record = TrainingRecord.objects.get(teacher=world.T2, project=world.projR)
    assert (record.leave_hours, record.grade) == (Decimal(2), "pass")


def test_undecodable_csv_is_refused(admin):
    """Bytes that are neither UTF-8 nor GB18030 are refused with what to do."""
    with pytest.raises(NotATable):
        check(b"\x00\x01\x02\x03", admin, "records.csv")


def test_a_wrong_declared_size_does_not_cut_rows(admin, world):
    """A sheet that declares A1:H1 but holds 2 rows is read in full."""
    content = xlsx([record_row(world.T2, world.projR), record_row(world.T2, world.projN)])
    content = replace_in_sheet(content, '<dimension ref="A1:H3" />', '<dimension ref="A1:H1" />')
    _upload, summary = check(content, admin)
    assert (summary.rows, summary.created) == (2, 2)


def test_headers_are_matched_by_name_in_any_order_and_extra_columns_ignored(admin, world):
    """Columns may come in another order; unknown columns are listed as ignored."""
    headers = ["项目编号", "备注", "姓名", "身份证号码", "参训学时"]
    row = [world.projR.code, "补录", world.T2.name, world.T2.id_number, 32]
    _upload, summary = check_and_commit(xlsx([row], headers=headers), admin)
    assert (summary.created, summary.ignored_columns) == (1, ["备注"])
    record = TrainingRecord.objects.get(teacher=world.T2, project=world.projR)
    assert (record.hours, record.role, record.completed_on) == (
        Decimal(32),
        "trainee",
        world.projR.ends_on,
    )


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_excel(admin, world):
    """Blank rows are skipped; an error names the row number Excel shows."""
    rows = [
        record_row(world.T2, world.projR),
        [None] * 8,
        record_row(world.T2, world.projN, hours=-1),
    ]
    _upload, summary = check(xlsx(rows), admin)
    assert summary.rows == 2
    assert [e[:2] for e in errors_of(summary)] == [(4, "D")]


def test_a_header_twice_is_refused_naming_the_columns(admin, world):
    headers = ["身份证号码", "姓名", "项目编号", "参训学时", "学时"]
    with pytest.raises(DuplicateColumns, match="“参训学时”出现了不止一次（D、E 列）"):
        check(xlsx([[1, 2, 3, 4, 5]], headers=headers), admin)


def test_more_rows_than_the_limit_are_refused(admin, world, monkeypatch):
    """Above MAX_ROWS data rows the file is refused with the limit, nothing is checked."""
    monkeypatch.setattr(files, "MAX_ROWS", 3)
    rows = [record_row(world.T2, world.projR)] * 4
    with pytest.raises(TooManyRows, match="上限 3 行"):
        check(xlsx(rows), admin)


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\ufeff", "\u200d", "\u00a0", "\u2060", "\u200e", "\u3000"]
)
def test_invisible_characters_are_dropped_from_every_cell(admin, world, invisible):
    """A zero-width space, BOM, joiner, NBSP… pasted from a web page or WeChat does not make
    the ID number "19 digits" or 合格 unknown: the row reads as if it were not there."""
    row = record_row(world.T2, world.projR, hours=f"40{invisible}", grade=f"合{invisible}格")
    row[0] = world.T2.id_number[:6] + invisible + world.T2.id_number[6:]
    row[2] = invisible + world.projR.code
    _upload, summary = check_and_commit(xlsx([row]), admin)
    assert (summary.created, summary.errors) == (1, [])
    record = TrainingRecord.objects.get(teacher=world.T2, project=world.projR)
    assert (record.hours, record.grade) == (Decimal(40), "pass")


def test_a_cell_of_invisible_characters_only_is_blank(admin, world):
    """A required cell holding only a zero-width space says it is empty, not that it is wrong."""
    row = record_row(world.T2, world.projR)
    row[1] = "\u200b\ufeff"
    _upload, summary = check(xlsx([row]), admin)
    assert errors_of(summary) == [(2, "B", "“姓名”不能为空。")]


def test_a_lower_case_project_code_finds_the_project(admin, world):
    """Codes are stored in capitals; "t000123" typed in lower case is the same project."""
    row = record_row(world.T2, world.projR)
    row[2] = world.projR.code.lower()
    _upload, summary = check_and_commit(xlsx([row]), admin)
    assert (summary.created, summary.errors) == (1, [])


@pytest.mark.parametrize(
    ("id_header", "hours_header", "date_header"),
    [
        ("身份证号码", "培训学时", "完成时间"),
        ("证件号码", "学时数", "结业日期"),
        ("身份证件号码", "参训学时数", "结业时间"),
    ],
)
def test_headers_schools_really_use_are_accepted(
    admin, world, id_header, hours_header, date_header
):
    """培训学时, 学时数, 证件号码, 完成时间… are the columns they name."""
    headers = [id_header, "姓名", "项目编号", hours_header, date_header]
    row = [world.T2.id_number, world.T2.name, world.projR.code, 32, "2025-03-03"]
    _upload, summary = check_and_commit(xlsx([row], headers=headers), admin)
    assert (summary.created, summary.errors, summary.ignored_columns) == (1, [], [])
    record = TrainingRecord.objects.get(teacher=world.T2, project=world.projR)
    assert (record.hours, record.completed_on) == (Decimal(32), datetime.date(2025, 3, 3))


@pytest.mark.parametrize(
    "value",
    [
        "2025/3/1 星期六",  # WPS's long date
        "2025年3月1日 星期六",
        "2025年3月1日星期六",
        "2025年3月1号",
        "2025-03-01（周六）",
        "2025.3.1 礼拜六",
        "2025/3/1 星期六 0:00",
    ],
)
def test_dates_with_their_weekday_are_read(value):
    assert parse_date(value) == datetime.date(2025, 3, 1)


def test_a_weekday_that_is_not_the_dates_is_named(admin, world):
    """2025/3/1 was a Saturday: "星期五" is a slip somewhere, and the message says which day."""
    row = record_row(world.T2, world.projR, done="2025/3/1 星期五")
    _upload, summary = check(xlsx([row]), admin)
    assert errors_of(summary) == [
        (
            2,
            "H",
            "完成日期“2025/3/1 星期五”中的星期与日期不符：2025-03-01 是星期六，请核对。",
        )
    ]


@pytest.mark.parametrize(
    ("hours", "shown"),
    [(39.99999999, "39.99999999"), ("39.99999999", "39.99999999"), (40.05, "40.05")],
)
def test_hours_finer_than_a_tenth_are_refused_showing_the_exact_value(admin, world, hours, shown):
    """39.99999999 is not quietly 40 (nor shown as "40"): the column keeps one decimal."""
    _upload, summary = check(xlsx([record_row(world.T2, world.projR, hours=hours)]), admin)
    assert errors_of(summary) == [(2, "D", f"“参训学时”最多保留 1 位小数，填写的是 {shown}。")]


def test_float_noise_of_a_formula_is_not_an_error(tmp_path, world):
    """0.1 + 0.2 stored by a formula as 0.30000000000000004 is 0.3."""
    (row,) = _rows(tmp_path, xlsx([record_row(world.T1, world.projR, hours=0.1 + 0.2)]))
    assert (row.hours, row.errors) == (Decimal("0.3"), [])


@pytest.mark.parametrize(
    ("hours", "shown"),
    [("1E+999999", "1E+999999"), ("9" * 35, "9" * 35)],
)
def test_absurd_numbers_are_too_large_not_a_crash(tmp_path, world, hours, shown):
    (row,) = _rows(tmp_path, xlsx([record_row(world.T1, world.projR, hours=hours)]))
    assert row.errors == [("hours", f"“参训学时”的数值 {shown} 过大，请核对。")]


def test_a_long_value_is_quoted_in_fifty_characters(admin, world):
    """A 5,000-character name is one short message and a short report cell, not 5,000 twice."""
    row = record_row(world.T2, world.projR)
    row[1] = "名" * 5_000
    upload, summary = check(xlsx([row]), admin)
    assert errors_of(summary) == [
        (2, "B", "“姓名”填写的内容过长，请核对：“" + "名" * 50 + "…（共 5000 个字符）”。")
    ]
    saved = (upload.directory / "rows.json").read_text(encoding="utf-8")
    assert len(saved) < 1_000


def test_every_row_message_quotes_values_through_shown_value(admin, world):
    """A project code of 80 characters is quoted in 50 in the planning's message too."""
    row = record_row(world.T2, world.projR)
    row[2] = "X" * 80
    _upload, summary = check(xlsx([row]), admin)
    ((_row, column, message),) = errors_of(summary)
    assert column == "C"
    assert "X" * 50 + "…（共 80 个字符）" in message
    assert "X" * 51 not in message


def test_a_file_of_wrong_cells_is_refused_naming_the_worst_column(tmp_path, world, monkeypatch):
    """Past MAX_CELL_ERRORS wrong cells the file is refused: wrong file or shifted columns."""
    monkeypatch.setattr(files, "MAX_CELL_ERRORS", 5)
    rows = [record_row(world.T1, world.projR, hours="四十", done="明天") for _ in range(4)]
    with pytest.raises(TooManyCellErrors) as excinfo:
        _rows(tmp_path, xlsx(rows))
    assert str(excinfo.value).startswith(
        "表格中填写有误的单元格超过了 5 个（读到第 4 行时），最多的是“参训学时”列（3 个），未读完。"
    )


@pytest.mark.parametrize(("column", "length"), [(0, 41), (1, 61), (3, 41)])
def test_each_column_has_a_length_beyond_which_the_cell_is_wrong(tmp_path, world, column, length):
    """An ID number, code, number… of more than 40 characters (a name of more than 60) is not
    parsed: the cell is reported as too long, quoted in 50 characters."""
    row = record_row(world.T1, world.projR)
    row[column] = "1" * length
    (parsed,) = _rows(tmp_path, xlsx([row]))
    key = COLUMNS[column].key
    ((error_key, message),) = parsed.errors
    assert error_key == key
    assert message.startswith(f"“{COLUMNS[column].header}”填写的内容过长，请核对")
    assert getattr(parsed, key) in ("", None)  # not kept
