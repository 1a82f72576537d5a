"""Uploaded files as tables of cells, read within fixed bounds; refused in Chinese otherwise.

Every upload up to MAX_UPLOAD_BYTES is either read or refused with one message, with bounded
memory and time, whatever it holds: the limits below apply before and while reading, not to the
compressed bytes only (a 1 MB .xlsx can unpack to gigabytes). `.xlsx` workbooks are streamed by
`credits.import_xlsx`; this module holds what both readers share (the limits, the file-level
errors, the columns and their headers, how values are shown in messages, the header search)
and the CSV reader.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

from .errors import CreditError

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
SHOWN_CHARS = 50  # characters of a value quoted in a message or kept for the report
SHOWN_IGNORED_COLUMNS = 20  # ignored headers named in the preview
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
TEXT_EXTENSIONS = (".csv", ".txt")


# -- errors -------------------------------------------------------------------------------------
class ImportFileError(CreditError):
    """The uploaded file cannot be read as a sheet of training records; nothing was written."""

    code = "import_file_error"


class FileTooLarge(ImportFileError):
    """The file is above the upload limit; it was not opened."""

    code = "import_file_too_large"
    message = _(
        "文件大小为 %(size)s MB，超过了 %(limit)s MB 的上限，未读取。请把表格拆分为几个文件分批导入。"
    )


class NotATable(ImportFileError):
    """The file is neither an .xlsx workbook nor a CSV text file."""

    code = "import_not_a_table"
    message = _(
        "“%(name)s”不是 Excel 表格（.xlsx）或 CSV 文件，无法读取。"
        "请点击“下载模板”，在模板中填写后上传。"
    )


class NotExcelFile(ImportFileError):
    """A web page or another text document saved under a spreadsheet's name."""

    code = "import_not_excel"
    message = _(
        "“%(name)s”这不是 %(expected)s 文件：它其实是%(kind)s，只是文件名以 %(extension)s 结尾"
        "（从网站或其他系统“导出 Excel”得到的文件常常如此）。"
        "请用 Excel 或 WPS 打开它，选择“另存为”→“Excel 工作簿（*.xlsx）”，再上传另存的文件。"
    )


class OldExcelFormat(ImportFileError):
    """An .xls (Excel 97-2003) file, or an .xlsx protected by a password (same container)."""

    code = "import_old_excel"
    message = _(
        "“%(name)s”是旧版 Excel（.xls）文件或设置了打开密码的文件，无法读取。"
        "请用 Excel 或 WPS 打开，选择“另存为”→“Excel 工作簿（*.xlsx）”，不要设置密码，再上传。"
    )


class UnknownEncoding(ImportFileError):
    """A CSV file in an encoding other than UTF-8 or GBK/GB18030."""

    code = "import_unknown_encoding"
    message = _(
        "无法识别 CSV 文件“%(name)s”的文字编码。请在 WPS 或 Excel 中另存为 .xlsx 后再上传。"
    )


class UnpackedTooLarge(ImportFileError):
    """A part of the workbook unpacks to more than the reader takes (a "zip bomb")."""

    code = "import_unpacked_too_large"
    message = _(
        "“%(name)s”解压后过大：其中的“%(part)s”%(reason)s，不像是 Excel 或 WPS 保存的表格，未读取。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传；数据很多时请拆分为几个文件。"
    )


class UnusualWorkbook(ImportFileError):
    """The workbook holds something Excel and WPS never write (a DTD, comments, deep nesting)."""

    code = "import_unusual_workbook"
    message = _(
        "“%(name)s”中含有 Excel 和 WPS 不会写入的内容（%(what)s），可能已损坏或被其他程序改动过，"
        "未读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
    )


class CellTooLong(ImportFileError):
    """One cell holds more text than Excel allows in a cell."""

    code = "import_cell_too_long"
    message = _(
        "%(where)s的内容超过了 %(limit)s 个字符（Excel 一个单元格最多 32767 个字符），"
        "开头是“%(start)s”，未读取。请删除或缩短这一格的内容后再上传。"
    )


