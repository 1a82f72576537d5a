"""Stream an uploaded .xlsx workbook within bounds, with the standard library's zip and expat.

openpyxl's reader holds a whole row's cells and the whole shared-string table in memory before
it hands anything over, so a 1 MB file declaring one row of ten million cells, or one string of
400 MB, takes gigabytes (issue #15). Here every part of the zip is checked by its declared size
and compression ratio before it is opened, then fed to expat 64 KB at a time, and everything
that costs memory or time is counted as it arrives: the bytes unpacked, each markup token, the
nesting, the cells, the text of one cell and the clock. Reading stops at the first limit with
a Chinese message. openpyxl still writes the template and the report, and lends its public
helpers for date formats and Excel dates.

Only what Excel and WPS write is read: the DTD, comments and processing instructions (which
expat would buffer whole) are refused. Shared strings are kept as one UTF-8 buffer and decoded
when a cell asks for one.
"""

from __future__ import annotations

import contextlib
import datetime
import posixpath
import zipfile
import zlib
from array import array
from collections import deque
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _t
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from . import import_files as files
from .import_files import (
    NO_FORMULA_RESULT,
    CellTooLong,
    Deadline,
    HeaderInHiddenSheet,
    MergedCells,
    NotATable,
    OldExcelFormat,
    Table,
    TooManyCells,
    UnpackedTooLarge,
    UnusualWorkbook,
    find_header,
    is_blank,
    is_header_row,
    shown_value,
)

CHUNK = 64 * 1024  # unpacked bytes fed to the XML parser at a time
MB = 1024 * 1024
MAX_ZIP_MEMBERS = 5_000  # a workbook has a dozen parts; pictures add one each
MAX_SHEET_BYTES = 200 * MB  # one worksheet's XML (50,000 rows of 30 columns are ~60 MB)
MAX_STRINGS_BYTES = 64 * MB  # the shared-string table's XML
MAX_OTHER_BYTES = 8 * MB  # the workbook, relationships and styles parts
MAX_UNPACKED_BYTES = 256 * MB  # every byte unpacked for one reading, together
MAX_RATIO = 100  # unpacked ÷ packed size of a part above 1 MB (XML of a sheet: 5–30)
MAX_TOKEN_BYTES = 1 * MB  # one tag, or one run of text between two tags
MAX_DEPTH = 64  # XML nesting (a sheet needs 6)
MAX_SHARED_STRINGS = 1_000_000  # distinct texts of a workbook (50,000 rows × 8: 400,000)
MAX_OTHER_ELEMENTS = 5_000_000  # elements of a sheet that are not rows, cells or their text
MAX_MERGES_KEPT = 10_000
LONG_STRING_BYTES = 1024  # shared strings this long are decoded once and kept…
LONG_STRINGS_KEPT = 64  # …up to this many at a time (at most 6 MB)
UTF8_BOM = b"\xef\xbb\xbf"
CHINESE_DATE_FORMATS = {*range(27, 37), *range(50, 59)}  # built-in ids of zh-CN Excel: dates
TOO_FAR = 1 << 30
COLUMN_INDEX = {get_column_letter(i + 1): i for i in range(files.MAX_COLUMNS)}
DIGITS = "0123456789"


