"""Excel import of training records: read a school's sheet, check every row, write all or nothing.

The flow has three steps, each a service here; pages and the Celery task only call them.

1. `store_upload` keeps the file under MEDIA_ROOT/imports/<random id>/, tied to the user, and
   `inspect_upload` refuses files that cannot be read (not Excel, old .xls, missing headers,
   merged cells, an empty sheet) with one Chinese message; reading the rows refuses a sheet
   without data or with too many rows the same way.
2. `validate_upload` (the preview) reads every row, parses each cell (`parse_row`, no database)
   and checks the rows against the database with set-based lookups (`plan_rows`): one query
   for the ID numbers, one for the project codes, one for the existing records, one for the
   grades of the projects' trainees. Nothing is written; the parsed rows and the result are kept on disk.
3. `commit_upload` (the confirm) checks the parsed rows again inside one transaction, with the
   existing records locked, and writes only when every row is valid (`write_plan`): new records
   as drafts (待申报), changed ones updated, each with its history row copied in SQL
   (`core.history.write_bulk_history`).

Teachers come from `Teacher.objects.restrict(by, "change")` and projects from
`TrainingProject.objects.restrict(by, "view")`, approved ones only; a row pointing outside is a
row error that reveals nothing about the rows outside.
"""

from __future__ import annotations

import datetime
import fcntl
import io
import json
import math
import os
import re
import secrets
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from core.history import write_bulk_history
from core.permissions import permission_for
from projects.choices import Grade, RecordRole, RecordStatus
from projects.models import TrainingProject, TrainingRecord
from projects.plausibility import record_problems
from trainees.models import Teacher
from trainees.national_id import normalize_id_number, validate_id_number

from . import import_files, rules
from .errors import CreditError, CreditRuleError, PolicyNotFound
from .import_files import (
    COLUMN_BY_KEY,
    COLUMNS,
    EXCEL_EXTENSIONS,
    HEADERS,
    MAX_UPLOAD_BYTES,
    NO_FORMULA_RESULT,
    TEXT_EXTENSIONS,
    FileTooLarge,
    ImportFileError,
    NoDataRows,
    NotATable,
    OldExcelFormat,
    Table,
    TooManyCellErrors,
    clean_text,
    data_rows,
    hidden_rows_note,
    language_pinned,
    looks_like_text,
    markup_kind,
    not_excel,
    open_csv,
    shown_value,
    translated,
)
from .import_xlsx import open_xlsx
from .selectors import policy_spec, published_policies

INLINE_ROW_LIMIT = 2_000  # more rows than this are checked and written by a Celery task
UPLOAD_TTL = datetime.timedelta(days=2)  # uploads hold ID numbers: kept no longer than needed
MAX_UPLOADS_PER_SCHOOL = 20  # uploads kept at once for a school (an account without one)
MAX_UPLOAD_BYTES_PER_SCHOOL = 200 * 1024 * 1024  # and their files on disk together
STALE_AFTER = datetime.timedelta(hours=1)  # a step not heard of for this long is not running
LOOKUP_CHUNK = 10_000  # values per `__in` lookup (SQLite allows 32,766 parameters)
WRITE_CHUNK = 1_000  # rows per bulk write; progress is reported after each
PROGRESS_EVERY = 1_000  # rows between two progress reports while reading
MAX_HOURS = Decimal("99999.9")  # TrainingRecord.hours: max_digits=6, decimal_places=1
UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# The template's example row; left in a file it is named as such instead of "unknown teacher".
EXAMPLE_ID_NUMBER = "650102198506150010"
EXAMPLE_NAME = "张三"
EXAMPLE_PROJECT_CODE = "XJ2025RE0004"


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
ACTION_LABELS = {
    "created": _("新增"),
    "updated": _("更新"),
    "unchanged": _("未变"),
    "error": _("错误"),
}
RECORD_FIELDS = ("hours", "leave_hours", "grade", "role", "completed_on")


# -- errors -------------------------------------------------------------------------------------
class UploadLimitReached(ImportFileError):
    """The school's uploads in progress fill its share of the upload store."""

    code = "import_upload_limit"
    message = _(
        "本校已有 %(count)d 个上传的文件正在校验或写入（最多同时保留 %(limit)d 个），"
        "请等它们处理完成后再上传。"
    )


class UploadNotFound(CreditError):
    """No upload with this id belongs to the user (expired, removed or someone else's)."""

    code = "import_upload_not_found"
    message = _("没有找到这次上传的文件（可能已过期，或不是您上传的）。请重新上传。")
    status = 404


class UploadNotReady(CreditError):
    """The upload has not been checked yet, or is being checked or written right now."""

    code = "import_not_ready"
    message = _("这份文件还没有校验完成，暂时不能确认导入。请等校验结果出来后再确认。")
    status = 409


class UploadAlreadyImported(CreditError):
    """The upload was already written; a second confirm would change nothing."""

    code = "import_already_done"
    message = _("这份文件已经导入完成，无需再次确认。")
    status = 409


class ImportConflict(CreditError):
    """Someone wrote the same records between the check and the write."""

    code = "import_conflict"
    message = _(
        "校验之后有人同时登记或修改了相同的培训记录，本次没有写入任何记录。请重新上传并预览后再确认。"
    )
    status = 409


class ImportNotAllowed(CreditError):
    """The account may not add training records."""

    code = "import_not_allowed"
    message = _("您的账号没有登记培训记录的权限，不能导入。")
    status = 403


