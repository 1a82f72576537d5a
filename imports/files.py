"""Uploaded files as tables of cells, read within fixed bounds; refused in Chinese otherwise.

Every upload up to MAX_UPLOAD_BYTES is either read or refused with one message, with bounded
memory and time, whatever it holds: the limits below apply before and while reading, not to the
compressed bytes only (a 1 MB .xlsx can unpack to gigabytes). `.xlsx` workbooks are streamed by
`imports.xlsx`; this module holds what both readers share (the limits, the header search, the
data rows, the kinds of file told by their first bytes) and the CSV reader. The file-level
errors are in `imports.errors`; the columns and how values are quoted in messages are
`credits.intake`'s.
"""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from credits.intake.columns import COLUMN_BY_KEY, COLUMNS, Table
from credits.intake.text import clean_text, shown_value

from .errors import (
    CellTooLong,
    DuplicateColumns,
    EmptySheet,
    MissingColumns,
    NotATable,
    NotExcelFile,
    ReadTimedOut,
    TooManyRows,
    UnknownEncoding,
)

# -- limits (docs/import.md "Hostile files") ----------------------------------------------------
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 10 MB: about 200,000 rows of a plain sheet
MAX_ROWS = 50_000  # data rows in one file; larger files are split by the school
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is allowed
BLANK_RUN_ENDS_TABLE = 10_000  # formatted but empty rows after the data end the table
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell; longer text was not made by Excel
MAX_COLUMNS = 1_000  # columns read; cells further right are skipped (Excel has 16,384)
MAX_CELL_ERRORS = 100_000  # cells found wrong while parsing (50,000 rows × 2 columns)
MAX_CELLS = 2_000_000  # cells read in one file (50,000 rows × 40), formatted empty ones too
MAX_SHEETS_SEARCHED = 50  # visible sheets whose first rows are searched for the header
READ_SECONDS = 10  # CPU time of the reading thread to open and read one upload
READ_WALL_SECONDS = 60  # and wall-clock time, whatever else the machine is doing
SHOWN_IGNORED_COLUMNS = 20  # ignored headers named in the preview
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
TEXT_EXTENSIONS = (".csv", ".txt")


# -- headers ------------------------------------------------------------------------------------
def normalize_header(value) -> str:
    text = clean_text(value or "")
    text = re.sub(r"\s+", "", text).strip("*")
    return re.sub(r"[(][^()]*[)]$", "", text)  # "参训学时(必填)" → "参训学时"


HEADER_WORDS = {
    normalize_header(word): column.key
    for column in COLUMNS
    for word in (column.header, *column.aliases)
}


def is_header_row(cells: tuple) -> bool:
    """Return whether a row looks like the header: it names the ID number or the project."""
    words = {HEADER_WORDS.get(normalize_header(c)) for c in cells if isinstance(c, str)}
    return "id_number" in words or "project_code" in words


# -- reading within bounds ---------------------------------------------------------------------
class Deadline:
    """The time limit of reading one upload.

    Counted in CPU time of the reading thread (READ_SECONDS), so a file is not refused because
    other requests or workers share the machine; a wall-clock limit (READ_WALL_SECONDS) backs
    it up.
    """

    def __init__(self, filename: str):
        self.filename = filename
        self.cpu_ends_at = time.thread_time() + READ_SECONDS
        self.wall_ends_at = time.monotonic() + READ_WALL_SECONDS

    def check(self) -> None:
        if time.thread_time() > self.cpu_ends_at:
            raise ReadTimedOut(name=shown_value(self.filename), seconds=READ_SECONDS)
        if time.monotonic() > self.wall_ends_at:
            raise ReadTimedOut(name=shown_value(self.filename), seconds=READ_WALL_SECONDS)


def is_blank(cells: tuple) -> bool:
    return all(c is None or (isinstance(c, str) and (not c or c.isspace())) for c in cells)


def match_headers(cells: tuple, row_number: int) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(cells):
        word = normalize_header(cell)
        if not word:
            continue
        key = HEADER_WORDS.get(word)
        if key is None:
            ignored.append(shown_value(clean_text(cell)))
        elif key in positions:
            letters = f"{get_column_letter(positions[key] + 1)}、{get_column_letter(index + 1)}"
            raise DuplicateColumns(header=COLUMN_BY_KEY[key].header, letters=letters)
        else:
            positions[key] = index
    missing = [c.header for c in COLUMNS if c.is_required and c.key not in positions]
    if missing:
        raise MissingColumns(row=row_number, missing="、".join(missing))
    if len(ignored) > SHOWN_IGNORED_COLUMNS:
        count = len(ignored)
        ignored = [*ignored[:SHOWN_IGNORED_COLUMNS], _t("等共 %(n)d 列") % {"n": count}]
    return positions, ignored


def find_header(rows: Iterator[tuple[int, tuple]], sheet: str):
    """Return (row number, column positions, ignored headers) of the first header row.

    The row iterator is left just after the header. Without a recognisable header the first
    non-blank row is taken as one, so the error names the missing columns.
    """
    first_row = None
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        if is_blank(cells):
            continue
        if first_row is None:
            first_row = (number, cells)
        if is_header_row(cells):
            positions, ignored = match_headers(cells, number)
            return number, positions, ignored
    if first_row is None:
        raise EmptySheet(sheet=shown_value(sheet))
    match_headers(first_row[1], first_row[0])  # raises MissingColumns naming what is absent
    raise EmptySheet(sheet=shown_value(sheet))  # pragma: no cover - match_headers raises here


