"""Excel import of training records: read a school's sheet, check every row, write all or nothing.

The flow has three steps, each a service; pages and the Celery tasks only call them.

1. `imports.uploads.store_upload` keeps the file under MEDIA_ROOT/imports/<random id>/, tied to
   the user, and `inspect_upload` refuses files that cannot be read (not Excel, old .xls,
   missing headers, merged cells, an empty sheet) with one Chinese message; reading the rows
   refuses a sheet without data or with too many rows the same way.
2. `validate_upload` (the preview) reads every row, parses each cell (`parse_row`, no database)
   and checks the rows against the database with set-based lookups (`plan_rows`): one query
   for the ID numbers, one for the project codes, one for the existing records, one for the
   grades of the projects' trainees. Nothing is written; the parsed rows and the result are kept on disk.
3. `commit_upload` (the confirm) checks the parsed rows again inside one transaction, with the
   existing records locked, and writes only when every row is valid (`write_plan`): new records
   as drafts (待申报), changed ones updated, each with its history row copied in SQL
   (`core.history.write_bulk_history`).

Parsing, checking and writing rows are `credits.intake`'s (`rows`, `planning`, `writing`),
shared with the API's bulk push. Teachers come from `Teacher.objects.restrict(by, "change")`
and projects from `TrainingProject.objects.restrict(by, "view")`, approved ones only; a row
pointing outside is a row error that reveals nothing about the rows outside.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _t

from credits.errors import CreditError
from credits.intake.columns import Table
from credits.intake.planning import RowPlan, plan_rows
from credits.intake.rows import ParsedRow
from credits.intake.summary import ImportSummary, summarize
from credits.intake.writing import write_plan

from .errors import ImportConflict, ImportFileError, UploadAlreadyImported, UploadNotReady
from .reading import open_table, read_rows
from .uploads import (
    ImportUpload,
    get_upload,
    import_status,
    import_summary,
    read_json,
    require_import_permission,
    set_status,
    write_json,
)

INLINE_ROW_LIMIT = 2_000  # more rows than this are checked and written by a Celery task


def inspect_upload(*, upload: ImportUpload) -> Table:
    """Check that the upload is a readable sheet with the required headers; return it open.

    Raises an ImportFileError in Chinese for every file-level problem. The caller closes the
    table (`table.close()`), or reads its rows.
    """
    return open_table(upload.source, upload.filename)


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
            set_status(self.upload, **values)
        if self.report is not None:
            self.report(values)


def validate_upload(*, upload: ImportUpload, by, progress=None) -> ImportSummary:
    """Read and check every row of an upload without writing; keep the result for the confirm.

    File-level problems raise ImportFileError; row problems are listed in the summary. The
    uploaded file is removed once it has been read (refused or checked): rows.json holds what the
    confirm and the report need, with every value cut to about 50 characters.
    """
    require_import_permission(by)
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
        write_json(upload.directory / "rows.json", [r.to_json() for r in rows])
        write_json(upload.directory / "table.json", {"letters": table.letters})
        plan = plan_rows(rows, by)
    except CreditError as exc:
        if isinstance(exc, ImportFileError):
            upload.source.unlink(missing_ok=True)  # refused: nothing of it is kept
        status(force=True, state="failed", message=str(exc))
        raise
    summary = summarize(rows, plan.actions, table.letters, table.ignored, committed=False)
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
    require_import_permission(by)
    state = import_status(upload=upload)["state"]
    if state == "committed":
        raise UploadAlreadyImported()
    data = read_json(upload.directory / "rows.json")
    if data is None or state == "validating":
        raise UploadNotReady()
    rows = [ParsedRow.from_json(item) for item in data]
    letters = read_json(upload.directory / "table.json", {"letters": {}})["letters"]
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
    summary = summarize(rows, plan.actions, letters, ignored, committed=committed)
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


def _save_result(upload: ImportUpload, summary: ImportSummary, actions: list[str]) -> None:
    write_json(upload.directory / "result.json", summary.to_json())
    write_json(upload.directory / "actions.json", actions)


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
        set_status(upload, state="failed", message=str(exc))
        return {"state": "failed", "message": str(exc)}
    except Exception:
        set_status(
            upload, state="failed", message=_t("导入时发生意外错误，没有写入任何记录。请稍后重试。")
        )
        raise
    return summary.to_json() | {"errors": len(summary.errors)}


def mark_queued(*, upload: ImportUpload, rows: int, step: str = "validate") -> None:
    """Record that a task will check (`step="validate"`) or write (`"commit"`) the upload, so
    its page shows progress at once."""
    set_status(upload, state="queued", step=step, rows=rows, validated=0, written=0, message="")


def uses_task(*, rows: int) -> bool:
    """Return whether a file of `rows` rows goes through the Celery task instead of inline."""
    return rows > getattr(settings, "IMPORT_INLINE_ROW_LIMIT", INLINE_ROW_LIMIT)
