"""Reading an uploaded file into parsed rows: its kind told by its first bytes, then every row.

`open_table` picks the reader (`imports.xlsx` or the CSV reader of `imports.files`), and
`read_rows` parses each data row with `credits.intake.rows.parse_row`, refusing a file with
no data or with so many wrong cells that it is more likely the wrong file than mistyped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from credits.intake.columns import COLUMN_BY_KEY, Table
from credits.intake.rows import ParsedRow, parse_row
from credits.intake.text import language_pinned, shown_value

from . import files
from .errors import NoDataRows, NotATable, OldExcelFormat, TooManyCellErrors
from .files import (
    EXCEL_EXTENSIONS,
    TEXT_EXTENSIONS,
    data_rows,
    hidden_rows_note,
    looks_like_text,
    markup_kind,
    not_excel,
    open_csv,
)
from .xlsx import open_xlsx

PROGRESS_EVERY = 1_000  # rows between two progress reports while reading


def open_table(path: Path, filename: str) -> Table:
    """Open an uploaded .xlsx or .csv file; raise ImportFileError (in Chinese) when it cannot be.

    The kind of file is told by its first bytes, not by its name: a PNG renamed .xlsx is not a
    workbook, a web page saved as .xlsx is named as one, and a CSV saved by WPS may carry any
    name. Both readers stay within the limits of `imports.files`.
    """
    with open(path, "rb") as source:
        head = source.read(4096)
    lower = filename.lower()
    if head.startswith(b"PK\x03\x04"):
        return open_xlsx(path, filename)
    if head.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise OldExcelFormat(name=shown_value(filename))  # OLE2: .xls, or a password
    if (kind := markup_kind(head)) is not None:
        raise not_excel(filename, kind)
    if lower.endswith(TEXT_EXTENSIONS + EXCEL_EXTENSIONS) and looks_like_text(path):
        return open_csv(path, filename)  # a CSV, even one renamed .xlsx
    raise NotATable(name=shown_value(filename))


def read_rows(table: Table, *, progress: Callable[[int], None] | None = None) -> list[ParsedRow]:
    """Parse every data row of an open table; raise NoDataRows when there is none.

    The table's notes gain a warning when data rows are hidden in Excel.
    """
    rows = []
    wrong: Counter[str] = Counter()  # wrong cells by column key
    try:
        with language_pinned():
            for number, cells in data_rows(table):
                parsed = parse_row(number, cells, table)
                rows.append(parsed)
                if parsed.errors:
                    wrong.update(key for key, _message in parsed.errors)
                    if wrong.total() > files.MAX_CELL_ERRORS:
                        _refuse_wrong_file(wrong, number)
                if progress is not None and len(rows) % PROGRESS_EVERY == 0:
                    progress(len(rows))
        table.finish()  # the rest of the sheet: merged cells, hidden rows
    finally:
        table.close()
    if (note := hidden_rows_note(table)) is not None:
        table.notes.append(note)
    if not rows:
        raise NoDataRows(row=table.header_row + 1)
    return rows


def _refuse_wrong_file(wrong: Counter[str], row: int) -> None:
    key, count = wrong.most_common(1)[0]
    raise TooManyCellErrors(
        limit=f"{files.MAX_CELL_ERRORS:,}",
        row=row,
        header=COLUMN_BY_KEY[key].header,
        count=f"{count:,}",
    )
