"""Parsing one row: typed values and row errors from a row's cells, without the database."""

from __future__ import annotations

import datetime
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _t
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

from projects.choices import Grade, RecordRole
from trainees.national_id import normalize_id_number, validate_id_number

from .columns import COLUMN_BY_KEY, COLUMNS, NO_FORMULA_RESULT, Table
from .messages import ROW_MESSAGES, row_message
from .text import clean_text, shown_value

MAX_HOURS = Decimal("99999.9")  # TrainingRecord.hours: max_digits=6, decimal_places=1

# The sheet's words → stored values, in the order the drop-downs list them. The sheet is Chinese
# whatever the page's language, so these are not translated (a test ties them to the labels).
GRADE_WORDS = {
    "合格": Grade.PASS,
    "良好": Grade.GOOD,
    "优秀": Grade.EXCELLENT,
    "不合格": Grade.FAIL,
}
ROLE_WORDS = {"学员": RecordRole.TRAINEE, "主讲教师": RecordRole.LEAD_INSTRUCTOR}
GRADE_LABELS = {value: label for label, value in GRADE_WORDS.items()}
ROLE_LABELS = {value: label for label, value in ROLE_WORDS.items()}


@dataclass(slots=True)
class ParsedRow:
    """One data row after its cells were parsed; None in an optional field means "left blank"."""

    row: int
    raw: list[str]
    id_number: str = ""
    name: str = ""
    project_code: str = ""
    hours: Decimal | None = None
    leave_hours: Decimal | None = None
    grade: str | None = None
    role: str | None = None
    completed_on: datetime.date | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def add_error(self, key: str, message: str) -> None:
        self.errors.append((key, message))

    def has_error(self, key: str) -> bool:
        return any(k == key for k, _m in self.errors)

    def to_json(self) -> list:
        return [
            self.row,
            self.raw,
            self.id_number,
            self.name,
            self.project_code,
            None if self.hours is None else str(self.hours),
            None if self.leave_hours is None else str(self.leave_hours),
            self.grade,
            self.role,
            None if self.completed_on is None else self.completed_on.isoformat(),
            [list(e) for e in self.errors],
        ]

    @classmethod
    def from_json(cls, data: list) -> ParsedRow:
        row, raw, id_number, name, code, hours, leave, grade, role, done, errors = data
        return cls(
            row=row,
            raw=raw,
            id_number=id_number,
            name=name,
            project_code=code,
            hours=None if hours is None else Decimal(hours),
            leave_hours=None if leave is None else Decimal(leave),
            grade=grade,
            role=role,
            completed_on=None if done is None else datetime.date.fromisoformat(done),
            errors=[tuple(e) for e in errors],
        )


DATE_RE = re.compile(  # 2025-03-01, 2025/3/1 星期六 (WPS's long date), 2025年3月1日(周六) 8:00
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?"
    r"\s*(?:\(?(?:星期|周|礼拜)([一二三四五六日天])\)?)?"
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
WEEKDAYS = "一二三四五六日"  # Monday first, as date.weekday() counts
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
SCIENTIFIC_RE = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)
NAME_DOTS = str.maketrans(dict.fromkeys("•・.‧∙⋅・", "·"))
FIRST_SERIAL, LAST_SERIAL = 32874, 73051  # 1990-01-01 … 2099-12-31 as Excel serial numbers
MAX_VALUE_CHARS = 100  # a cell longer than this is kept for the report as shown_value cuts it


def _display(value) -> str:
    """Return a cell as the user typed it, for the report."""
    if value is None:
        return ""
    if type(value) is str:  # most cells: the fast path
        return value.strip()
    if value is NO_FORMULA_RESULT:
        return _t("（公式无结果）")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6G}" if abs(value) >= 1e15 else _float_text(value)
    return str(value).strip()


def _float_text(value: float) -> str:
    """Return a number cell as Excel shows it at most: 15 significant digits, no float noise.

    39.99999999 stays 39.99999999 (`:g` showed "40"); 0.1 + 0.2 is 0.3.
    """
    return format(value, ".15g")


def _raw(value) -> str:
    """Return a cell as the report repeats it: as typed, at most about 50 characters."""
    if type(value) is str and len(value) > MAX_VALUE_CHARS:
        return sys.intern(shown_value(value))  # no strip() of 30,000 characters per cell
    return shown_value(_display(value))


def _text(value) -> str:
    return clean_text(value)


def normalize_name(value: str) -> str:
    """Return a name folded for comparison: full-width forms, spaces and the dots of 阿依古丽·买买提."""
    return "".join(_text(value).translate(NAME_DOTS).split()).casefold()


def parse_row(number: int, cells: tuple, table: Table) -> ParsedRow:
    """Parse one row's cells into typed values and row errors; reads no database."""
    values = {
        key: (cells[index] if index < len(cells) else None)
        for key, index in table.positions.items()
    }
    parsed = ParsedRow(row=number, raw=[_raw(values.get(c.key)) for c in COLUMNS])
    for column in COLUMNS:
        value = values.get(column.key)
        if value is NO_FORMULA_RESULT:
            parsed.add_error(
                column.key, row_message("formula_without_result", header=column.header)
            )
            continue
        if isinstance(value, str):
            if len(value) > column.max_chars:
                parsed.add_error(
                    column.key, row_message("too_long", header=column.header, value=value)
                )
                continue
            # Zero-width spaces, BOMs, NBSPs… make "合格" or an ID number look wrong for no
            # visible reason: the parsers see the text without them.
            value = clean_text(value)
        blank = value is None or value == ""
        if blank:
            if column.is_required:
                parsed.add_error(column.key, row_message("required", header=column.header))
            continue
        PARSERS[column.key](parsed, value, table)
    if (
        parsed.hours is not None
        and parsed.leave_hours is not None
        and parsed.leave_hours > parsed.hours
    ):
        parsed.add_error(
            "leave_hours",
            row_message("leave_above_hours", leave=parsed.leave_hours, hours=parsed.hours),
        )
    return parsed