def _local(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


class Package:
    """The zip container of a workbook: parts checked by declared size before they are read."""

    def __init__(self, path: Path, filename: str, deadline: Deadline):
        self.filename = filename
        self.deadline = deadline
        self.unpacked = 0
        self.cells = 0
        self.others = 0
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise NotATable(name=shown_value(filename)) from None
        infos = self.zip.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            self.zip.close()
            what = _t("%(count)d 个压缩部件，上限 %(limit)d 个") % {
                "count": len(infos),
                "limit": MAX_ZIP_MEMBERS,
            }
            raise UnusualWorkbook(name=shown_value(filename), what=what)
        self.members = {info.filename: info for info in infos}

    def close(self) -> None:
        self.zip.close()

    def has(self, name: str) -> bool:
        return name in self.members

    def chunks(self, name: str, limit: int) -> Iterator[bytes]:
        """Yield the unpacked bytes of a part in CHUNK pieces, within its limits."""
        info = self.members.get(name)
        if info is None:
            raise NotATable(name=shown_value(self.filename))
        if info.flag_bits & 0x1:
            raise OldExcelFormat(name=shown_value(self.filename))  # an encrypted part
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            what = _t("不常见的压缩方式")
            raise UnusualWorkbook(name=shown_value(self.filename), what=what)
        if info.file_size > limit:
            reason = _t("解压后有 %(size)s MB，超过了 %(limit)d MB 的上限") % {
                "size": _megabytes(info.file_size),
                "limit": limit // MB,
            }
            raise UnpackedTooLarge(name=shown_value(self.filename), part=name, reason=reason)
        if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            reason = _t(
                "压缩比为 %(ratio)d 倍（%(size)s MB 压缩在 %(packed)s MB 中），超过了 %(limit)d 倍的上限"
            ) % {
                "ratio": info.file_size // max(info.compress_size, 1),
                "size": _megabytes(info.file_size),
                "packed": _megabytes(info.compress_size),
                "limit": MAX_RATIO,
            }
            raise UnpackedTooLarge(name=shown_value(self.filename), part=name, reason=reason)
        try:
            # zipfile stops at the declared size and checks the CRC, so a part cannot unpack
            # to more than the size checked above.
            with self.zip.open(info) as source:
                while chunk := source.read(CHUNK):
                    self.unpacked += len(chunk)
                    if self.unpacked > MAX_UNPACKED_BYTES:
                        reason = _t("连同其他部件解压后超过了 %(limit)d MB 的上限") % {
                            "limit": MAX_UNPACKED_BYTES // MB
                        }
                        raise UnpackedTooLarge(
                            name=shown_value(self.filename), part=name, reason=reason
                        )
                    self.deadline.check()
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            raise NotATable(name=shown_value(self.filename)) from None


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}"


class _Guard:
    """Refuse, before expat sees them, the XML tokens expat would buffer whole.

    Character data reaches the handlers as it arrives, but a tag, a comment or a processing
    instruction is held until its end. `<` cannot occur inside a tag or in text, so once the
    DTD, comments and processing instructions (never written by Excel or WPS) are refused, the
    distance between two `<` bounds every token that expat buffers.
    """

    def __init__(self, package: Package):
        self.package = package
        self.at_start = True
        self.tail = b""
        self.since = 0

    def refuse(self, what: str):
        raise UnusualWorkbook(name=shown_value(self.package.filename), what=what)

    def __call__(self, chunk: bytes) -> None:
        scan = chunk
        if self.at_start:
            self.at_start = False
            if scan.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in scan[:64]:
                self.refuse(_t("UTF-16 编码的 XML"))
            scan = scan.removeprefix(UTF8_BOM)
            if scan.startswith(b"<?xml"):
                end = scan.find(b"?>")
                if end < 0:
                    self.refuse(_t("过长的 XML 声明"))
                scan = scan[end + 2 :]
        window = self.tail + scan
        if b"<!" in window or b"<?" in window:
            self.refuse(_t("DTD、注释或处理指令"))
        if scan:
            self.tail = scan[-1:]
        first = scan.find(b"<")
        if first < 0:
            self.since += len(scan)
        else:
            if self.since + first > MAX_TOKEN_BYTES:
                self.refuse(_t("一段超过 1 MB 的连续内容"))
            self.since = len(scan) - scan.rfind(b"<") - 1
        if self.since > MAX_TOKEN_BYTES:
            self.refuse(_t("一段超过 1 MB 的连续内容"))


