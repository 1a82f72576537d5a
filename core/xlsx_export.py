"""One-sheet .xlsx exports of any list of the portal, streamed in constant memory.

Officers export lists of tens of thousands of teachers or records. The sheet is written as
SpreadsheetML straight into a zip member (`zipfile` streams and compresses it as it goes), one
batch of rows at a time, so an export costs the same memory whatever its length: the rows come
from an iterator (`queryset.values_list(...).iterator(chunk_size=2000)`), and `xlsx_response`
streams the finished file from disk. The few fixed parts (styles, workbook, properties) are
constants. XlsxWriter, which the annual report uses for its charts and formats, wrote 8,400
rows a second in its streaming mode; this writer writes 50,000 on the same machine
(docs/benchmarks.md, docs/decisions.md), which a 100,000-row export needs.

Every cell's kind is chosen once per column from its `Column.kind`: text is always an inline
string, never a formula, so a name such as "=cmd|' /C calc'!A0" stays text in Excel.

The sheet reads, from the top: the title; who exported it and when; the filters; a blank row;
the header (frozen, with an autofilter); the data; a blank row; and "共 N 行", so a reader can see
the file was written to the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

__all__ = [
    "XLSX_CONTENT_TYPE",
    "Column",
    "ExportTooLarge",
    "choice_labels",
    "exporter_label",
    "write_xlsx",
    "xlsx_response",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMN_KINDS = ("text", "int", "decimal", "date", "percent")

TITLE_ROW = 0
EXPORTED_BY_ROW = 1
FILTERS_ROW = 2
HEADER_ROW = 4
FIRST_DATA_ROW = 5
# Excel's last row is 1,048,576; the total line needs the last one and a blank row before it.
LAST_DATA_ROW = 1_048_575 - 2
MAX_DATA_ROWS = LAST_DATA_ROW - FIRST_DATA_ROW + 1

# XML 1.0 forbids these code points; a file holding one does not open in Excel. XlsxWriter would
# write C0 controls as `_xHHHH_` escapes, which Excel turns back into invisible characters, so
# they are dropped instead. Lone surrogates cannot even be encoded as UTF-8.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Excel refuses these characters in a sheet name, and names longer than 31 characters.
_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31

# Path separators and control characters must not reach a download's file name.
_FILENAME_ILLEGAL = re.compile(r"[\x00-\x1f\x7f/\\]")


class ExportTooLarge(DomainError):
    """The rows of an export do not fit on one Excel sheet."""

    code = "export_too_large"
    message = _("导出超过 %(limit)d 行，超出 Excel 一张工作表的上限。请缩小筛选范围后分批导出。")


@dataclass(frozen=True)
class Column:
    """One column of an export: its Chinese header, the kind of its values and its width."""

    header: str
    kind: str = "text"  # "text" | "int" | "decimal" | "date" | "percent" (a 0..1 ratio)
    width: int = 14

    def __post_init__(self):
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"Column {self.header!r}: unknown kind {self.kind!r}")


def choice_labels(choices) -> dict[str, str]:
    """A choices class's labels as text, resolved once per export: a lazy label turned into
    text costs a translation lookup, and an export has 100,000 rows."""
    return {key: str(label) for key, label in choices.choices}


def exporter_label(user) -> str:
    """Who exported, as a file says it: the account's name and its username."""
    name = user.get_full_name() or ""
    return f"{name}（{user.username}）" if name and name != user.username else user.username


def clean_text(value: Any) -> str:
    """Return `value` as text without the characters XML 1.0 forbids (tab and newline stay).

    Text over Excel's limit of 32,767 characters is cut by XlsxWriter's `write_string`, which
    counts UTF-16 units as Excel does.
    """
    text = str(value)
    # isprintable() is true for nearly every name and title and costs far less than the regex.
    return text if text.isprintable() else _XML_ILLEGAL.sub("", text)


def sheet_name_for(name: str) -> str:
    """Return `name` shortened and cleaned so that Excel accepts it as a sheet name."""
    name = _SHEET_NAME_ILLEGAL.sub("_", clean_text(name)).strip().strip("'")
    name = name[:SHEET_NAME_MAX].strip().strip("'")
    if not name or name.casefold() == "history":  # Excel reserves "History"
        return "Sheet1"
    return name


def attachment_name(filename: str) -> str:
    """Return `filename` without path separators or control characters, ending in `.xlsx`."""
    name = _FILENAME_ILLEGAL.sub("_", filename).strip() or "export"
    if not name.lower().endswith(".xlsx"):
        name += ".xlsx"
    return name


