"""`write_xlsx` and `xlsx_response`: the sheet's layout, its cells' types, safe text, memory."""

import datetime as dt
import io
import tempfile
import tracemalloc
import zipfile
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest

from core import xlsx_export
from core.xlsx_export import (
    XLSX_CONTENT_TYPE,
    Column,
    ExportTooLarge,
    write_xlsx,
    xlsx_response,
)

# 01:30 UTC is 09:30 in Beijing: the sheet must show the latter.
EXPORTED_AT = dt.datetime(2025, 1, 6, 1, 30, tzinfo=dt.UTC)
COLUMNS = [
    Column("姓名", width=12),
    Column("年龄", "int", width=6),
    Column("学分", "decimal", width=8),
    Column("开始日期", "date", width=11),
    Column("完成率", "percent", width=9),
]


def _write(tmp_path, rows, *, columns=COLUMNS, **options):
    path = tmp_path / "export.xlsx"
    arguments = {
        "title": "教师学分台账",
        "columns": columns,
        "rows": iter(rows),
        "exported_by": "甲一县教育局 王老师",
        "exported_at": EXPORTED_AT,
        **options,
    }
    written = write_xlsx(path, **arguments)
    return written, openpyxl.load_workbook(path)


def _values(worksheet):
    return [tuple(cell.value for cell in row) for row in worksheet.iter_rows()]


def test_sheet_shows_title_exporter_time_filters_and_header_above_the_data(tmp_path):
    """Rows 1–5 are title, exporter and Beijing time, filters, a blank row, the header."""
    # given
    rows = [("张一", 35, Decimal("12.50"), dt.date(2024, 9, 1), Decimal("0.5"))]
    # when
    written, workbook = _write(tmp_path, rows, filters=[("学年", "2024-2025"), ("县", "甲一县")])
    # then
    sheet = workbook.active
    assert written == 1
    assert _values(sheet)[:5] == [
        ("教师学分台账", None, None, None, None),
        ("导出人：甲一县教育局 王老师　导出时间：2025-01-06 09:30", None, None, None, None),
        ("筛选条件：学年=2024-2025；县=甲一县", None, None, None, None),
        (None, None, None, None, None),
        ("姓名", "年龄", "学分", "开始日期", "完成率"),
    ]
    assert sheet["A1"].font.b
    assert sheet["A1"].font.sz == 14
    header = sheet["A5"]
    assert header.font.b
    assert header.fill.fgColor.rgb == "FFD9D9D9"
    assert sheet.freeze_panes == "A6"
    assert sheet.auto_filter.ref == "A5:E6"
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDE"]
    assert [round(width) for width in widths] == [13, 7, 9, 12, 10]  # Excel adds the padding
    assert sheet.title == "教师学分台账"


def test_document_properties_name_the_title_exporter_and_time(tmp_path):
    """The file's own properties carry the title, the exporter as author and the time."""
    _, workbook = _write(tmp_path, [])
    assert workbook.properties.title == "教师学分台账"
    assert workbook.properties.creator == "甲一县教育局 王老师"
    assert workbook.properties.created.replace(tzinfo=dt.UTC) == EXPORTED_AT  # stored in UTC


def test_no_filters_reads_none(tmp_path):
    """Without filters the line says 无."""
    _, workbook = _write(tmp_path, [])
    assert workbook.active["A3"].value == "筛选条件：无"


def test_each_kind_is_written_with_its_own_type(tmp_path):
    """Text as text, int and Decimal as numbers equal to the value, dates as dates, None blank."""
    # given
    rows = [
        ("张一", 35, Decimal("12.50"), dt.date(2024, 9, 1), Decimal("0.125")),
        ("李二", 2**40, Decimal("-0.05"), dt.date(2025, 2, 28), 1.0),
        ("0012", 0, 7, dt.date(2000, 1, 1), 0),
        (None, None, None, None, None),
        ("王三", None, Decimal("123456.78"), None, Decimal("0.999")),
    ]
    # when
    written, workbook = _write(tmp_path, rows)
    # then
    sheet = workbook.active
    data = list(sheet.iter_rows(min_row=6, max_row=10))
    assert written == 5
    for cells, expected in zip(data, rows, strict=True):
        for cell, value, column in zip(cells, expected, COLUMNS, strict=True):
            if value is None:
                assert cell.value is None
            elif column.kind == "text":
                assert (cell.data_type, cell.value) == ("s", value)
            elif column.kind == "date":
                assert cell.is_date
                assert cell.value.date() == value
                assert cell.number_format == "yyyy-mm-dd"
            else:
                assert cell.data_type == "n"
                assert Decimal(str(cell.value)) == Decimal(str(value))
    assert data[0][4].number_format == "0.0%"
    assert data[0][2].number_format == "General"