# Row errors: shown in the preview and in the report's 错误说明 column.
ROW_MESSAGES = {
    "required": _("“%(header)s”不能为空。"),
    "formula_without_result": _(
        "“%(header)s”是公式，公式没有计算结果。请在 Excel 中打开并保存一次，或把公式改为数值后再上传。"
    ),
    "id_as_float": _(
        "身份证号码被 Excel 存成了数字（%(value)s），后几位已经丢失。"
        "请把“身份证号码”列设置为“文本”格式，重新输入号码后再上传。"
    ),
    "id_invalid": _("身份证号码“%(value)s”有误：%(reason)s"),
    "id_as_number_hint": _("（这一格被存成了数字；请把该列设置为“文本”格式后重新输入）"),
    "example_row": _("这是模板中的示例行，请删除后再上传。"),
    "teacher_unknown": _(
        "身份证号码 %(value)s 不是您学校的在册教师（系统中没有该教师，或其不在您管理的学校）。"
        "请核对号码，或先登记该教师的信息。"
    ),
    "name_mismatch": _("姓名“%(value)s”与身份证号码登记的教师“%(expected)s”不一致，请核对。"),
    "project_unknown": _(
        "项目编号“%(value)s”不存在，或不是您可以登记的项目。请核对编号（可在培训项目列表中查看）。"
    ),
    "project_not_approved": _(
        "项目“%(project)s”（%(value)s）尚未通过教育局审核，暂不能登记培训记录。"
    ),
    "not_a_number": _("“%(header)s”应填写数字，填写的是“%(value)s”。"),
    "negative": _("“%(header)s”不能为负数，填写的是 %(value)s。"),
    "too_many_decimals": _("“%(header)s”最多保留 1 位小数，填写的是 %(value)s。"),
    "too_large": _("“%(header)s”的数值 %(value)s 过大，请核对。"),
    "leave_above_hours": _("请假学时（%(leave)s）不能超过参训学时（%(hours)s）。"),
    "bad_grade": _("考核等次只能填写 合格、良好、优秀、不合格 或留空，填写的是“%(value)s”。"),
    "bad_role": _("参训身份只能填写 学员 或 主讲教师（留空按学员），填写的是“%(value)s”。"),
    "bad_date": _("完成日期“%(value)s”无法识别，请填写日期，如 2025-03-01。"),
    "bad_weekday": _("完成日期“%(value)s”中的星期与日期不符：%(day)s 是%(weekday)s，请核对。"),
    "too_long": _("“%(header)s”填写的内容过长，请核对：“%(value)s”。"),
    "duplicate": _("与第 %(first)d 行重复：同一位教师的同一个项目只能填写一行。"),
    "approved_changed": _(
        "该教师在此项目的记录已认定学分，不能再修改（%(changes)s）。如需更正，请联系教育局。"
    ),
    "declared_changed": _(
        "该教师在此项目的记录已申报待审核，考核等次和学时已冻结，不能修改（%(changes)s）。"
        "如需更正，请县级教育局先退回。"
    ),
    "quota": _("项目“%(project)s”：%(reason)s（已计入系统中已有的记录和本文件）"),
}


# A stored record in these states keeps its values; a row changing them is an error.
FROZEN_MESSAGES = {
    RecordStatus.APPROVED: "approved_changed",
    RecordStatus.DECLARED: "declared_changed",
}
# projects.plausibility's field → the column a row error is reported under
PLAUSIBILITY_COLUMNS = {"project": "project_code"}


QUOTED_PARAMS = ("value", "expected", "project")  # what a user typed, or a stored name


def _row_message(code: str, **params) -> str:
    """Return a row error in the active language, every quoted value cut by `shown_value`."""
    for name in QUOTED_PARAMS:
        if name in params:
            params[name] = shown_value(params[name])
    # One string per distinct message: a column wrong in every row repeats one message.
    return sys.intern(translated(ROW_MESSAGES[code]) % params)


# -- parsed rows and results --------------------------------------------------------------------
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


@dataclass(frozen=True)
class RowError:
    """One problem of one row, as the preview and the report show it."""

    row: int
    column: str  # the column letter in the uploaded sheet ("" when the column is absent)
    header: str
    message: str


@dataclass
class ImportSummary:
    """What an import found or did: counts by outcome and every row error."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    is_committed: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    sheet: str = ""  # the worksheet read ("" for a CSV file)
    notes: list[str] = field(default_factory=list)  # file-level warnings: hidden rows, sheets

    @property
    def is_valid(self) -> bool:
        return self.error_rows == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_rows": self.error_rows,
            "errors": [[e.row, e.column, e.header, e.message] for e in self.errors],
            "is_committed": self.is_committed,
            "ignored_columns": self.ignored_columns,
            "sheet": self.sheet,
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportSummary:
        return cls(
            rows=data["rows"],
            created=data["created"],
            updated=data["updated"],
            unchanged=data["unchanged"],
            error_rows=data["error_rows"],
            errors=[RowError(*e) for e in data["errors"]],
            is_committed=data["is_committed"],
            ignored_columns=data["ignored_columns"],
            sheet=data.get("sheet", ""),
            notes=data.get("notes", []),
        )


# -- uploads on disk ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportUpload:
    """A file a user uploaded, kept under MEDIA_ROOT/imports/<id>/ until it expires."""

    id: str
    user_id: int
    filename: str
    created_at: str
    directory: Path
    school_id: int | None = None  # whose share of the store it takes (None: the user's own)

    @property
    def source(self) -> Path:
        """The uploaded file itself: removed once it has been read."""
        return self.directory / "source"

    @property
    def owner(self) -> str:
        return _owner(self.school_id, self.user_id)


def _owner(school_id: int | None, user_id: int | None) -> str:
    """Return the key of the share of the upload store an upload takes: its school's."""
    return f"school:{school_id}" if school_id else f"user:{user_id}"


def imports_root() -> Path:
    """Return the directory that holds every pending import."""
    return Path(settings.MEDIA_ROOT) / "imports"