def _feed(package: Package, name: str, limit: int, handler) -> Iterator[None]:
    """Feed a part to a new expat parser calling `handler`; yield after each chunk."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    handler.parser = parser
    guard = _Guard(package)
    try:
        for chunk in package.chunks(name, limit):
            guard(chunk)
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise NotATable(name=shown_value(package.filename)) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before
        raise UnusualWorkbook(name=shown_value(package.filename), what="XML") from None


def _parse(package: Package, name: str, limit: int, handler) -> None:
    for _ in _feed(package, name, limit, handler):
        pass


class _Handler:
    """Count the nesting; subclasses look at the elements they need."""

    parser = None

    def __init__(self, package: Package):
        self.package = package
        self.depth = 0

    def start(self, name: str, attrs: dict) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise UnusualWorkbook(
                name=shown_value(self.package.filename), what=_t("嵌套过深的 XML")
            )
        self.open(_local(name), attrs)

    def end(self, name: str) -> None:
        self.depth -= 1
        self.close(_local(name))

    def open(self, name: str, attrs: dict) -> None:
        pass

    def close(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Relationships(_Handler):
    """A part's relationships: id → (type, target part)."""

    def __init__(self, package: Package, base: str):
        super().__init__(package)
        self.base = base
        self.by_id: dict[str, tuple[str, str]] = {}

    def open(self, name, attrs):
        if name != "Relationship" or attrs.get("TargetMode") == "External":
            return
        target = attrs.get("Target", "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(self.base, target))
        self.by_id[attrs.get("Id", "")] = (attrs.get("Type", "").rsplit("/", 1)[-1], path)


class _WorkbookPart(_Handler):
    """The sheets (name, state, relationship id) and the date system of a workbook."""

    def __init__(self, package: Package):
        super().__init__(package)
        self.sheets: list[tuple[str, str, str]] = []
        self.epoch = CALENDAR_WINDOWS_1900

    def open(self, name, attrs):
        if name == "sheet":
            relationship = next((v for k, v in attrs.items() if _local(k) == "id" and ":" in k), "")
            self.sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), relationship))
        elif name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            self.epoch = CALENDAR_MAC_1904


