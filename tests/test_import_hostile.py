"""Hostile uploads are refused quickly with one Chinese message, or read within the limits.

Small versions of the attacks `bench_hostile_upload` measures at full size (docs/benchmarks.md):
each would take the old reader's memory or time past any bound at full size, and each test
fails on a reader that does not check the limit it names.
"""

import io
import json
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from bench.management.commands.bench_hostile_upload import (
    amplified_string,
    cells_in_one_row,
    declared_huge_part,
    deep_nesting,
    entity_expansion,
    full_dimension,
    header_row,
    html_renamed,
    long_inline_text,
    many_members,
    one_huge_shared_string,
    sheet_xml,
    write_workbook,
    zip_bomb,
)
from credits.intake.columns import HEADERS
from imports import files, xmlparts
from imports.errors import (
    CellTooLong,
    HeaderInHiddenSheet,
    NotExcelFile,
    ReadTimedOut,
    TooManyCells,
    UnpackedTooLarge,
    UnusualWorkbook,
)
from imports.reading import open_table, read_rows

ID = "650102198506150010"


def _read(path: Path, name: str | None = None):
    table = open_table(path, name or path.name)
    rows = read_rows(table)
    return table, rows


def _message(excinfo) -> str:
    message = str(excinfo.value)
    assert len(message) < 400, message  # a value is quoted in at most about 50 characters
    return message


def test_a_part_declaring_four_gigabytes_is_refused_unread(tmp_path):
    """The zip's headers declare a 4 GB sheet: refused by its declared size, nothing unpacked."""
    with pytest.raises(UnpackedTooLarge) as excinfo:
        _read(declared_huge_part(tmp_path, 1))
    assert "“xl/worksheets/sheet1.xml”解压后有 4096.0 MB，超过了 200 MB 的上限" in _message(excinfo)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    """3 MB of one repeated row packed into a few KB is refused before it is parsed."""
    path = zip_bomb(tmp_path, 0.02)
    assert path.stat().st_size < 100_000
    with pytest.raises(UnpackedTooLarge, match=r"压缩比为 \d+ 倍.*超过了 100 倍的上限"):
        _read(path)


def test_a_row_of_many_cells_stops_at_the_cell_limit(tmp_path, monkeypatch):
    """One row declaring more cells than the limit is refused while it is being read."""
    monkeypatch.setattr(files, "MAX_CELLS", 5_000)
    with pytest.raises(TooManyCells, match="单元格超过了 5,000 个"):
        _read(cells_in_one_row(tmp_path, 0.0004))  # 8,000 cells in row 2


def test_cells_far_right_are_not_kept(tmp_path):
    """A value in column 1,500 of a data row is skipped: a row holds at most MAX_COLUMNS."""
    rows = header_row() + (
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{ID}</t></is></c><c r="BER2"><v>1</v></c></row>'
    )
    table = open_table(write_workbook(tmp_path / "far.xlsx", sheet_xml(rows)), "far.xlsx")
    ((number, cells),) = list(table.rows)
    table.close()
    assert (number, cells) == (2, (ID,))


def test_one_shared_string_above_excel_limit_is_refused(tmp_path):
    """40,000 characters in one string (Excel allows 32,767): refused, quoting 20 of them."""
    with pytest.raises(CellTooLong) as excinfo:
        _read(one_huge_shared_string(tmp_path, 0))
    assert _message(excinfo) == (
        "表格中有一格的内容超过了 32767 个字符（Excel 一个单元格最多 32767 个字符），"
        "开头是“AAAAAAAAAAAAAAAAAAAA”，未读取。请删除或缩短这一格的内容后再上传。"
    )


def test_an_inline_text_above_excel_limit_names_its_cell(tmp_path):
    with pytest.raises(CellTooLong, match="工作表“培训记录”的 B2 单元格的内容超过了 32767 个字符"):
        _read(long_inline_text(tmp_path, 0))


def test_a_tag_longer_than_a_megabyte_is_refused(tmp_path):
    """expat holds a whole tag in memory: one of 2 MB is refused before it is parsed."""
    noise = "".join(random.Random(15).choices("0123456789abcdef", k=2_000_000))
    rows = header_row() + f'<row r="2"><c r="A2" x="{noise}"/></row>'
    path = write_workbook(tmp_path / "tag.xlsx", sheet_xml(rows))
    with pytest.raises(UnusualWorkbook, match="一段超过 1 MB 的连续内容"):
        _read(path)


def test_deep_nesting_is_refused(tmp_path):
    with pytest.raises(UnusualWorkbook, match="嵌套过深的 XML"):
        _read(deep_nesting(tmp_path, 0))


def test_a_dtd_is_refused_before_any_entity_is_expanded(tmp_path):
    """A "billion laughs" DTD: refused on sight, not expanded."""
    with pytest.raises(UnusualWorkbook, match="DTD、注释或处理指令"):
        _read(entity_expansion(tmp_path, 1))


def test_a_zip_of_thousands_of_members_is_refused(tmp_path):
    with pytest.raises(UnusualWorkbook, match="5105 个压缩部件，上限 5000 个"):
        _read(many_members(tmp_path, 0))