def store_upload(*, file, by) -> ImportUpload:
    """Keep an uploaded file under a new random id tied to `by`; refuse files above the limit.

    The size is checked before anything is read, so an oversized file is never parsed. A school
    keeps at most MAX_UPLOADS_PER_SCHOOL uploads and MAX_UPLOAD_BYTES_PER_SCHOOL on disk: its
    oldest uploads that are not being checked or written expire to make room, and when every
    one is, the new upload is refused (UploadLimitReached).
    """
    _require_import_permission(by)
    if file.size > MAX_UPLOAD_BYTES:
        raise FileTooLarge(
            size=f"{file.size / 1024 / 1024:.1f}", limit=MAX_UPLOAD_BYTES // 1024 // 1024
        )
    meta = {
        "user_id": by.pk,
        "school_id": getattr(by, "school_id", None),
        "filename": Path(str(file.name or "upload")).name[:200],
        "created_at": timezone.now().isoformat(),
    }
    upload_id = secrets.token_urlsafe(18)
    upload = ImportUpload(id=upload_id, directory=imports_root() / upload_id, **meta)
    with _store_lock():
        _remove_expired_uploads()
        _make_room(owner=upload.owner, incoming=file.size)
        upload.directory.mkdir(parents=True, mode=0o700)
        with open(upload.source, "wb") as target:
            for chunk in file.chunks():
                target.write(chunk)
        _write_json(upload.directory / "meta.json", meta)
        _write_json(upload.directory / "status.json", {"state": "uploaded"})
    return upload


@contextmanager
def _store_lock():
    """Hold the upload store's lock (a file beside it), so two uploads cannot both take the
    school's last place."""
    root = imports_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / "imports.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _make_room(*, owner: str, incoming: int) -> None:
    """Remove `owner`'s oldest uploads not in progress until one more of `incoming` bytes fits."""
    uploads = sorted(_stored_uploads(owner), key=lambda u: u[0])
    count = len(uploads)
    size = sum(u[1] for u in uploads)
    running = 0
    for _created_at, upload_size, is_running, directory in uploads:
        if count < MAX_UPLOADS_PER_SCHOOL and size + incoming <= MAX_UPLOAD_BYTES_PER_SCHOOL:
            return
        if is_running:
            running += 1
            continue
        shutil.rmtree(directory, ignore_errors=True)
        count -= 1
        size -= upload_size
    if count >= MAX_UPLOADS_PER_SCHOOL or size + incoming > MAX_UPLOAD_BYTES_PER_SCHOOL:
        raise UploadLimitReached(count=running, limit=MAX_UPLOADS_PER_SCHOOL)


def _stored_uploads(owner: str) -> Iterator[tuple[str, int, bool, Path]]:
    """Yield (created at, bytes on disk, is in progress, directory) of `owner`'s uploads."""
    root = imports_root()
    if not root.is_dir():
        return
    fresh_after = time.time() - STALE_AFTER.total_seconds()
    for directory in root.iterdir():
        meta = _read_json(directory / "meta.json")
        if not isinstance(meta, dict):
            continue
        if _owner(meta.get("school_id"), meta.get("user_id")) != owner:
            continue
        try:
            files = [entry.stat() for entry in os.scandir(directory) if entry.is_file()]
            status_at = (directory / "status.json").stat().st_mtime
        except OSError:
            continue  # removed meanwhile
        state = _read_json(directory / "status.json", {}).get("state")
        is_running = state in IN_PROGRESS and status_at > fresh_after
        yield str(meta.get("created_at")), sum(f.st_size for f in files), is_running, directory


IN_PROGRESS = ("uploaded", "queued", "validating", "committing")


def get_upload(*, upload_id: str, by) -> ImportUpload:
    """Return `by`'s upload `upload_id`, or raise UploadNotFound (also for another user's)."""
    if not isinstance(upload_id, str) or not UPLOAD_ID.match(upload_id):
        raise UploadNotFound()
    directory = imports_root() / upload_id
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UploadNotFound() from None
    if meta.get("user_id") != by.pk:
        raise UploadNotFound()
    return ImportUpload(id=upload_id, directory=directory, **meta)


def discard_upload(*, upload: ImportUpload) -> None:
    """Remove an upload and everything derived from it."""
    shutil.rmtree(upload.directory, ignore_errors=True)


def remove_expired_uploads() -> None:
    """Delete the working files of uploads older than UPLOAD_TTL (they hold ID numbers)."""
    _remove_expired_uploads()


def _remove_expired_uploads() -> None:
    root = imports_root()
    if not root.is_dir():
        return
    cutoff = time.time() - UPLOAD_TTL.total_seconds()
    for directory in root.iterdir():
        try:
            if directory.is_dir() and directory.stat().st_mtime < cutoff:
                shutil.rmtree(directory, ignore_errors=True)
        except OSError:
            continue  # removed meanwhile by another request


def _write_json(path: Path, data) -> None:
    """Write JSON atomically, so a status poll never reads half a file."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def _read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def import_status(*, upload: ImportUpload) -> dict[str, Any]:
    """Return the upload's progress: state, rows, rows validated and written, and a message."""
    status = _read_json(upload.directory / "status.json", {"state": "uploaded"})
    status.setdefault("rows", 0)
    status.setdefault("validated", 0)
    status.setdefault("written", 0)
    status.setdefault("message", "")
    status.setdefault("step", "validate")
    return status


def import_summary(*, upload: ImportUpload) -> ImportSummary | None:
    """Return the result of the last check or write of the upload, if there was one."""
    data = _read_json(upload.directory / "result.json")
    return ImportSummary.from_json(data) if data else None


def _set_status(upload: ImportUpload, **values) -> None:
    status = import_status(upload=upload)
    status.update(values)
    _write_json(upload.directory / "status.json", status)