def write_xlsx(
    target: str | os.PathLike | IO[bytes],
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    exported_by: str,
    exported_at: dt.datetime,
    filters: Sequence[tuple[str, str]] = (),
    sheet_name: str | None = None,
) -> int:
    """Write one sheet to `target` (a path or a binary file object); return the number of data rows.

    `rows` is read once, one row at a time; a row holds one value per column, None for a blank
    cell. `exported_at` must be aware; the sheet shows it in the portal's time zone. Nothing is
    written to `target` if `rows` raises.
    """
    if not columns:
        raise ValueError("An export needs at least one column.")
    exported_at_local = timezone.localtime(exported_at)  # refuses a naive time

    def write(output: IO[bytes]) -> int:
        return _write_package(
            output,
            title=title,
            columns=columns,
            rows=rows,
            exported_by=exported_by,
            exported_at=exported_at,
            exported_at_local=exported_at_local,
            filters=filters,
            sheet_name=sheet_name,
        )

    if not isinstance(target, (str, os.PathLike)):
        return write(target)
    # A path gets the whole file or nothing: written beside it, renamed when complete.
    final = os.fspath(target)
    partial_path = f"{final}.part"
    try:
        with open(partial_path, "wb") as output:
            written = write(output)
        os.replace(partial_path, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial_path)
        raise
    return written


def _write_package(
    output: IO[bytes],
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    exported_by: str,
    exported_at: dt.datetime,
    exported_at_local: dt.datetime,
    filters: Sequence[tuple[str, str]],
    sheet_name: str | None,
) -> int:
    """Write the workbook's parts into a zip on `output`, the sheet streamed row by row."""
    name = sheet_name_for(sheet_name or title)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as package:
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            written = _write_sheet(
                sheet,
                title=title,
                columns=columns,
                rows=rows,
                exported_by=exported_by,
                exported_at=exported_at_local,
                filters=filters,
            )
        last_data_row = FIRST_DATA_ROW + written - 1
        filter_ref = f"$A${HEADER_ROW + 1}:${_column_letter(len(columns) - 1)}$" + str(
            max(last_data_row, HEADER_ROW) + 1
        )
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("docProps/core.xml", _core_properties(title, exported_by, exported_at))
        package.writestr("docProps/app.xml", _APP_PROPERTIES)
        package.writestr("xl/workbook.xml", _workbook(name, filter_ref))
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
    return written


def _write_sheet(
    sheet: IO[bytes],
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    exported_by: str,
    exported_at: dt.datetime,
    filters: Sequence[tuple[str, str]],
) -> int:
    """Stream the worksheet XML: heading rows, the data in batches, the total, the filter."""
    width = len(columns)
    letters = [_column_letter(n) for n in range(width)]
    cols = "".join(
        f'<col min="{n + 1}" max="{n + 1}" width="{column.width + 0.7109375}" customWidth="1"/>'
        for n, column in enumerate(columns)
    )
    exported = gettext("导出人：%(exported_by)s　导出时间：%(exported_at)s") % {
        "exported_by": exported_by,
        "exported_at": exported_at.strftime("%Y-%m-%d %H:%M"),
    }
    conditions = "；".join(f"{key}={value}" for key, value in filters) or gettext("无")
    header = "".join(
        _text_cell(f"{letter}{HEADER_ROW + 1}", column.header, _STYLE_HEADER)
        for letter, column in zip(letters, columns, strict=True)
    )
    sheet.write(
        (
            _SHEET_HEAD
            + f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{FIRST_DATA_ROW}" '
            f'topLeftCell="A{FIRST_DATA_ROW + 1}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
            f'<row r="1" ht="22" customHeight="1">{_text_cell("A1", title, _STYLE_TITLE)}</row>'
            f'<row r="2">{_text_cell("A2", exported, 0)}</row>'
            f'<row r="3">{_text_cell("A3", gettext("筛选条件：%(conditions)s") % {"conditions": conditions}, 0)}</row>'
            f'<row r="{HEADER_ROW + 1}">{header}</row>'
        ).encode("utf-8")
    )
    cell_makers = [_CELL_MAKERS[column.kind] for column in columns]
    last_allowed = LAST_DATA_ROW  # read at call time: a test lowers it
    batch: list[str] = []
    written = 0
    for row_number, row in enumerate(rows, start=FIRST_DATA_ROW):
        if row_number > last_allowed:
            raise ExportTooLarge(limit=MAX_DATA_ROWS)
        if len(row) != width:
            raise ValueError(f"Row {written + 1} has {len(row)} values for {width} columns.")
        number = str(row_number + 1)
        batch.append(
            f'<row r="{number}">'
            + "".join(
                [
                    make(letter + number, value)
                    for letter, value, make in zip(letters, row, cell_makers, strict=False)
                    if value is not None
                ]
            )
            + "</row>"
        )
        written += 1
        if len(batch) == 1000:
            sheet.write("".join(batch).encode("utf-8"))
            batch.clear()
    total_row = FIRST_DATA_ROW + written + 2  # a blank row keeps the total out of the filter
    total = gettext("共 %(count)d 行") % {"count": written}
    batch.append(f'<row r="{total_row}">{_text_cell(f"A{total_row}", total, 0)}</row>')
    last_row = max(FIRST_DATA_ROW + written, HEADER_ROW + 1)
    batch.append(
        f'</sheetData><autoFilter ref="A{HEADER_ROW + 1}:{letters[-1]}{last_row}"/>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
    sheet.write("".join(batch).encode("utf-8"))
    return written


# -- cells ----------------------------------------------------------------------------------------
_STYLE_TITLE, _STYLE_HEADER, _STYLE_DATE, _STYLE_PERCENT = 1, 2, 3, 4
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_TEXT_LIMIT = 32_767  # UTF-16 code units, as Excel counts


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str) -> str:
    """Cut text to Excel's limit, counted in UTF-16 units as Excel counts."""
    if len(text) <= _EXCEL_TEXT_LIMIT // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= 2 * _EXCEL_TEXT_LIMIT:
        return text
    return units[: 2 * _EXCEL_TEXT_LIMIT].decode("utf-16-le", errors="ignore")