class TooManyCells(ImportFileError):
    """More cells (formatted empty ones included) than one import reads."""

    code = "import_too_many_cells"
    message = _(
        "表格中的单元格超过了 %(limit)s 个（设置了格式的空单元格也算在内），超出一次导入可以读取的范围，"
        "未读取。请把需要导入的列和行复制到模板中，或拆分为几个文件后再上传。"
    )


class ReadTimedOut(ImportFileError):
    """Reading took longer than an upload may take."""

    code = "import_read_timed_out"
    message = _(
        "读取“%(name)s”超过了 %(seconds)d 秒，文件的结构异常复杂，未读取完。"
        "请把需要导入的数据复制到模板中（只粘贴数值），或拆分为几个文件后再上传。"
    )


class EmptySheet(ImportFileError):
    """The sheet has no header and no rows."""

    code = "import_empty_sheet"
    message = _(
        "工作表“%(sheet)s”是空的。请在第一个工作表的第 1 行填写表头，从第 2 行起每行填写一条培训记录。"
    )


class HeaderInHiddenSheet(ImportFileError):
    """Only a hidden sheet has the header; hidden sheets are not read."""

    code = "import_header_in_hidden_sheet"
    message = _(
        "表头只出现在隐藏的工作表“%(sheet)s”中。系统只读取可见的工作表（隐藏的常是旧数据）："
        "如果要导入的就是它，请在 Excel 中右键工作表标签→“取消隐藏”，再上传。"
    )


class NoDataRows(ImportFileError):
    """The sheet has a header but no data rows."""

    code = "import_no_rows"
    message = _("表格只有表头，没有数据。请从第 %(row)d 行起每行填写一条培训记录。")


class MissingColumns(ImportFileError):
    """Required headers are missing."""

    code = "import_missing_columns"
    message = _(
        "第 %(row)d 行的表头缺少这些列：%(missing)s。请使用“下载模板”得到的表格，表头文字保持不变。"
    )


class DuplicateColumns(ImportFileError):
    """A header appears twice, so it is unclear which column to read."""

    code = "import_duplicate_columns"
    message = _("表头中“%(header)s”出现了不止一次（%(letters)s 列），请删除多余的列后再上传。")


class MergedCells(ImportFileError):
    """Merged cells in the data area: rows cannot be read one by one."""

    code = "import_merged_cells"
    message = _(
        "表格中有合并单元格：%(ranges)s。合并后只有第一个单元格有内容，无法逐行读取。"
        "请选中这些单元格，点击“取消合并”，在每一行填写完整后再上传。"
    )


class TooManyCellErrors(ImportFileError):
    """So many cells are wrong that the file is more likely the wrong one than mistyped."""

    code = "import_too_many_cell_errors"
    message = _(
        "表格中填写有误的单元格超过了 %(limit)s 个（读到第 %(row)d 行时），最多的是“%(header)s”列"
        "（%(count)s 个），未读完。常见原因是选错了文件、表头与内容错位或整列格式不对："
        "请先核对前几行，改正后再上传。"
    )


class TooManyRows(ImportFileError):
    """More data rows than one import takes."""

    code = "import_too_many_rows"
    message = _(
        "表格有 %(rows)d 行以上数据，超过一次导入的上限 %(limit)d 行。请拆分为几个文件分批导入。"
    )


# -- values as messages show them ---------------------------------------------------------------
# Characters that take no room on screen: controls, the soft hyphen, zero-width space and
# joiners, bidi marks and isolates, word joiner, the BOM, variation selectors, Hangul fillers,
# tags. NFKC already turns the no-break and ideographic spaces into plain ones.
INVISIBLE_RANGES = (
    (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x34F, 0x34F),
    (0x61C, 0x61C), (0x115F, 0x1160), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0x2800, 0x2800), (0x3164, 0x3164), (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
INVISIBLE_RE = re.compile(
    "[" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in INVISIBLE_RANGES) + "]"
)