# -- reading the file ---------------------------------------------------------------------------
def open_table(path: Path, filename: str) -> Table:
    """Open an uploaded .xlsx or .csv file; raise ImportFileError (in Chinese) when it cannot be.

    The kind of file is told by its first bytes, not by its name: a PNG renamed .xlsx is not a
    workbook, a web page saved as .xlsx is named as one, and a CSV saved by WPS may carry any
    name. Both readers stay within the limits of `credits.import_files`.
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


def inspect_upload(*, upload: ImportUpload) -> Table:
    """Check that the upload is a readable sheet with the required headers; return it open.

    Raises an ImportFileError in Chinese for every file-level problem. The caller closes the
    table (`table.close()`), or reads its rows.
    """
    return open_table(upload.source, upload.filename)


# -- parsing one row (no database) --------------------------------------------------------------
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
                column.key, _row_message("formula_without_result", header=column.header)
            )
            continue
        if isinstance(value, str):
            if len(value) > column.max_chars:
                parsed.add_error(
                    column.key, _row_message("too_long", header=column.header, value=value)
                )
                continue
            # Zero-width spaces, BOMs, NBSPs… make "合格" or an ID number look wrong for no
            # visible reason: the parsers see the text without them.
            value = clean_text(value)
        blank = value is None or value == ""
        if blank:
            if column.is_required:
                parsed.add_error(column.key, _row_message("required", header=column.header))
            continue
        PARSERS[column.key](parsed, value, table)
    if (
        parsed.hours is not None
        and parsed.leave_hours is not None
        and parsed.leave_hours > parsed.hours
    ):
        parsed.add_error(
            "leave_hours",
            _row_message("leave_above_hours", leave=parsed.leave_hours, hours=parsed.hours),
        )
    return parsed


def _parse_id_number(parsed: ParsedRow, value, table: Table) -> None:
    if isinstance(value, float) or (isinstance(value, str) and SCIENTIFIC_RE.match(_text(value))):
        shown = f"{value:.6G}" if isinstance(value, float) else _text(value)
        parsed.add_error("id_number", _row_message("id_as_float", value=shown))
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
            parsed.add_error("id_number", _row_message("id_invalid", value=number, reason=reason))


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
            parsed.add_error(key, _row_message("not_a_number", header=header, value=shown))
        elif hours < 0:
            parsed.add_error(key, _row_message("negative", header=header, value=shown))
        elif hours > MAX_HOURS:  # before quantize(), which fails on 1E+999999
            parsed.add_error(key, _row_message("too_large", header=header, value=shown))
        elif hours != hours.quantize(Decimal("0.1")):
            parsed.add_error(key, _row_message("too_many_decimals", header=header, value=shown))
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
            parsed.add_error(key, _row_message(code, value=_display(value)))
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
            _row_message(
                "bad_weekday",
                value=_display(value),
                day=actual.isoformat(),
                weekday="星期" + WEEKDAYS[actual.weekday()],
            ),
        )
        return
    parsed.add_error("completed_on", _row_message("bad_date", value=_display(value)))


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
                    if wrong.total() > import_files.MAX_CELL_ERRORS:
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
        limit=f"{import_files.MAX_CELL_ERRORS:,}",
        row=row,
        header=COLUMN_BY_KEY[key].header,
        count=f"{count:,}",
    )


# -- checking rows against the database ---------------------------------------------------------
@dataclass
class RowPlan:
    creates: list[tuple[tuple[int, int], dict[str, Any]]]  # ((teacher id, project id), values)
    updates: list[TrainingRecord]
    actions: list[str]
    # row number → (teacher id, project id), for the rows whose teacher and approved project
    # were found in the user's jurisdiction
    keys: dict[int, tuple[int, int]] = field(default_factory=dict)
    # (teacher id, project id) → id of the stored record, for the keys that have one
    records: dict[tuple[int, int], int] = field(default_factory=dict)


def _chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _require_import_permission(by) -> None:
    # The edge answers 403 first; this keeps a task or command from acting for anyone else.
    if not (by.is_superuser or by.has_perm(permission_for(TrainingRecord, "add"))):
        raise ImportNotAllowed()


def plan_rows(rows: list[ParsedRow], by, *, lock: bool = False) -> RowPlan:
    """Check rows against the database in a fixed number of queries; add row errors in place.

    Each row's values after the import must be plausible (`projects.plausibility`: leave ≤
    hours ≤ the project's hours, completed within the project's dates and not after today, a
    school-based project only for its own school's teachers). Returns the records to create and
    to update, and each row's outcome.
    """
    _mark_duplicates(rows)
    teachers = _teachers_by_id_number(rows, by)
    projects = _projects_by_code(rows, by)
    keys = {}
    for parsed in rows:
        teacher = teachers.get(parsed.id_number) if not parsed.has_error("id_number") else None
        project = projects.get((parsed.project_code or "").upper())
        _check_references(parsed, teacher, project)
        if teacher and project and project.is_approved:
            keys[parsed.row] = (teacher[0], project.pk)
    existing = _existing_records(keys.values(), by, lock=lock)
    now = timezone.now()
    today = timezone.localdate()
    creates, updates, actions = [], [], []
    targets: dict[int, tuple] = {}  # row → (record or None, grade, role) after the import
    for parsed in rows:
        key = keys.get(parsed.row)
        action = "error"
        if key is not None:
            project = projects[(parsed.project_code or "").upper()]
            record = existing.get(key)
            values = _target_values(parsed, record, project)
            _check_plausible(parsed, values, project, teachers[parsed.id_number], today)
            targets[parsed.row] = (record, values["grade"], values["role"])
            action = _compare(parsed, record, values, key, now, creates, updates)
        actions.append("error" if parsed.errors else action)
    _check_quotas(rows, keys, targets, projects, teachers)
    actions = ["error" if parsed.errors else a for parsed, a in zip(rows, actions, strict=True)]
    return RowPlan(
        creates=creates,
        updates=updates,
        actions=actions,
        keys=keys,
        records={key: record.pk for key, record in existing.items()},
    )


def _check_plausible(parsed: ParsedRow, values: dict, project, teacher: tuple, today) -> None:
    """Add a row error for each value the row's project makes impossible, unless already said."""
    for problem in record_problems(
        project=project,
        hours=values["hours"],
        leave_hours=values["leave_hours"],
        completed_on=values["completed_on"],
        school_id=teacher[4],
        today=today,
    ):
        key = PLAUSIBILITY_COLUMNS.get(problem.field, problem.field)
        if not parsed.has_error(key):
            parsed.add_error(key, str(problem))