def _text_cell(ref: str, value: Any, style: int) -> str:
    """An inline-string cell: always text, whatever it looks like ("=1+1" stays "=1+1")."""
    text = _escape(_cut(clean_text(value)))
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _text(ref: str, value: Any) -> str:
    text = value if type(value) is str and value.isprintable() else clean_text(value)
    if len(text) > _EXCEL_TEXT_LIMIT // 2:
        text = _cut(text)
    if "&" in text or "<" in text or ">" in text:
        text = _escape(text)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _number_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    raise TypeError(f"Not a number: {value!r}")


def _number(ref: str, value: Any) -> str:
    return f'<c r="{ref}"><v>{_number_text(value)}</v></c>'


def _percent(ref: str, value: Any) -> str:
    return f'<c r="{ref}" s="{_STYLE_PERCENT}"><v>{_number_text(value)}</v></c>'


def _date(ref: str, value: Any) -> str:
    """A date (or a naive datetime) as Excel's serial day number, shown as yyyy-mm-dd."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError("An aware datetime in a date column: pass the day (`.date()`).")
        day = value - dt.datetime(1899, 12, 30)  # noqa: DTZ001 Excel's epoch has no zone
        serial = repr(day.days + day.seconds / 86400 + day.microseconds / 86400e6)
    elif isinstance(value, dt.date):
        serial = str((value - _EXCEL_EPOCH).days)
    else:
        raise TypeError(f"Not a date: {value!r}")
    return f'<c r="{ref}" s="{_STYLE_DATE}"><v>{serial}</v></c>'


_CELL_MAKERS: dict[str, Callable[[str, Any], str]] = {
    "text": _text,
    "int": _number,
    "decimal": _number,
    "date": _date,
    "percent": _percent,
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# -- the package's fixed parts --------------------------------------------------------------------
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_APP_PROPERTIES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>学分通</Application></Properties>"
)
# Styles: 0 plain, 1 title (bold 14), 2 header (bold, grey, bordered), 3 date, 4 percent.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9D9D9"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom>'
    "<diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1" applyAlignment="1"><alignment vertical="center"/></xf>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(sheet_name: str, filter_ref: str) -> str:
    name = _escape(sheet_name).replace('"', "&quot;")
    quoted = "'" + _escape(sheet_name).replace("'", "''") + "'"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{quoted}!{filter_ref}</definedName></definedNames>"
        "</workbook>"
    )


def _core_properties(title: str, author: str, created: dt.datetime) -> str:
    stamp = created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_escape(clean_text(title))}</dc:title>"
        f"<dc:creator>{_escape(clean_text(author))}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        "</cp:coreProperties>"
    )


def xlsx_response(
    *,
    filename: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    exported_by: str,
    exported_at: dt.datetime | None = None,
    filters: Sequence[tuple[str, str]] = (),
) -> FileResponse:
    """Write the export to a temporary file and return that file as an attachment.

    `filename` may be Chinese (it is sent as RFC 5987 `filename*`) and always ends in `.xlsx`;
    `exported_at` defaults to now. The temporary file has no name on disk, and closing the
    response closes it, which frees it.
    """
    output = tempfile.TemporaryFile()  # noqa: SIM115 the response closes it
    try:
        write_xlsx(
            output,
            title=title,
            columns=columns,
            rows=rows,
            exported_by=exported_by,
            exported_at=exported_at or timezone.now(),
            filters=filters,
        )
        output.seek(0)
    except BaseException:
        output.close()
        raise
    response = FileResponse(
        output,
        as_attachment=True,
        filename=attachment_name(filename),
        content_type=XLSX_CONTENT_TYPE,
    )
    # Exports carry personal data: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response
