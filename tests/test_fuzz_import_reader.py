"""Hypothesis feeds the import's reader CSV bytes and tiny workbooks: it reads them into rows
or refuses them with one of the domain's own errors (in Chinese), nothing else.

The entry point is the one an upload goes through: `open_table(path, filename)`, then
`read_rows(table)` (imports/reading.py). No database is needed to read a file.
"""

import io
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.errors import DomainError
from credits.intake.columns import HEADERS
from credits.intake.rows import ParsedRow
from imports.reading import open_table, read_rows

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

odd_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "=1/0",
        "=SUM(A1:A9)",
        "四十",
        "1e30",
        "１２",
        "\u202e",
        '"',
        ",",
        "\n",
        "x" * 300,
    ]
)
plausible = st.sampled_from(
    ["40", "8.5", "合格", "优秀", "学员", "2025-03-01", "2025/3/1", "650102198004067647", "张三"]
)
# one_of draws its branches alike: the plausible cells, listed twice, come up most often.
cell_text = st.one_of(
    plausible, plausible, st.text(max_size=30), odd_text, st.sampled_from(HEADERS)
)
cell_values = st.one_of(
    st.none(),
    cell_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),  # noqa: DTZ001 Excel cells hold naive times
)


def read(tmp_path_factory, data: bytes, filename: str):
    """Return the rows read from `data`, or the domain error the reader raised."""
    path = tmp_path_factory.mktemp("upload") / filename
    path.write_bytes(data)
    try:
        table = open_table(path, filename)
        return read_rows(table)
    except DomainError as error:
        return error


def assert_rows_or_domain_error(outcome):
    if isinstance(outcome, DomainError):
        assert str(outcome)  # its Chinese message renders
    else:
        assert all(isinstance(row, ParsedRow) for row in outcome)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    def quoted(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell

    return "\r\n".join(",".join(quoted(cell) for cell in line) for line in [header, *rows])


headers = st.one_of(
    st.just(HEADERS),
    st.just(HEADERS),
    st.permutations(HEADERS),
    st.lists(st.sampled_from(HEADERS) | cell_text, max_size=12),
)
csv_tables = st.builds(
    csv_text,
    headers,
    st.lists(st.lists(cell_text, max_size=12), max_size=6),
)
encodings = st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"])


@FUZZ
@given(
    text=csv_tables,
    encoding=encodings,
    filename=st.sampled_from(["records.csv", "records.txt", "records.xlsx", "名单.csv"]),
)
def test_any_csv_is_read_or_refused_with_a_domain_error(tmp_path_factory, text, encoding, filename):
    data = text.encode(encoding, errors="replace")
    assert_rows_or_domain_error(read(tmp_path_factory, data, filename))


@FUZZ
@given(data=st.binary(max_size=400), filename=st.sampled_from(["a.csv", "a.xlsx", "a.xls"]))
def test_any_bytes_are_read_or_refused_with_a_domain_error(tmp_path_factory, data, filename):
    assert_rows_or_domain_error(read(tmp_path_factory, data, filename))


def workbook_bytes(header, rows, merge: bool, extra_sheet: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([_storable(value) for value in row])
    if merge and rows:
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    if extra_sheet:
        book.create_sheet("说明").append(["本表为导入模板"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _storable(value):
    """Keep what openpyxl itself refuses out of the sheet (control characters)."""
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n\r")
    return value


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=headers,
    rows=st.lists(st.lists(cell_values, max_size=11), max_size=5),
    merge=st.booleans(),
    extra_sheet=st.booleans(),
)
def test_any_small_workbook_is_read_or_refused_with_a_domain_error(
    tmp_path_factory, header, rows, merge, extra_sheet
):
    data = workbook_bytes([_storable(h) for h in header], rows, merge, extra_sheet)
    assert_rows_or_domain_error(read(tmp_path_factory, data, "records.xlsx"))