def _mark_duplicates(rows: list[ParsedRow]) -> None:
    first: dict[tuple[str, str], int] = {}
    for parsed in rows:
        if not parsed.id_number or not parsed.project_code:
            continue
        key = (parsed.id_number, parsed.project_code)
        if key in first:
            parsed.add_error("id_number", _row_message("duplicate", first=first[key]))
        else:
            first[key] = parsed.row


def _teachers_by_id_number(rows: list[ParsedRow], by) -> dict[str, tuple]:
    """Return (pk, name, county code, county name, school id) of the teachers `by` may change,
    by ID number: one query."""
    numbers = sorted({r.id_number for r in rows if r.id_number and not r.has_error("id_number")})
    found = {}
    scoped = Teacher.objects.restrict(by, "change").order_by()
    for chunk in _chunks(numbers):
        for pk, number, name, county_code, county_name, school_id in scoped.filter(
            id_number__in=chunk
        ).values_list(
            "pk", "id_number", "name", "school__county__code", "school__county__name", "school_id"
        ):
            found[number] = (pk, name, county_code, county_name, school_id)
    return found


def _projects_by_code(rows: list[ParsedRow], by) -> dict[str, TrainingProject]:
    """Return the projects `by` may see, by upper-case code (approved or not, to say which).

    Codes compare case-insensitively: "xj2025re0004" typed by a school or sent by a platform
    is the project XJ2025RE0004, not "不存在".
    """
    codes = sorted({r.project_code.upper() for r in rows if r.project_code})
    found = {}
    scoped = (
        TrainingProject.objects.restrict(by, "view")
        .select_related("issuing_unit")
        .annotate(code_upper=Upper("code"))
        .order_by()
    )
    for chunk in _chunks(codes):
        for project in scoped.filter(code_upper__in=chunk):
            found[project.code.upper()] = project
    return found


def _check_references(parsed: ParsedRow, teacher: tuple | None, project) -> None:
    if teacher is None and (parsed.id_number, parsed.name) == (EXAMPLE_ID_NUMBER, EXAMPLE_NAME):
        parsed.errors = [("id_number", _row_message("example_row"))]  # nothing else matters
        return
    if parsed.id_number and not parsed.has_error("id_number") and teacher is None:
        try:  # only numbers no teacher has are validated: a stored number is valid already
            validate_id_number(parsed.id_number)
        except ValidationError as exc:
            message = _row_message("id_invalid", value=parsed.id_number, reason=exc.messages[0])
        else:
            message = _row_message("teacher_unknown", value=parsed.id_number)
        parsed.add_error("id_number", message)
    if (
        teacher is not None
        and parsed.name
        and normalize_name(parsed.name) != normalize_name(teacher[1])
    ):
        parsed.add_error(
            "name", _row_message("name_mismatch", value=parsed.name, expected=teacher[1])
        )
    if parsed.project_code and project is None:
        parsed.add_error("project_code", _row_message("project_unknown", value=parsed.project_code))
    elif project is not None and not project.is_approved:
        parsed.add_error(
            "project_code",
            _row_message("project_not_approved", project=project.name, value=project.code),
        )


def _existing_records(keys: Iterable[tuple[int, int]], by, *, lock: bool) -> dict:
    """Return the records the rows point at, by (teacher, project): two queries, pks locked."""
    wanted = set(keys)
    if not wanted:
        return {}
    teacher_ids = sorted({t for t, _p in wanted})
    project_ids = sorted({p for _t, p in wanted})
    scoped = TrainingRecord.objects.restrict(by, "change").order_by()
    pks = []
    for chunk in _chunks(teacher_ids):
        candidates = scoped.filter(teacher_id__in=chunk, project_id__in=project_ids)
        for pk, teacher_id, project_id in candidates.values_list("pk", "teacher_id", "project_id"):
            if (teacher_id, project_id) in wanted:
                pks.append(pk)
    records = {}
    for chunk in _chunks(sorted(pks)):
        query = TrainingRecord.objects.filter(pk__in=chunk).order_by("pk")
        if lock:
            query = query.select_for_update(of=("self",))  # lock in pk order (STYLE §5)
        for record in query:
            records[(record.teacher_id, record.project_id)] = record
    return records


def _target_values(parsed: ParsedRow, record, project) -> dict[str, Any]:
    """Return the record's values after the import; a blank optional cell keeps what is stored."""
    if record is None:
        return {
            "hours": parsed.hours,
            "leave_hours": Decimal(0) if parsed.leave_hours is None else parsed.leave_hours,
            "grade": parsed.grade or "",
            "role": parsed.role or RecordRole.TRAINEE,
            "completed_on": parsed.completed_on or project.ends_on,
        }
    values = {
        "hours": parsed.hours if parsed.hours is not None else record.hours,
        "leave_hours": record.leave_hours if parsed.leave_hours is None else parsed.leave_hours,
        "grade": record.grade if parsed.grade is None else parsed.grade,
        "role": record.role if parsed.role is None else parsed.role,
        "completed_on": parsed.completed_on or record.completed_on,
    }
    return values


def _compare(parsed, record, values, key, now, creates, updates) -> str:
    if parsed.errors or values["hours"] is None:
        return "error"
    if record is None:
        creates.append((key, values))  # built only when written: the preview needs no objects
        return "created"
    changed = [name for name in RECORD_FIELDS if getattr(record, name) != values[name]]
    if not changed:
        return "unchanged"
    if record.status in FROZEN_MESSAGES:
        # 已申报: frozen until the county returns it (退回), as the school's form keeps it
        shown = "；".join(
            f"{COLUMN_BY_KEY[name].header} {_shown(name, getattr(record, name))}"
            f" → {_shown(name, values[name])}"
            for name in changed
        )
        parsed.add_error(changed[0], _row_message(FROZEN_MESSAGES[record.status], changes=shown))
        return "error"
    for name in changed:
        setattr(record, name, values[name])
    if record.status == RecordStatus.REJECTED:
        record.status = RecordStatus.DRAFT  # corrected after being sent back: declare again
        record.reject_reason = ""
    record.updated_at = now
    updates.append(record)
    return "updated"


