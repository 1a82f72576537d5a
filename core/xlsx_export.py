"""One-sheet .xlsx exports of any list of the portal, written in constant memory.

Officers export lists of tens of thousands of teachers or records. XlsxWriter in
`constant_memory` mode keeps one row in memory at a time and spills the sheet to a temporary
file, so an export costs the same memory whatever its length: the rows come from an iterator
(`queryset.values_list(...).iterator(chunk_size=2000)`), and `xlsx_response` streams the finished
file from disk.

Every cell is written by a method chosen once per column from its `Column.kind`, never by
`Worksheet.write()`: text always goes through `write_string`, so a name such as "=cmd|' /C calc'!A0"
stays text in Excel instead of becoming a formula.

The sheet reads, from the top: the title; who exported it and when; the filters; a blank row;
the header (frozen, with an autofilter); the data; a blank row; and "共 N 行", so a reader can see
the file was written to the end.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from .errors import DomainError

__all__ = ["XLSX_CONTENT_TYPE", "Column", "ExportTooLarge", "write_xlsx", "xlsx_response"]

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
    exported_at_local = timezone.localtime(exported_at)
    # XlsxWriter spills the sheet to named files in `tmpdir`, and removes them only when the
    # workbook is closed; a directory of this export's own is removed even if `rows` raises.
    with tempfile.TemporaryDirectory(prefix="xlsx-export-") as scratch:
        workbook = Workbook(
            os.fspath(target) if isinstance(target, (str, os.PathLike)) else target,
            {
                "constant_memory": True,
                "tmpdir": scratch,
                # Only write() reads these; off, no later call can turn text into a formula,
                # a number or a link.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        workbook.set_properties(
            {
                "title": clean_text(title),
                "author": clean_text(exported_by),
                # XlsxWriter prints this time with a "Z" suffix as it is, without converting it.
                "created": exported_at.astimezone(dt.UTC),
            }
        )
        worksheet = workbook.add_worksheet(sheet_name_for(sheet_name or title))
        for number, column in enumerate(columns):
            worksheet.set_column(number, number, column.width)
        _write_heading(
            workbook,
            worksheet,
            title=title,
            columns=columns,
            exported_by=exported_by,
            exported_at=exported_at_local,
            filters=filters,
        )
        written = _write_rows(worksheet, _cell_writers(workbook, worksheet, columns), rows)

        last_data_row = FIRST_DATA_ROW + written - 1
        worksheet.freeze_panes(FIRST_DATA_ROW, 0)
        worksheet.autofilter(HEADER_ROW, 0, max(last_data_row, HEADER_ROW), len(columns) - 1)
        # A blank row keeps the total out of the region Excel sorts and filters with the data.
        worksheet.write_string(
            last_data_row + 2, 0, gettext("共 %(count)d 行") % {"count": written}
        )
        workbook.close()
    return written


def _write_heading(
    workbook: Workbook,
    worksheet: Worksheet,
    *,
    title: str,
    columns: Sequence[Column],
    exported_by: str,
    exported_at: dt.datetime,
    filters: Sequence[tuple[str, str]],
) -> None:
    """Write the title, exporter, filter and header rows above the data."""
    # In constant-memory mode a row's height must be set before anything is written in it.
    worksheet.set_row(TITLE_ROW, 22)
    worksheet.write_string(
        TITLE_ROW, 0, clean_text(title), workbook.add_format({"bold": True, "font_size": 14})
    )
    exported = gettext("导出人：%(exported_by)s　导出时间：%(exported_at)s") % {
        "exported_by": exported_by,
        "exported_at": exported_at.strftime("%Y-%m-%d %H:%M"),
    }
    worksheet.write_string(EXPORTED_BY_ROW, 0, clean_text(exported))
    conditions = "；".join(f"{key}={value}" for key, value in filters) or gettext("无")
    worksheet.write_string(
        FILTERS_ROW, 0, clean_text(gettext("筛选条件：%(conditions)s") % {"conditions": conditions})
    )
    header_format = workbook.add_format(
        {"bold": True, "bg_color": "#D9D9D9", "border": 1, "valign": "vcenter"}
    )
    for number, column in enumerate(columns):
        worksheet.write_string(HEADER_ROW, number, clean_text(column.header), header_format)


def _cell_writers(
    workbook: Workbook, worksheet: Worksheet, columns: Sequence[Column]
) -> list[Callable]:
    """Return one `write(row, column, value)` per column, chosen once from its kind.

    A writer is never called with None: a missing value stays a blank cell. Numbers go to
    XlsxWriter as they come: it prints a Decimal's own digits, and Excel reads every number as
    a double. Only text needs a function of its own; the other kinds call XlsxWriter directly,
    so their cells cost no extra Python call.
    """
    write_string = worksheet.write_string

    def text(row, column, value):
        write_string(row, column, clean_text(value))

    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    percent_format = workbook.add_format({"num_format": "0.0%"})
    by_kind = {
        "text": text,
        "int": worksheet.write_number,
        "decimal": worksheet.write_number,
        # XlsxWriter refuses an aware datetime: pass the day (`TruncDate`, `.date()`).
        "date": partial(worksheet.write_datetime, cell_format=date_format),
        "percent": partial(worksheet.write_number, cell_format=percent_format),
    }
    return [by_kind[column.kind] for column in columns]


def _write_rows(worksheet: Worksheet, writers: Sequence[Callable], rows: Iterable[Sequence]) -> int:
    """Write `rows` from FIRST_DATA_ROW down; return how many there were."""
    width = len(writers)
    column_numbers = range(width)
    written = 0
    for row_number, row in enumerate(rows, start=FIRST_DATA_ROW):
        if row_number > LAST_DATA_ROW:
            # XlsxWriter would drop the cells past Excel's last row without a word.
            raise ExportTooLarge(limit=MAX_DATA_ROWS)
        if len(row) != width:
            raise ValueError(f"Row {written + 1} has {len(row)} values for {width} columns.")
        for column_number, value, write in zip(column_numbers, row, writers, strict=False):
            if value is not None:
                write(row_number, column_number, value)
        written += 1
    return written


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