def _parse_id_number(parsed: ParsedRow, value, table: Table) -> None:
    if isinstance(value, float) or (isinstance(value, str) and SCIENTIFIC_RE.match(_text(value))):
        shown = f"{value:.6G}" if isinstance(value, float) else _text(value)
        parsed.add_error("id_number", row_message("id_as_float", value=shown))
        return
    is_number = isinstance(value, int) and not isinstance(value, bool)
    number = normalize_id_number(str(value).lstrip("'"))
    parsed.id_number = number
    if is_number:
        # Checked here already: a number cannot hold the final X and loses digits past 15.
        try:
            validate_id_number(number)
        except ValidationError as exc:
            reason = exc.messages[0] + str(ROW_MESSAGES["id_as_number_hint"])
            parsed.add_error("id_number", row_message("id_invalid", value=number, reason=reason))


def _parse_name(parsed: ParsedRow, value, table: Table) -> None:
    parsed.name = _text(value)


def _parse_project_code(parsed: ParsedRow, value, table: Table) -> None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Codes are stored in capitals (XJ2025RE0004): "xj2025re0004" is the same project.
    parsed.project_code = "".join(_text(value).split()).upper()


def _parse_hours(key: str):
    header = COLUMN_BY_KEY[key].header

    def parse(parsed: ParsedRow, value, table: Table) -> None:
        hours = _decimal(value)
        shown = _display(value)
        if hours is None:
            parsed.add_error(key, row_message("not_a_number", header=header, value=shown))
        elif hours < 0:
            parsed.add_error(key, row_message("negative", header=header, value=shown))
        elif hours > MAX_HOURS:  # before quantize(), which fails on 1E+999999
            parsed.add_error(key, row_message("too_large", header=header, value=shown))
        elif hours != hours.quantize(Decimal("0.1")):
            parsed.add_error(key, row_message("too_many_decimals", header=header, value=shown))
        else:
            setattr(parsed, key, hours.quantize(Decimal("0.1")))

    return parse


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # As Excel shows it (15 digits): a formula's noise (40.000000000000007) is 40, but
        # 39.99999999 keeps its digits and is refused as such, not rounded to 40.
        return Decimal(_float_text(value)) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = _text(value).replace(",", "")
    text = re.sub(r"(学时|小时)$", "", text).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_word(key: str, words: dict[str, str], code: str):
    values = {v: v for v in words.values()}

    def parse(parsed: ParsedRow, value, table: Table) -> None:
        word = "".join(_text(value).split())
        found = words.get(word) or values.get(word.lower())
        if found is None:
            parsed.add_error(key, row_message(code, value=_display(value)))
        else:
            setattr(parsed, key, found)

    return parse


def _parse_completed_on(parsed: ParsedRow, value, table: Table) -> None:
    day = parse_date(value, epoch=table.epoch)
    if day is not None:
        parsed.completed_on = day
        return
    match = DATE_RE.match(_text(value)) if isinstance(value, str) else None
    if match is not None and match.group(4) and _date(match) is not None:
        actual = _date(match)
        parsed.add_error(
            "completed_on",
            row_message(
                "bad_weekday",
                value=_display(value),
                day=actual.isoformat(),
                weekday="星期" + WEEKDAYS[actual.weekday()],
            ),
        )
        return
    parsed.add_error("completed_on", row_message("bad_date", value=_display(value)))


def _date(match: re.Match) -> datetime.date | None:
    try:
        return datetime.date(*(int(part) for part in match.group(1, 2, 3)))
    except ValueError:
        return None


def parse_date(value, *, epoch=CALENDAR_WINDOWS_1900) -> datetime.date | None:
    """Read a date as Excel or WPS may hold it: a date cell, a serial number, or text.

    Text may be 2025-03-01, 2025/3/1, 2025.3.1, 2025年3月1日 or 20250301, with full-width digits,
    the weekday of WPS's long date ("2025/3/1 星期六", which must be that date's) and an
    optional time of day.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if FIRST_SERIAL <= value <= LAST_SERIAL:
            return from_excel(value, epoch=epoch).date()
        if isinstance(value, int) or float(value).is_integer():
            value = str(int(value))  # 20250301 typed as a number
        else:
            return None
    if not isinstance(value, str):
        return None
    text = _text(value)
    if match := DATE_RE.match(text):
        day = _date(match)
        weekday = match.group(4)
        if day is None or (weekday and WEEKDAYS[day.weekday()] != weekday.replace("天", "日")):
            return None
        return day
    match = COMPACT_DATE_RE.match(text)
    if match is None:
        return None
    return _date(match)


PARSERS: dict[str, Callable[[ParsedRow, Any, Table], None]] = {
    "id_number": _parse_id_number,
    "name": _parse_name,
    "project_code": _parse_project_code,
    "hours": _parse_hours("hours"),
    "leave_hours": _parse_hours("leave_hours"),
    "grade": _parse_word("grade", GRADE_WORDS, "bad_grade"),
    "role": _parse_word("role", ROLE_WORDS, "bad_role"),
    "completed_on": _parse_completed_on,
}