def _shown(name: str, value) -> str:
    if name == "grade":
        return str(GRADE_LABELS.get(value, _t("空")))
    if name == "role":
        return str(ROLE_LABELS.get(value, value))
    return str(value)


def _check_quotas(rows, keys, targets, projects, teachers) -> None:
    """Check each touched project's grade quota over its trainees after the import.

    004 五(二)2 良好以上的不超过30%，其中，优秀的不超过15%: the quota of the policy of the
    project's issuing unit (a national project: its trainees' county), counted over the
    project's records already stored plus the file. A quota already broken before the file, and
    not made worse by it, is not the file's fault and is not reported.
    """
    by_project: dict[int, list[ParsedRow]] = {}
    for parsed in rows:
        if parsed.row in targets:
            by_project.setdefault(keys[parsed.row][1], []).append(parsed)
    touched = {
        project_id
        for project_id, project_rows in by_project.items()
        if any(targets[r.row][1] or targets[r.row][2] != RecordRole.TRAINEE for r in project_rows)
    }
    if not touched:
        return
    stored: dict[int, dict[int, str]] = {p: {} for p in touched}
    trainees = TrainingRecord.objects.filter(
        project_id__in=sorted(touched), role=RecordRole.TRAINEE
    )
    for project_id, teacher_id, grade in trainees.order_by().values_list(
        "project_id", "teacher_id", "grade"
    ):
        stored[project_id][teacher_id] = grade
    specs = QuotaSpecs()
    by_pk = {p.pk: p for p in projects.values()}
    for project_id in sorted(touched):
        project = by_pk[project_id]
        project_rows = by_project[project_id]
        before = stored[project_id]
        after = dict(before)
        for parsed in project_rows:
            teacher_id = keys[parsed.row][0]
            _record, grade, role = targets[parsed.row]
            if role == RecordRole.TRAINEE:
                after[teacher_id] = grade
            else:
                after.pop(teacher_id, None)
        # The issuing unit's policy; a national project takes its trainees' county's.
        unit = project.issuing_unit
        teacher = teachers[project_rows[0].id_number]
        code, name = (unit.code, unit.name) if unit else (teacher[2], teacher[3])
        try:
            spec = specs.for_unit(code=code, name=name)
        except PolicyNotFound as exc:
            for parsed in project_rows:
                if targets[parsed.row][1]:
                    parsed.add_error("grade", str(exc))
            continue
        broken = _broken_quota(spec, after)
        if broken is None:
            continue
        earlier = _broken_quota(spec, before)
        if (
            earlier is not None
            and earlier.params["grade"] == broken.params["grade"]
            and earlier.params["count"] >= broken.params["count"]
        ):
            continue
        grades = next(q.grades for q in spec.grade_quotas if str(q.grade) == broken.params["grade"])
        blamed = [r for r in project_rows if targets[r.row][1] in grades] or project_rows
        reason = str(CreditRuleError(broken.code, **broken.params))
        for parsed in blamed:
            parsed.add_error("grade", _row_message("quota", project=project.name, reason=reason))


def _broken_quota(spec, grades_by_teacher: dict[int, str]):
    graded = [g for g in grades_by_teacher.values() if g]
    try:
        rules.check_grade_quota(spec, graded, participants=len(grades_by_teacher))
    except rules.RuleError as exc:
        return exc
    return None


class QuotaSpecs:
    """The policy spec of each unit a file's projects need, in three queries for the whole file.

    The active policies are read once and matched as `selectors.policy_for_county` matches
    them, by the longest `applies_to_code` prefix of the unit's code, then by code (a test
    holds the two equal); a file touches dozens of units, which would be three queries each.
    """

    def __init__(self):
        self.policies: list | None = None
        self.specs: dict[int, rules.PolicySpec] = {}

    def for_unit(self, *, code: str, name: str) -> rules.PolicySpec:
        """Return the spec of the policy applying to the unit `code`; PolicyNotFound if none."""
        if self.policies is None:
            self.policies = sorted(
                published_policies(), key=lambda p: (-len(p.applies_to_code), p.code)
            )
        policy = next((p for p in self.policies if code.startswith(p.applies_to_code)), None)
        if policy is None:
            raise PolicyNotFound(place=name)
        if policy.pk not in self.specs:
            self.specs[policy.pk] = policy_spec(policy)
        return self.specs[policy.pk]


def _summarize(rows: list[ParsedRow], actions: list[str], table_letters, ignored, committed):
    summary = ImportSummary(rows=len(rows), ignored_columns=ignored, is_committed=committed)
    order = {c.key: i for i, c in enumerate(COLUMNS)}
    for parsed, action in zip(rows, actions, strict=True):
        if action == "error":
            summary.error_rows += 1
            for key, message in sorted(parsed.errors, key=lambda e: order.get(e[0], 99)):
                summary.errors.append(
                    RowError(
                        row=parsed.row,
                        column=table_letters.get(key, ""),
                        header=COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else "",
                        message=message,
                    )
                )
        else:
            setattr(summary, action, getattr(summary, action) + 1)
    return summary


# -- the services -------------------------------------------------------------------------------
class _Progress:
    """Write the upload's status file at most a few times a second."""

    def __init__(self, upload: ImportUpload, report: Callable[[dict], None] | None = None):
        self.upload = upload
        self.report = report
        self.last = 0.0

    def __call__(self, force: bool = False, **values) -> None:
        now = time.monotonic()
        if force or now - self.last >= 0.3:
            self.last = now
            _set_status(self.upload, **values)
        if self.report is not None:
            self.report(values)