def clean_text(value) -> str:
    """Return a cell's text folded (NFKC: full-width forms, odd spaces), without invisible
    characters, stripped: "６５０１\u200b…" reads as "6501…"."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():  # most cells: the fast path
        return text.strip()
    return INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)).strip()


def shown_value(value, *, limit: int = SHOWN_CHARS) -> str:
    """Return a value as a message quotes it: at most `limit` characters, then how long it is.

    Every message and the report quote values through here, so a cell of 30,000 characters
    adds some 60 characters to the preview, not 30,000.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    return translated(SHOWN_TEMPLATE) % {"start": text[:limit], "count": len(text)}


SHOWN_TEMPLATE = _("%(start)s…（共 %(count)d 个字符）")
_pinned = threading.local()


@contextmanager
def language_pinned():
    """Look the active language up once for a whole read, instead of once per message.

    Django's get_language() goes through asgiref's thread-local (microseconds a call); a read
    does not change language halfway.
    """
    previous = getattr(_pinned, "language", None)
    _pinned.language = get_language()
    try:
        yield
    finally:
        _pinned.language = previous


_TRANSLATED: dict[tuple[str | None, int], str] = {}


def translated(message) -> str:
    """Return a module-level lazy message in the active language, translated once per language.

    A file of 50,000 bad rows makes hundreds of thousands of messages; gettext through
    Django's thread-local machinery costs more than everything else done per cell. The key is
    the message object's id: only messages that live as long as the process are passed here.
    """
    key = (getattr(_pinned, "language", None) or get_language(), id(message))
    text = _TRANSLATED.get(key)
    if text is None:
        text = _TRANSLATED[key] = str(message)
    return text


# -- columns and headers ------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of the import sheet: its key, Chinese header, and the headers also accepted."""

    key: str
    header: str
    is_required: bool
    aliases: tuple[str, ...] = ()
    width: int = 12
    max_chars: int = 40  # longer text is no ID number, code, number, word or date: a row error


COLUMNS = (
    Column(
        "id_number",
        "身份证号码",
        True,
        ("身份证号", "身份证", "公民身份号码", "身份证件号码", "证件号码", "证件号"),
        22,
    ),
    Column("name", "姓名", True, ("教师姓名", "学员姓名", "参训人员", "参训教师"), 12, 60),
    Column("project_code", "项目编号", True, ("项目代码", "项目编码", "培训项目编号"), 16),
    Column(
        "hours",
        "参训学时",
        True,
        ("学时", "培训学时", "学时数", "参训学时数", "培训学时数", "获得学时", "实际学时"),
        10,
    ),
    Column("leave_hours", "请假学时", False, ("请假学时数", "缺勤学时"), 10),
    Column("grade", "考核等次", False, ("考核结果", "等次", "考核等级", "考核情况"), 10),
    Column("role", "参训身份", False, ("身份", "参训角色", "角色"), 12),
    Column(
        "completed_on",
        "完成日期",
        False,
        ("结业日期", "完成时间", "结业时间", "培训完成日期", "完成培训日期"),
        14,
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]


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


# -- the table ----------------------------------------------------------------------------------
class _NoFormulaResult:
    """A formula cell saved without its computed value (written by a program, never opened)."""

    def __repr__(self) -> str:
        return "<formula without result>"


NO_FORMULA_RESULT = _NoFormulaResult()


@dataclass
class Table:
    """The readable rows of an uploaded sheet and where each column is."""

    positions: dict[str, int]  # column key → 0-based index in a row
    letters: dict[str, str]
    header_row: int
    ignored: list[str]
    rows: Iterable[tuple[int, tuple]]  # (row number as the user sees it, cell values)
    estimate: int  # data rows, from the sheet's declared size (may be rough)
    epoch: datetime.datetime = CALENDAR_WINDOWS_1900
    close: Callable[[], None] = lambda: None
    sheet: str = ""  # the worksheet read, named in the preview
    # Read to the end after the data rows; raises MergedCells, fills hidden_rows and notes.
    finish: Callable[[], None] = lambda: None
    hidden_rows: list[int] = field(default_factory=list)  # non-blank rows hidden in Excel
    is_filtered: bool = False  # the sheet has a filter (筛选)
    notes: list[str] = field(default_factory=list)  # file-level warnings for the preview


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