def test_reading_stops_at_the_time_limit(tmp_path, monkeypatch):
    """Past READ_SECONDS of CPU time the reading stops with a message naming the file."""
    monkeypatch.setattr(files, "READ_SECONDS", -1)
    with pytest.raises(ReadTimedOut, match=r"读取“slow\.xlsx”超过了 -1 秒"):
        _read(full_dimension(tmp_path, 1), "slow.xlsx")


def test_a_sheet_declaring_every_cell_of_excel_is_read_as_it_is(tmp_path):
    """<dimension ref="A1:XFD1048576"/> above one row: that row is read, the estimate is capped."""
    table = open_table(full_dimension(tmp_path, 1), "f.xlsx")
    assert table.estimate == files.MAX_ROWS + 1
    rows = read_rows(table)
    assert [(r.row, r.id_number) for r in rows] == [(2, ID)]


def test_one_long_string_shown_in_every_cell_keeps_rows_small(tmp_path):
    """A 32,000-character string shared by every cell: each row keeps a short quote only."""
    rows = read_rows(open_table(amplified_string(tmp_path, 0), "a.xlsx"))
    assert len(rows) == 20
    longest = max(len(value) for row in rows for value in row.raw)
    assert longest < 80
    assert max(len(message) for row in rows for _key, message in row.errors) < 300


def test_a_web_page_renamed_xlsx_is_named_as_one(tmp_path):
    """An HTML table saved as .xlsx is not taken for a CSV with a missing header."""
    with pytest.raises(NotExcelFile) as excinfo:
        _read(html_renamed(tmp_path, 1))
    assert _message(excinfo).startswith(
        "“html_renamed.xlsx”这不是 Excel 文件：它其实是网页（HTML）文件，只是文件名以 .xlsx 结尾"
    )


def test_a_csv_cell_above_excel_limit_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(",".join(HEADERS[:4]) + "\n" + ID + "," + "名" * 40_000 + ",X,40\n")
    with pytest.raises(CellTooLong, match="第 2 行 B 列的内容超过了 32767 个字符"):
        _read(path)


def _two_sheets(tmp_path, *, first_hidden: bool, second_has_header: bool = True) -> Path:
    workbook = Workbook()
    old = workbook.active
    old.title = "上学期"
    old.append(HEADERS)
    old.append([ID, "旧表", "XJ2024", 8])
    if first_hidden:
        old.sheet_state = "hidden"
    new = workbook.create_sheet("培训记录")
    new.append(HEADERS if second_has_header else ["说明"])
    new.append([ID, "新表", "XJ2025", 40])
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    return path


def test_a_hidden_first_sheet_is_skipped_and_the_sheet_read_is_named(tmp_path):
    """Last term's hidden copy comes first: the visible sheet is read, and both are named."""
    table, rows = _read(_two_sheets(tmp_path, first_hidden=True))
    assert table.sheet == "培训记录"
    assert [(r.row, r.name) for r in rows] == [(2, "新表")]
    assert table.notes == ["隐藏的工作表不读取：已跳过 上学期。"]


def test_a_header_only_in_a_hidden_sheet_is_explained(tmp_path):
    path = _two_sheets(tmp_path, first_hidden=True, second_has_header=False)
    with pytest.raises(HeaderInHiddenSheet, match="表头只出现在隐藏的工作表“上学期”中"):
        _read(path)


def _with_hidden_rows(tmp_path, *, filtered: bool) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(5):
        sheet.append([ID, f"教师{n}", "XJ2025", 40])
    sheet.row_dimensions[3].hidden = True
    sheet.row_dimensions[5].hidden = True
    if filtered:
        sheet.auto_filter.ref = "A1:H6"
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize(("filtered", "how"), [(False, "被隐藏"), (True, "被筛选隐藏")])
def test_hidden_rows_are_read_and_named(tmp_path, filtered, how):
    """Rows hidden by hand or by a filter are imported, and the preview says which ones."""
    table, rows = _read(_with_hidden_rows(tmp_path, filtered=filtered))
    assert len(rows) == 5
    assert table.notes == [
        f"有 2 行在 Excel 中{how}（第 3、5 行），这些行也会导入。"
        "如果它们不该导入，请取消隐藏、删除这些行后重新上传。"
    ]


def test_a_workbook_in_the_1904_date_system_reads_its_dates(tmp_path):
    """Workbooks saved on old Macs count days from 1904: the same date cell is the same day."""
    import datetime

    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = Workbook()
    workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([ID, "张一", "XJ2025", 40, 0, "合格", "学员", datetime.date(2025, 3, 1)])
    path = tmp_path / "mac.xlsx"
    workbook.save(path)
    _table, (row,) = _read(path)
    assert row.completed_on == datetime.date(2025, 3, 1)


def test_bench_hostile_upload_smoke(tmp_path):
    """The benchmark builds the files, reads each in a new process and prints JSON last."""
    out = io.StringIO()
    call_command(
        "bench_hostile_upload",
        size=0.0001,
        only=["declared_huge_part", "legit_rows"],
        keep_dir=str(tmp_path),
        timeout=120,
        stdout=out,
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    files = result["files"]
    assert files["declared_huge_part"]["after"]["outcome"].startswith("refused: ")
    assert files["legit_rows"]["after"]["outcome"] == "read 10 rows"
    assert 0 < files["legit_rows"]["after"]["peak_rss_mb"] < 300
    assert xmlparts.MAX_SHEET_BYTES == 200 * 1024 * 1024  # the figure the message quotes