def validate_upload(*, upload: ImportUpload, by, progress=None) -> ImportSummary:
    """Read and check every row of an upload without writing; keep the result for the confirm.

    File-level problems raise ImportFileError; row problems are listed in the summary. The
    uploaded file is removed once it has been read (refused or checked): rows.json holds what the
    confirm and the report need, with every value cut to about 50 characters.
    """
    _require_import_permission(by)
    if not upload.source.exists() and (checked := import_summary(upload=upload)) is not None:
        return checked  # checked already (a task delivered twice): the file is gone by design
    status = _Progress(upload, progress)
    status(force=True, state="validating", step="validate", validated=0, written=0, message="")
    try:
        table = inspect_upload(upload=upload)
        status(force=True, rows=table.estimate)
        rows = read_rows(table, progress=lambda n: status(validated=n))
        status(force=True, rows=len(rows), validated=len(rows))
        # Kept before the database check: the confirm checks the database again from here.
        _write_json(upload.directory / "rows.json", [r.to_json() for r in rows])
        _write_json(upload.directory / "table.json", {"letters": table.letters})
        plan = plan_rows(rows, by)
    except CreditError as exc:
        if isinstance(exc, ImportFileError):
            upload.source.unlink(missing_ok=True)  # refused: nothing of it is kept
        status(force=True, state="failed", message=str(exc))
        raise
    summary = _summarize(rows, plan.actions, table.letters, table.ignored, committed=False)
    summary.sheet, summary.notes = table.sheet, table.notes
    _save_result(upload, summary, plan.actions)
    upload.source.unlink(missing_ok=True)
    status(force=True, state="validated", rows=len(rows), validated=len(rows))
    return summary


def commit_upload(*, upload: ImportUpload, by, progress=None) -> ImportSummary:
    """Check the upload's rows again and write them in one transaction if every row is valid.

    New records are drafts (待申报); a changed draft or declared record is updated, a changed
    rejected one goes back to draft; approved records are never changed. History names `by`.
    When any row is invalid nothing is written and the summary lists the errors.
    """
    _require_import_permission(by)
    state = import_status(upload=upload)["state"]
    if state == "committed":
        raise UploadAlreadyImported()
    data = _read_json(upload.directory / "rows.json")
    if data is None or state == "validating":
        raise UploadNotReady()
    rows = [ParsedRow.from_json(item) for item in data]
    letters = _read_json(upload.directory / "table.json", {"letters": {}})["letters"]
    previous = import_summary(upload=upload)
    ignored = previous.ignored_columns if previous else []
    status = _Progress(upload, progress)
    status(
        force=True,
        state="committing",
        step="commit",
        rows=len(rows),
        validated=0,
        written=0,
        message="",
    )
    try:
        with transaction.atomic():
            plan = plan_rows(rows, by, lock=True)
            to_write = len(plan.creates) + len(plan.updates)
            status(force=True, validated=len(rows), to_write=to_write)
            committed = not any(a == "error" for a in plan.actions)
            if committed:
                _write(plan, by=by, upload=upload, status=status)
    except IntegrityError:
        status(force=True, state="validated", message=str(ImportConflict()))
        raise ImportConflict() from None
    summary = _summarize(rows, plan.actions, letters, ignored, committed=committed)
    if previous is not None:
        summary.sheet, summary.notes = previous.sheet, previous.notes
    _save_result(upload, summary, plan.actions)
    written = summary.created + summary.updated if committed else 0
    status(
        force=True,
        state="committed" if committed else "validated",
        validated=len(rows),
        written=written,
    )
    return summary


def _write(plan: RowPlan, *, by, upload: ImportUpload, status) -> None:
    reason = _t("Excel 导入：%(file)s") % {"file": upload.filename}
    write_plan(plan, by=by, reason=reason, progress=lambda written: status(written=written))


def write_plan(
    plan: RowPlan, *, by, reason: str, progress: Callable[[int], None] | None = None
) -> list[TrainingRecord]:
    """Create and update the plan's records with their history, in chunks; return the created
    records (with ids). The Excel import and the API's bulk push both write through here.

    History is copied from the written rows in SQL (`core.history`): simple_history's bulk
    helpers cost more than the INSERTs themselves (docs/benchmarks.md). `progress` is told how
    many records are written after each chunk.
    """
    created: list[TrainingRecord] = []
    for chunk in _chunks(plan.creates, WRITE_CHUNK):
        records = TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(teacher_id=teacher_id, project_id=project_id, **values)
                for (teacher_id, project_id), values in chunk
            ]  # status: the model's default, draft (待申报)
        )
        write_bulk_history(records, TrainingRecord, by=by, reason=reason)
        created += records
        if progress is not None:
            progress(len(created))
    fields = [*RECORD_FIELDS, "status", "reject_reason", "updated_at"]
    updated = 0
    for chunk in _chunks(plan.updates, WRITE_CHUNK):
        TrainingRecord.objects.bulk_update(chunk, fields)
        write_bulk_history(chunk, TrainingRecord, by=by, reason=reason, changed=True)
        updated += len(chunk)
        if progress is not None:
            progress(len(created) + updated)
    return created


def _save_result(upload: ImportUpload, summary: ImportSummary, actions: list[str]) -> None:
    _write_json(upload.directory / "result.json", summary.to_json())
    _write_json(upload.directory / "actions.json", actions)


def run_import_step(*, upload_id: str, user_id: int, step: str) -> dict[str, Any]:
    """Validate or commit an upload for the user `user_id` (the Celery task's body).

    Domain errors end in the upload's status as a Chinese message and are not raised again,
    so a task never retries a file that cannot be read.
    """
    from django.contrib.auth import get_user_model

    by = get_user_model().objects.get(pk=user_id)
    upload = get_upload(upload_id=upload_id, by=by)
    service = {"validate": validate_upload, "commit": commit_upload}[step]
    try:
        summary = service(upload=upload, by=by)
    except CreditError as exc:
        _set_status(upload, state="failed", message=str(exc))
        return {"state": "failed", "message": str(exc)}
    except Exception:
        _set_status(
            upload, state="failed", message=_t("导入时发生意外错误，没有写入任何记录。请稍后重试。")
        )
        raise
    return summary.to_json() | {"errors": len(summary.errors)}