def test_total_line_after_a_blank_row_counts_the_rows(tmp_path):
    """The total line "共 N 行" sits one blank row below the data, as the sheet's last line."""
    rows = [(f"教师{n}", n, Decimal(n), dt.date(2024, 9, 1), 0) for n in range(3)]
    _, workbook = _write(tmp_path, rows)
    sheet = workbook.active
    assert sheet.max_row == 10
    assert _values(sheet)[8] == (None,) * 5
    assert sheet["A10"].value == "共 3 行"


def test_an_empty_export_has_the_header_and_zero_rows(tmp_path):
    """No rows: the header, its filter, and "共 0 行"."""
    written, workbook = _write(tmp_path, [])
    sheet = workbook.active
    assert written == 0
    assert _values(sheet)[4] == ("姓名", "年龄", "学分", "开始日期", "完成率")
    assert sheet.auto_filter.ref == "A5:E5"
    assert sheet.max_row == 7
    assert sheet["A7"].value == "共 0 行"


@pytest.mark.parametrize(
    "text",
    ["=1+1", "@SUM(A1)", "+1", "-2", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")'],
)
def test_formula_looking_text_stays_text(tmp_path, text):
    """Text that Excel would run as a formula is stored as a string, with no formula at all."""
    path = tmp_path / "export.xlsx"
    write_xlsx(
        path,
        title=text,
        columns=[Column(text)],
        rows=iter([(text,)]),
        exported_by=text,
        exported_at=EXPORTED_AT,
        filters=[(text, text)],
    )
    cell = openpyxl.load_workbook(path).active["A6"]
    assert (cell.data_type, cell.value) == ("s", text)
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


def test_characters_xml_forbids_are_dropped_tab_and_newline_kept(tmp_path):
    """Control characters, lone surrogates and U+FFFE/U+FFFF go; the file still opens."""
    dirty = "张\x00一\x07\x0b\x0c\x1f\ud800\ufffe\uffff\t备注\n第二行"
    _, workbook = _write(
        tmp_path,
        [(dirty, 1, 1, dt.date(2024, 9, 1), 0)],
        columns=[Column("姓\x01名"), *COLUMNS[1:]],
        exported_by="王\x02老师",
    )
    sheet = workbook.active
    assert sheet["A6"].value == "张一\t备注\n第二行"
    assert sheet["A5"].value == "姓名"
    assert sheet["A2"].value.startswith("导出人：王老师　")


def test_text_over_excels_limit_is_cut_to_32767_characters(tmp_path):
    """A 40,000-character text keeps its first 32,767 characters."""
    long_text = "记" * 20_000 + "录" * 20_000
    _, workbook = _write(tmp_path, [(long_text, 1, 1, dt.date(2024, 9, 1), 0)])
    assert workbook.active["A6"].value == long_text[:32_767]


def test_sheet_name_is_cut_to_31_characters_without_excels_forbidden_ones(tmp_path):
    """[]:*?/\\ become underscores and the name keeps 31 characters."""
    _, workbook = _write(
        tmp_path, [], title="2024/2025 学年[甲一县]:*?\\ 教师继续教育学分台账（全部学校）"
    )
    assert workbook.active.title == "2024_2025 学年_甲一县_____ 教师继续教育学分台"
    assert len(workbook.active.title) == 31


def test_sheet_name_can_be_given_apart_from_the_title(tmp_path):
    """`sheet_name` names the sheet; the title row keeps the title."""
    _, workbook = _write(tmp_path, [], sheet_name="台账")
    assert workbook.active.title == "台账"
    assert workbook.active["A1"].value == "教师学分台账"


def test_a_row_of_the_wrong_width_is_refused(tmp_path):
    """A row with fewer values than columns raises instead of shifting the columns."""
    with pytest.raises(ValueError, match="Row 2 has 4 values for 5 columns"):
        _write(
            tmp_path,
            [("张一", 1, 1, dt.date(2024, 9, 1), 0), ("李二", 1, 1, dt.date(2024, 9, 1))],
        )


def test_a_naive_export_time_is_refused(tmp_path):
    """The export time must be aware, so the sheet can show it in Beijing time."""
    with pytest.raises(ValueError, match="naive"):
        _write(tmp_path, [], exported_at=dt.datetime(2025, 1, 6, 9, 30))  # noqa: DTZ001 the naive time under test


def test_rows_past_excels_last_row_are_refused_in_chinese(tmp_path, monkeypatch):
    """Excel's last row would silently drop cells; the export stops with a message instead."""
    monkeypatch.setattr(xlsx_export, "LAST_DATA_ROW", xlsx_export.FIRST_DATA_ROW + 1)
    rows = [(f"教师{n}", n, 1, dt.date(2024, 9, 1), 0) for n in range(3)]
    with pytest.raises(ExportTooLarge, match="超出 Excel 一张工作表的上限"):
        _write(tmp_path, rows)


def test_rows_that_fail_leave_no_file_and_no_temporary_files(tmp_path, monkeypatch):
    """If the rows raise half-way, the target is not written and XlsxWriter's spill is gone."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def rows():
        yield ("张一", 1, 1, dt.date(2024, 9, 1), 0)
        raise RuntimeError("database went away")

    target = tmp_path / "out" / "export.xlsx"
    target.parent.mkdir()
    with pytest.raises(RuntimeError, match="database went away"):
        write_xlsx(
            target,
            title="台账",
            columns=COLUMNS,
            rows=rows(),
            exported_by="王老师",
            exported_at=EXPORTED_AT,
        )
    assert not target.exists()
    assert list(scratch.iterdir()) == []


def test_a_binary_file_object_can_be_the_target():
    """`target` may be an open binary file instead of a path."""
    output = io.BytesIO()
    written = write_xlsx(
        output,
        title="台账",
        columns=COLUMNS[:1],
        rows=iter([("张一",)]),
        exported_by="王老师",
        exported_at=EXPORTED_AT,
    )
    sheet = openpyxl.load_workbook(io.BytesIO(output.getvalue())).active
    assert (written, sheet["A6"].value, sheet["A8"].value) == (1, "张一", "共 1 行")


def _peak_traced_bytes(count: int) -> int:
    def rows():
        for n in range(count):
            yield (f"第{n}号教师", Decimal(n) / 4)

    # Two columns keep the traced run short; kept rows would show in any of them.
    columns = [Column("姓名"), Column("学分", "decimal")]
    with tempfile.TemporaryFile() as output:
        tracemalloc.start()
        try:
            write_xlsx(
                output,
                title="台账",
                columns=columns,
                rows=rows(),
                exported_by="王老师",
                exported_at=EXPORTED_AT,
            )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_rows():
    """Ten times the rows stays under three times the peak memory: rows are not kept."""
    small = _peak_traced_bytes(5_000)
    large = _peak_traced_bytes(50_000)
    assert large < 3 * small, (small, large)


def _response(**options):
    arguments = {
        "filename": "教师学分台账",
        "title": "教师学分台账",
        "columns": COLUMNS,
        "rows": iter([("张一", 35, Decimal("12.50"), dt.date(2024, 9, 1), Decimal("0.5"))]),
        "exported_by": "王老师",
        **options,
    }
    return xlsx_response(**arguments)


# Closing a response sends request_finished, which checks the database connection.
@pytest.mark.django_db
def test_response_is_an_uncached_xlsx_attachment_with_its_chinese_name():
    """Content type, RFC 5987 file name ending .xlsx, and no-store for personal data."""
    response = _response()
    try:
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == (
            f"attachment; filename*=utf-8''{quote('教师学分台账.xlsx')}"
        )
        assert response["Cache-Control"] == "no-store"
        assert int(response["Content-Length"]) > 0
    finally:
        response.close()


# Closing a response sends request_finished, which checks the database connection.
@pytest.mark.django_db
def test_response_streams_a_workbook_that_opens():
    """The streamed bytes are the whole workbook, with the data and the total line."""
    before = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    response = _response()
    content = b"".join(response.streaming_content)
    response.close()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert int(response["Content-Length"]) == len(content)
    name, age, credits, started_on, rate = _values(sheet)[5]
    assert (name, age, credits, started_on.date(), rate) == (
        "张一",
        35,
        12.5,
        dt.date(2024, 9, 1),
        0.5,
    )
    assert sheet["A8"].value == "共 1 行"
    shown = sheet["A2"].value.rsplit("导出时间：", 1)[1]
    # The time defaults to now, shown in Beijing time.
    assert dt.datetime.strptime(f"{shown} +0800", "%Y-%m-%d %H:%M %z") >= before


# Closing a response sends request_finished, which checks the database connection.
@pytest.mark.django_db
def test_closing_the_response_closes_its_temporary_file():
    """The temporary file lives as long as the response."""
    response = _response()
    assert not response.file_to_stream.closed
    response.close()
    assert response.file_to_stream.closed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "disposition"),
    [
        ("ledger.XLSX", 'attachment; filename="ledger.XLSX"'),
        ("../../etc/passwd", 'attachment; filename=".._.._etc_passwd.xlsx"'),
        ("台账\r\n2024", f"attachment; filename*=utf-8''{quote('台账__2024.xlsx')}"),
        ("", 'attachment; filename="export.xlsx"'),
    ],
)
def test_response_file_name_has_no_path_or_control_characters(filename, disposition):
    """A file name cannot climb directories or split the header, and ends in .xlsx."""
    response = _response(filename=filename)
    response.close()
    assert response["Content-Disposition"] == disposition
