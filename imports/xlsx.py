"""Read an uploaded .xlsx workbook within bounds, with the standard library's zip and expat.

openpyxl's reader holds a whole row's cells and the whole shared-string table in memory before
it hands anything over, so a 1 MB file declaring one row of ten million cells, or one string of
400 MB, takes gigabytes (issue #15). Here the parts are fed to expat by `imports.xmlparts`,
which checks each part before it is opened and counts what costs memory or time as it
arrives, and the sheet is streamed by `imports.sheet`. This module reads the workbook's
parts in order (relationships, the workbook, shared strings, styles), picks the first visible
sheet with the header and hands its rows over as a `Table`. openpyxl still writes the template
and the report, and lends its public helpers for date formats and Excel dates.

Shared strings are kept as one UTF-8 buffer and decoded when a cell asks for one.
"""

from __future__ import annotations

import contextlib
import posixpath
from array import array
from itertools import chain
from pathlib import Path

from django.utils.translation import gettext as _t
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from credits.intake.columns import Table
from credits.intake.text import shown_value

from . import files
from .errors import (
    CellTooLong,
    HeaderInHiddenSheet,
    MergedCells,
    NotATable,
    TooManyCells,
    UnusualWorkbook,
)
from .files import Deadline, find_header, is_header_row
from .sheet import OpenSheet, SheetRows
from .xmlparts import (
    MAX_DEPTH,
    MAX_OTHER_BYTES,
    MAX_STRINGS_BYTES,
    Handler,
    Package,
    local_name,
    parse,
)

MAX_SHARED_STRINGS = 1_000_000  # distinct texts of a workbook (50,000 rows × 8: 400,000)
CHINESE_DATE_FORMATS = {*range(27, 37), *range(50, 59)}  # built-in ids of zh-CN Excel: dates


class _Relationships(Handler):
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


class _WorkbookPart(Handler):
    """The sheets (name, state, relationship id) and the date system of a workbook."""

    def __init__(self, package: Package):
        super().__init__(package)
        self.sheets: list[tuple[str, str, str]] = []
        self.epoch = CALENDAR_WINDOWS_1900

    def open(self, name, attrs):
        if name == "sheet":
            relationship = next(
                (v for k, v in attrs.items() if local_name(k) == "id" and ":" in k), ""
            )
            self.sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), relationship))
        elif name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            self.epoch = CALENDAR_MAC_1904


class _Styles(Handler):
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
    decoded one cell at a time instead. Handlers are closures, as in `SheetRows`.
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
            name = local_name(name) if ":" in name else name
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
            name = local_name(name) if ":" in name else name
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
        parse(package, "_rels/.rels", MAX_OTHER_BYTES, top)
    workbook_path = next(
        (path for kind, path in top.by_id.values() if kind == "officeDocument"), "xl/workbook.xml"
    )
    if not package.has(workbook_path):
        raise NotATable(name=shown_value(filename))  # a .docx or any other zip
    folder, part = posixpath.split(workbook_path)
    relationships = _Relationships(package, folder)
    rels_path = posixpath.join(folder, "_rels", part + ".rels")
    if package.has(rels_path):
        parse(package, rels_path, MAX_OTHER_BYTES, relationships)
    workbook = _WorkbookPart(package)
    parse(package, workbook_path, MAX_OTHER_BYTES, workbook)
    parts = dict(relationships.by_id.values())
    strings = _SharedStrings(package)
    if parts.get("sharedStrings") and package.has(parts["sharedStrings"]):
        parse(package, parts["sharedStrings"], MAX_STRINGS_BYTES, strings)
    styles = _Styles(package)
    if parts.get("styles") and package.has(parts["styles"]):
        parse(package, parts["styles"], MAX_OTHER_BYTES, styles)
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

    def open_sheet(name: str, path: str) -> OpenSheet:
        handler = SheetRows(package, name, strings, date_styles, workbook.epoch)
        return OpenSheet(package, path, handler)

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


def _probe(sheet: OpenSheet) -> list[tuple[int, tuple]] | None:
    """Return the sheet's first rows if one of them is the header, else None."""
    probe = []
    for number, cells in sheet.rows:
        probe.append((number, cells))
        if number > files.HEADER_SEARCH_ROWS:
            break
        if is_header_row(cells):
            return probe
    return None