def mark_queued(*, upload: ImportUpload, rows: int, step: str = "validate") -> None:
    """Record that a task will check (`step="validate"`) or write (`"commit"`) the upload, so
    its page shows progress at once."""
    _set_status(upload, state="queued", step=step, rows=rows, validated=0, written=0, message="")


def uses_task(*, rows: int) -> bool:
    """Return whether a file of `rows` rows goes through the Celery task instead of inline."""
    return rows > getattr(settings, "IMPORT_INLINE_ROW_LIMIT", INLINE_ROW_LIMIT)


# -- workbooks we hand out ----------------------------------------------------------------------
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
ERROR_FILL = PatternFill("solid", fgColor="FDECEA")
TEMPLATE_ROWS = 2000  # rows that get the drop-downs


def build_template() -> bytes:
    """Return the import template: headers, one example row, drop-downs, and instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _t("培训记录")
    sheet.append(HEADERS)
    example = [
        EXAMPLE_ID_NUMBER,
        EXAMPLE_NAME,
        EXAMPLE_PROJECT_CODE,
        40,
        0,
        "合格",
        "学员",
        datetime.date(2025, 3, 5),
    ]
    sheet.append(example)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        header = sheet.cell(row=1, column=index)
        header.font = HEADER_FONT
        header.fill = HEADER_FILL
    # The ID column is text, so Excel keeps all 18 digits instead of showing 6.50102E+17.
    # Column styles, not styled cells: empty styled cells would make the sheet's used range
    # (and the row estimate of an upload) 2,000 rows long.
    sheet.column_dimensions["A"].number_format = "@"
    sheet.column_dimensions["H"].number_format = "yyyy-mm-dd"
    sheet["A2"].number_format = "@"
    sheet["H2"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for letter, words, title in (
        ("F", list(GRADE_WORDS), _t("考核等次")),
        ("G", list(ROLE_WORDS), _t("参训身份")),
    ):
        validation = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(words)),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=_t("请从下拉列表中选择：%(words)s") % {"words": "、".join(words)},
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    guide = workbook.create_sheet(_t("填写说明"))
    for line in _template_guide():
        guide.append(line)
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 80
    for cell in guide[1]:
        cell.font = HEADER_FONT
    for row in guide.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _template_guide() -> list[list[str]]:
    return [
        [_t("列"), _t("是否必填"), _t("填写说明")],
        [
            "身份证号码",
            _t("必填"),
            _t(
                "18 位身份证号码，末位可以是 X。本列已设为文本格式，请勿改为数字，否则后几位会丢失。"
            ),
        ],
        ["姓名", _t("必填"), _t("须与系统中登记的教师姓名一致。")],
        ["项目编号", _t("必填"), _t("已通过审核的培训项目编号，可在培训项目列表中查看。")],
        ["参训学时", _t("必填"), _t("数字，最多 1 位小数，如 40 或 7.5。")],
        ["请假学时", _t("选填"), _t("数字，不能超过参训学时；留空按 0。")],
        ["考核等次", _t("选填"), _t("合格、良好、优秀、不合格，或留空（尚未考核）。")],
        ["参训身份", _t("选填"), _t("学员 或 主讲教师；留空按学员。")],
        [
            "完成日期",
            _t("选填"),
            _t("如 2025-03-01，也可写 2025/3/1、2025.3.1、2025年3月1日；留空按项目结束日期。"),
        ],
        [],
        [_t("注意"), "", _t("第 2 行是示例，导入前请删除。每位教师的每个项目只填一行。")],
        [
            "",
            "",
            _t(
                "不要合并单元格。文件须为 .xlsx（或 UTF-8/GBK 编码的 CSV），不超过 10 MB、"
                "50000 行。"
            ),
        ],
        [
            "",
            "",
            _t(
                "同一文件可以重复导入：已有的记录会按表格更新，相同的记录不变，不会重复登记；"
                "已认定学分的记录不能修改。"
            ),
        ],
        [
            "",
            "",
            _t(
                "良好及以上不超过参训人数的 30%，优秀不超过 15%（按项目所有参训人员计算，"
                "含系统中已有的记录）。"
            ),
        ],
    ]


def build_report(*, upload: ImportUpload) -> bytes:
    """Return the upload's rows as .xlsx with each row's outcome and its errors (错误说明)."""
    data = _read_json(upload.directory / "rows.json")
    actions = _read_json(upload.directory / "actions.json")
    summary = import_summary(upload=upload)
    if data is None or actions is None or summary is None:
        raise UploadNotReady()
    errors_by_row: dict[int, list[str]] = {}
    for error in summary.errors:
        shown = f"{error.header}：{error.message}" if error.header else error.message
        errors_by_row.setdefault(error.row, []).append(shown)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_t("导入结果"))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.column_dimensions[get_column_letter(len(COLUMNS) + 1)].width = 8
    sheet.column_dimensions[get_column_letter(len(COLUMNS) + 2)].width = 70
    sheet.column_dimensions[get_column_letter(len(COLUMNS) + 3)].width = 8
    sheet.append([*HEADERS, _t("处理结果"), _t("错误说明"), _t("原行号")])
    for item, action in zip(data, actions, strict=True):
        row, raw = item[0], item[1]
        errors = "；".join(errors_by_row.get(row, []))
        cells = []
        for index, value in enumerate([*raw, str(ACTION_LABELS[action]), errors]):
            cell = WriteOnlyCell(sheet, value=value)
            if index == 0:
                cell.number_format = "@"  # ID numbers stay text
            if action == "error":
                cell.fill = ERROR_FILL
            cells.append(cell)
        cells.append(WriteOnlyCell(sheet, value=row))
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
