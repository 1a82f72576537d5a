"""Stream one worksheet of an uploaded workbook: rows of typed values, within bounds.

Cells are counted (MAX_CELLS), only the first MAX_COLUMNS are kept, one cell's text is cut at
Excel's 32,767 characters, and hidden rows, merged ranges, the declared size and the filter are
noted for the preview. `imports.xlsx` opens the sheets; `imports.xmlparts` feeds them.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _t
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from credits.intake.columns import NO_FORMULA_RESULT
from credits.intake.text import shown_value

from . import files
from .errors import CellTooLong, NotATable, TooManyCells, UnusualWorkbook
from .files import is_blank
from .xmlparts import MAX_DEPTH, MAX_SHEET_BYTES, Package, feed, local_name

MAX_OTHER_ELEMENTS = 5_000_000  # elements of a sheet that are not rows, cells or their text
MAX_MERGES_KEPT = 10_000
LONG_STRING_BYTES = 1024  # shared strings this long are decoded once and kept…
LONG_STRINGS_KEPT = 64  # …up to this many at a time (at most 6 MB)
TOO_FAR = 1 << 30
COLUMN_INDEX = {get_column_letter(i + 1): i for i in range(files.MAX_COLUMNS)}
DIGITS = "0123456789"


class SheetRows:
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

    def __init__(self, package: Package, sheet: str, strings, date_styles, epoch):
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
                    self._open_other(local_name(name), attrs)

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
                self._open_other(local_name(name), attrs)

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


class OpenSheet:
    """A worksheet being streamed; `rows` yields (row number, values) as they are read."""

    def __init__(self, package: Package, path: str, handler: SheetRows):
        self.handler = handler
        self.feed = feed(package, path, MAX_SHEET_BYTES, handler)
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