class _Styles(_Handler):
    """Which cell styles show numbers as dates."""

    def __init__(self, package: Package):
        super().__init__(package)
        self.formats: dict[int, str] = {}
        self.style_formats: list[int] = []
        self.in_cell_styles = False

    def open(self, name, attrs):
        if name == "numFmt":
            with contextlib.suppress(ValueError):
                self.formats[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_styles = True
        elif name == "xf" and self.in_cell_styles:
            try:
                self.style_formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                self.style_formats.append(0)

    def close(self, name):
        if name == "cellXfs":
            self.in_cell_styles = False

    def date_styles(self) -> list[bool]:
        dates = {}
        for format_id in set(self.style_formats):
            code = self.formats.get(format_id) or BUILTIN_FORMATS.get(format_id)
            dates[format_id] = format_id in CHINESE_DATE_FORMATS or bool(
                code and is_date_format(code)
            )
        return [dates[f] for f in self.style_formats]


class _SharedStrings:
    """The shared-string table as one UTF-8 buffer and the end offset of each string.

    One Python string per entry would cost some 60 bytes more than its text; the table is
    decoded one cell at a time instead. Handlers are closures, as in `_SheetRows`.
    """

    def __init__(self, package: Package):
        self.buffer = bytearray()
        self.ends = array("Q")
        buffer, ends = self.buffer, self.ends
        max_chars = files.MAX_CELL_CHARS
        parts: list[str] = []
        in_item = is_text = False
        phonetic = depth = length = 0

        def start(name, attrs):
            nonlocal parts, in_item, is_text, phonetic, depth, length
            depth += 1
            if depth > MAX_DEPTH:
                raise UnusualWorkbook(name=shown_value(package.filename), what=_t("嵌套过深的 XML"))
            name = _local(name) if ":" in name else name
            if name == "si":
                parts = []
                length = 0
                in_item = True
            elif name == "t":
                is_text = in_item and not phonetic
            elif name == "rPh":
                phonetic += 1

        def end(name):
            nonlocal in_item, is_text, phonetic, depth
            depth -= 1
            name = _local(name) if ":" in name else name
            if name == "t":
                is_text = False
            elif name == "si":
                if len(ends) >= MAX_SHARED_STRINGS:
                    raise TooManyCells(limit=f"{MAX_SHARED_STRINGS:,}")
                buffer.extend("".join(parts).encode("utf-8", "surrogatepass"))
                ends.append(len(buffer))
                in_item = False
            elif name == "rPh":
                phonetic -= 1

        def text(data):
            nonlocal length
            if is_text:
                parts.append(data)
                length += len(data)
                if length > max_chars:
                    raise CellTooLong(
                        where=_t("表格中有一格"),
                        limit=max_chars,
                        start=shown_value("".join(parts)[:20], limit=20),
                    )

        self.start, self.end, self.text = start, end, text

    def __len__(self) -> int:
        return len(self.ends)


class _SheetRows:
    """Stream a worksheet's rows as (row number, cell values), and what else the sheet says.

    Values are typed as openpyxl's `values_only` reading with `data_only=True` types them:
    text, int or float, datetime for numbers in a date format, bool, the error text ("#N/A");
    a formula without a cached value is NO_FORMULA_RESULT. Only the first MAX_COLUMNS columns
    are kept. Hidden rows, merged ranges, the declared size and whether a filter is set are
    recorded on the object.

    The handlers are closures over local state: they run once per element and per piece of
    text, millions of times for a big sheet, and a closure variable costs less than an
    attribute. `c`, `v`, `f` and `row` cannot nest in themselves (refused); every other
    element counts towards MAX_DEPTH.
    """

    def __init__(self, package: Package, sheet: str, strings: _SharedStrings, date_styles, epoch):
        self.package = package
        self.sheet = sheet
        self.pending: deque[tuple[int, tuple]] = deque()
        self.hidden_rows: list[int] = []
        self.merges: list[str] = []
        self.merge_count = 0
        self.is_filtered = False
        self.dimension = ""
        pending, hidden_rows = self.pending, self.hidden_rows
        buffer, ends = strings.buffer, strings.ends
        max_cells, max_chars, max_columns = files.MAX_CELLS, files.MAX_CELL_CHARS, files.MAX_COLUMNS
        column_index = COLUMN_INDEX
        long_strings: dict[int, str] = {}
        styles_count = len(date_styles)
        names = ("c", "v", "f", "row", "is", "t", "rPh")
        tag_c, tag_v, tag_f, tag_row, tag_is, tag_t, tag_rph = names
        is_collecting = True
        is_root = True
        depth = 0
        row_number = 0
        row_hidden = in_row = in_cell = in_formula = in_inline = capturing = has_formula = False
        cells: dict[int, Any] = {}
        column = -1
        reference = ""
        cell_type = None
        cell_style = 0
        parts: list[str] | None = None
        length = 0
        phonetic = 0

        def refuse_nesting():
            raise UnusualWorkbook(name=shown_value(package.filename), what=_t("嵌套错误的 XML"))

        def start(name, attrs):
            nonlocal is_root, depth, row_number, row_hidden, in_row, in_cell, in_formula
            nonlocal in_inline, capturing, has_formula, cells, column, reference, cell_type
            nonlocal cell_style, parts, length, phonetic
            nonlocal tag_c, tag_v, tag_f, tag_row, tag_is, tag_t, tag_rph
            if name == tag_c:
                if in_cell:
                    refuse_nesting()
                in_cell = True
                package.cells += 1
                if package.cells > max_cells:
                    raise TooManyCells(limit=f"{max_cells:,}")
                reference = attrs.get("r")
                if reference:
                    column = column_index.get(reference.rstrip(DIGITS).upper(), TOO_FAR)
                else:
                    column += 1
                cell_type = attrs.get("t")
                style = attrs.get("s")
                cell_style = int(style) if style and style.isdigit() and len(style) < 7 else 0
                has_formula = False
                parts = None
                length = 0
            elif name == tag_v:
                if not in_cell or capturing:
                    refuse_nesting()
                parts = []
                capturing = True
            elif name == tag_f:
                if not in_cell or in_formula:
                    refuse_nesting()
                in_formula = has_formula = True
            elif name == tag_row:
                if in_row:
                    refuse_nesting()
                in_row = True
                number = attrs.get("r", "")
                row_number = int(number) if number.isdigit() and len(number) < 8 else row_number + 1
                row_hidden = attrs.get("hidden") in ("1", "true")
                column = -1
            else:
                depth += 1
                if depth > MAX_DEPTH:
                    raise UnusualWorkbook(
                        name=shown_value(package.filename), what=_t("嵌套过深的 XML")
                    )
                if is_root:  # the main namespace's prefix, if any, is the root element's
                    is_root = False
                    if ":" in name:
                        prefix = name.rpartition(":")[0] + ":"
                        tag_c, tag_v, tag_f, tag_row, tag_is, tag_t, tag_rph = (
                            prefix + n for n in names
                        )
                elif name == tag_is:
                    in_inline = True
                    parts = []
                elif name == tag_t:
                    capturing = in_inline and not phonetic
                elif name == tag_rph:
                    phonetic += 1
                else:
                    package.others += 1
                    if package.others > MAX_OTHER_ELEMENTS:
                        raise TooManyCells(limit=f"{max_cells:,}")
                    self._open_other(_local(name), attrs)

        def end(name):
            nonlocal depth, in_row, in_cell, in_formula, in_inline, capturing, cells, phonetic
            if name == tag_c:
                in_cell = False
                if not is_collecting or column >= max_columns:
                    return
                if parts is None:  # no <v> and no inline string
                    if has_formula:
                        cells[column] = NO_FORMULA_RESULT
                    return
                text = parts[0] if len(parts) == 1 else "".join(parts)
                kind = cell_type
                if kind == "s":
                    try:
                        index = int(text)
                        first, last = ends[index - 1] if index else 0, ends[index]
                    except (ValueError, IndexError, OverflowError):
                        raise NotATable(name=shown_value(package.filename)) from None
                    if last - first < LONG_STRING_BYTES:
                        value = buffer[first:last].decode("utf-8", "surrogatepass")
                    elif (value := long_strings.get(index)) is None:
                        # One long text shown in every cell is decoded once, not per cell.
                        if len(long_strings) >= LONG_STRINGS_KEPT:
                            long_strings.clear()
                        value = buffer[first:last].decode("utf-8", "surrogatepass")
                        long_strings[index] = value
                elif kind is None or kind == "n":
                    if not text:
                        value = NO_FORMULA_RESULT if has_formula else None
                    else:
                        value = _number(text)
                        if cell_style < styles_count and date_styles[cell_style]:
                            value = _excel_date(value, epoch)
                else:
                    value = _typed(kind, text, has_formula)
                if value is not None:
                    cells[column] = value
            elif name == tag_v:
                capturing = False
            elif name == tag_f:
                in_formula = False
            elif name == tag_row:
                in_row = False
                if is_collecting and cells:
                    values = [None] * (max(cells) + 1)
                    for index, value in cells.items():
                        values[index] = value
                    row = tuple(values)
                    pending.append((row_number, row))
                    if row_hidden and not is_blank(row):
                        hidden_rows.append(row_number)
                    cells = {}
            else:
                depth -= 1
                if name == tag_is:
                    in_inline = capturing = False
                elif name == tag_t:
                    capturing = False
                elif name == tag_rph:
                    phonetic -= 1

        def text(data):
            nonlocal length
            if capturing:
                parts.append(data)
                length += len(data)
                if length > max_chars:
                    where = _t("工作表“%(sheet)s”的 %(cell)s 单元格") % {
                        "sheet": shown_value(sheet),
                        "cell": shown_value(reference or get_column_letter(column + 1)),
                    }
                    raise CellTooLong(
                        where=where,
                        limit=max_chars,
                        start=shown_value("".join(parts)[:20], limit=20),
                    )

        def drain_start(name, attrs):
            nonlocal depth
            depth += 1
            if depth > MAX_DEPTH:
                raise UnusualWorkbook(name=shown_value(package.filename), what=_t("嵌套过深的 XML"))
            if name in watched:
                self._open_other(_local(name), attrs)

        def drain_end(name):
            nonlocal depth
            depth -= 1

        def stop_collecting():
            """Read on for merged ranges and the filter only: one cheap call per element."""
            nonlocal is_collecting, watched
            is_collecting = False
            pending.clear()
            prefix = tag_c[:-1]
            watched = {prefix + "mergeCell", prefix + "autoFilter"}
            if self.parser is not None:  # None: not started, nothing to swap
                self.parser.StartElementHandler = drain_start
                self.parser.EndElementHandler = drain_end
                self.parser.CharacterDataHandler = None

        watched: set[str] = set()
        self.parser = None
        self.start, self.end, self.text = start, end, text
        self.stop_collecting = stop_collecting

    def _open_other(self, name: str, attrs: dict) -> None:
        """Note the sheet-level elements the import reports on (rare: not on the hot path)."""
        if name == "mergeCell":
            self.merge_count += 1
            if len(self.merges) < MAX_MERGES_KEPT:
                self.merges.append(attrs.get("ref", "")[:32])
        elif name == "dimension":
            self.dimension = attrs.get("ref", "")[:32]
        elif name == "autoFilter" or (
            name == "sheetPr" and attrs.get("filterMode") in ("1", "true")
        ):
            self.is_filtered = True


def _typed(kind: str, text: str, has_formula: bool):
    """Return the value of a cell of type `kind` other than a shared string or a number."""
    if kind in ("inlineStr", "str"):
        return text
    if not text:
        return NO_FORMULA_RESULT if has_formula else None
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        try:
            return datetime.datetime.fromisoformat(text.rstrip("Z"))
        except ValueError:
            return text
    return text  # "e": the error as Excel shows it (#N/A, #DIV/0!)


def _excel_date(number, epoch):
    if not isinstance(number, int | float):
        return number
    try:
        return from_excel(number, epoch)
    except (ValueError, OverflowError, TypeError):
        return number


def _number(text: str):
    try:
        if "." in text or "E" in text or "e" in text:
            return float(text)
        return int(text)
    except ValueError:  # not a number, or more digits than Python converts
        return text


class _OpenSheet:
    """A worksheet being streamed; `rows` yields (row number, values) as they are read."""

    def __init__(self, package: Package, path: str, handler: _SheetRows):
        self.handler = handler
        self.feed = _feed(package, path, MAX_SHEET_BYTES, handler)
        self.rows = self._rows()

    def _rows(self) -> Iterator[tuple[int, tuple]]:
        pending = self.handler.pending
        for _ in self.feed:
            while pending:
                yield pending.popleft()
        while pending:
            yield pending.popleft()

    def drain(self) -> None:
        """Read the rest of the sheet without keeping rows, for its merged ranges."""
        self.handler.stop_collecting()
        for _ in self.feed:
            pass

    def close(self) -> None:
        self.rows.close()
        self.feed.close()


def _row_span(reference: str) -> tuple[int, int]:
    numbers = [
        int(part.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$") or 0)
        for part in reference.replace("$", "").split(":")
    ]
    return min(numbers), max(numbers)


def _declared_rows(dimension: str) -> int:
    try:
        return _row_span(dimension)[1] if dimension else 0
    except ValueError:
        return 0


def open_xlsx(path: Path, filename: str) -> Table:
    """Open an .xlsx workbook's first visible sheet with the header, streaming its rows.

    Raises an ImportFileError in Chinese for a file that is not a readable workbook, for one
    past a limit, and for missing headers.
    """
    package = Package(path, filename, Deadline(filename))
    try:
        return _open(package, filename)
    except BaseException:
        package.close()
        raise


def _open(package: Package, filename: str) -> Table:
    top = _Relationships(package, "")
    if package.has("_rels/.rels"):
        _parse(package, "_rels/.rels", MAX_OTHER_BYTES, top)
    workbook_path = next(
        (path for kind, path in top.by_id.values() if kind == "officeDocument"), "xl/workbook.xml"
    )
    if not package.has(workbook_path):
        raise NotATable(name=shown_value(filename))  # a .docx or any other zip
    folder, part = posixpath.split(workbook_path)
    relationships = _Relationships(package, folder)
    rels_path = posixpath.join(folder, "_rels", part + ".rels")
    if package.has(rels_path):
        _parse(package, rels_path, MAX_OTHER_BYTES, relationships)
    workbook = _WorkbookPart(package)
    _parse(package, workbook_path, MAX_OTHER_BYTES, workbook)
    parts = dict(relationships.by_id.values())
    strings = _SharedStrings(package)
    if parts.get("sharedStrings") and package.has(parts["sharedStrings"]):
        _parse(package, parts["sharedStrings"], MAX_STRINGS_BYTES, strings)
    styles = _Styles(package)
    if parts.get("styles") and package.has(parts["styles"]):
        _parse(package, parts["styles"], MAX_OTHER_BYTES, styles)
    date_styles = styles.date_styles()
    sheets = [
        (name, state, relationships.by_id[rid][1])
        for name, state, rid in workbook.sheets
        if rid in relationships.by_id
        and relationships.by_id[rid][0] == "worksheet"
        and package.has(relationships.by_id[rid][1])
    ]
    if not sheets:
        raise NotATable(name=shown_value(filename))

    def open_sheet(name: str, path: str) -> _OpenSheet:
        handler = _SheetRows(package, name, strings, date_styles, workbook.epoch)
        return _OpenSheet(package, path, handler)

    visible = [s for s in sheets if s[1] == "visible"]
    chosen = None
    for name, _state, path in visible[: files.MAX_SHEETS_SEARCHED]:
        sheet = open_sheet(name, path)
        probe = _probe(sheet)
        if probe is not None:
            chosen = (name, sheet, probe)
            break
        sheet.close()
    if chosen is None:
        for name, state, path in sheets[: files.MAX_SHEETS_SEARCHED]:
            if state != "visible":
                hidden = open_sheet(name, path)
                found = _probe(hidden)
                hidden.close()
                if found is not None:
                    raise HeaderInHiddenSheet(sheet=shown_value(name))
        name, _state, path = (visible or sheets)[0]
        sheet = open_sheet(name, path)
        chosen = (name, sheet, [])
    name, sheet, probe = chosen
    rows = chain(probe, sheet.rows)
    header_row, positions, ignored = find_header(rows, name)
    notes = []
    skipped = [shown_value(n) for n, state, _p in sheets if state != "visible"]
    if skipped:
        notes.append(
            _t("隐藏的工作表不读取：已跳过 %(sheets)s。") % {"sheets": "、".join(skipped[:5])}
        )
    table = Table(
        positions=positions,
        letters={k: get_column_letter(i + 1) for k, i in positions.items()},
        header_row=header_row,
        ignored=ignored,
        rows=rows,
        estimate=min(
            max(_declared_rows(sheet.handler.dimension) - header_row, 0), files.MAX_ROWS + 1
        ),
        epoch=workbook.epoch,
        sheet=name,
        notes=notes,
    )

    def close() -> None:
        sheet.close()
        package.close()

    def finish() -> None:
        sheet.drain()
        handler = sheet.handler
        table.hidden_rows = handler.hidden_rows
        table.is_filtered = handler.is_filtered
        blocking = [ref for ref in handler.merges if _merge_reaches(ref, header_row)]
        if blocking:
            shown = "、".join(blocking[:5])
            if len(blocking) > 5 or handler.merge_count > len(handler.merges):
                shown += _t("等 %(n)d 处") % {
                    "n": len(blocking) + handler.merge_count - len(handler.merges)
                }
            raise MergedCells(ranges=shown)

    table.close = close
    table.finish = finish
    return table


def _merge_reaches(reference: str, header_row: int) -> bool:
    try:
        return _row_span(reference)[1] >= header_row
    except ValueError:
        return True


def _probe(sheet: _OpenSheet) -> list[tuple[int, tuple]] | None:
    """Return the sheet's first rows if one of them is the header, else None."""
    probe = []
    for number, cells in sheet.rows:
        probe.append((number, cells))
        if number > files.HEADER_SEARCH_ROWS:
            break
        if is_header_row(cells):
            return probe
    return None
