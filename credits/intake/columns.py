"""The columns of a sheet of training records, and the table a row is read from.

The Excel import finds these columns by their headers (or an alias) in a file; the API push
hands its items over in the same order. `Table` says where each column is in a row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

# The template's example row; left in a file it is named as such instead of "unknown teacher".
EXAMPLE_ID_NUMBER = "650102198506150010"
EXAMPLE_NAME = "张三"
EXAMPLE_PROJECT_CODE = "XJ2025RE0004"


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