def data_rows(table: Table) -> Iterator[tuple[int, tuple]]:
    """Yield the non-blank data rows; a long run of blank rows ends the table.

    Rows are counted by their numbers, so 10,000 rows Excel left out of the file (never typed
    in) end the table as 10,000 formatted empty ones do.
    """
    last = table.header_row
    count = 0
    for number, cells in table.rows:
        if is_blank(cells):
            if number - last > BLANK_RUN_ENDS_TABLE:
                return
            continue
        if number - last > BLANK_RUN_ENDS_TABLE:
            return
        last = number
        count += 1
        if count > MAX_ROWS:
            raise TooManyRows(rows=MAX_ROWS, limit=MAX_ROWS)
        yield number, cells


def hidden_rows_note(table: Table) -> str | None:
    """Return the warning naming the data rows hidden in Excel (by a filter or by hand)."""
    hidden = [n for n in table.hidden_rows if n > table.header_row]
    if not hidden:
        return None
    shown = "、".join(str(n) for n in hidden[:10])
    if len(hidden) > 10:
        shown += _t(" 等")
    how = _t("被筛选隐藏") if table.is_filtered else _t("被隐藏")
    return _t(
        "有 %(count)d 行在 Excel 中%(how)s（第 %(rows)s 行），这些行也会导入。"
        "如果它们不该导入，请取消隐藏、删除这些行后重新上传。"
    ) % {"count": len(hidden), "how": how, "rows": shown}


# -- kinds of file ------------------------------------------------------------------------------
MARKUP_KINDS = (
    (b"urn:schemas-microsoft-com:office:spreadsheet", _("Excel 2003 XML 表格")),
    (b"<html", _("网页（HTML）文件")),
    (b"<!doctype html", _("网页（HTML）文件")),
    (b"<table", _("网页（HTML）文件")),
    (b"mime-version:", _("网页（MHT）文件")),
    (b"{\\rtf", _("RTF 文档")),
    (b"<?xml", _("XML 文件")),
)


def markup_kind(head: bytes) -> str | None:
    """Return what a text document that is not a table is (a web page…), from its first bytes."""
    sample = head[:4096].lower()
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: drop the zero bytes
        sample = sample[2:].replace(b"\x00", b"")
    sample = sample.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not sample.startswith((b"<", b"mime-version:", b"{\\rtf")):
        return None
    for marker, kind in MARKUP_KINDS:
        if marker in sample:
            return str(kind)
    return None


def not_excel(filename: str, kind: str) -> NotExcelFile:
    lower = filename.lower()
    extension = "." + lower.rsplit(".", 1)[1] if "." in lower else _t("（无扩展名）")
    expected = "CSV" if lower.endswith(TEXT_EXTENSIONS) else "Excel"
    return NotExcelFile(
        name=shown_value(filename), expected=expected, kind=kind, extension=shown_value(extension)
    )


def looks_like_text(path: Path) -> bool:
    """Return whether the file starts like text in an encoding the CSV reader understands."""
    with open(path, "rb") as source:
        sample = source.read(4096)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 ("Unicode 文本" from Excel)
    for encoding in ("utf-8", "gb18030"):
        for cut in range(4):  # the sample may end inside a multi-byte character
            try:
                text = sample[: len(sample) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return bool(text) and not any(
                unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text
            )
    return False


# -- CSV ----------------------------------------------------------------------------------------
def open_csv(path: Path, filename: str) -> Table:
    """Read a CSV file (UTF-16, UTF-8 with or without BOM, GBK/GB18030) as a table."""
    deadline = Deadline(filename)
    data = path.read_bytes()
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "gb18030"]  # WPS and Excel on Chinese Windows save GBK
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    del data
    if text is None or "\x00" in text:
        raise UnknownEncoding(name=shown_value(filename))
    first_line = text[: text.find("\n") if "\n" in text[:65536] else 65536]
    delimiter = max(",\t;", key=first_line.count)
    estimate = min(text.count("\n"), MAX_ROWS + 1)
    rows = _csv_rows(text, delimiter, deadline)
    header_row, positions, ignored = find_header(rows, filename)
    return Table(
        positions=positions,
        letters={k: get_column_letter(i + 1) for k, i in positions.items()},
        header_row=header_row,
        ignored=ignored,
        rows=rows,
        estimate=max(estimate - header_row + 1, 0),
    )


def _csv_rows(text: str, delimiter: str, deadline: Deadline) -> Iterator[tuple[int, tuple]]:
    # csv refuses fields above its own limit (131,072): cut at Excel's first, by hand below.
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    number = 0
    try:
        for row in reader:
            number += 1
            if number % 1000 == 0:
                deadline.check()
            for index, cell in enumerate(row[:MAX_COLUMNS]):
                if len(cell) > MAX_CELL_CHARS:
                    where = _t("第 %(row)d 行 %(column)s 列") % {
                        "row": number,
                        "column": get_column_letter(index + 1),
                    }
                    raise CellTooLong(
                        where=where, limit=MAX_CELL_CHARS, start=shown_value(cell, limit=20)
                    )
            yield number, tuple(row[:MAX_COLUMNS])
    except csv.Error as exc:
        if "field larger" not in str(exc):
            raise NotATable(name=shown_value(deadline.filename)) from None  # pragma: no cover
        where = _t("第 %(row)d 行的一格") % {"row": number + 1}
        raise CellTooLong(where=where, limit=MAX_CELL_CHARS, start="") from None
