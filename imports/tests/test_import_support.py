"""Builders shared by the import tests: workbooks made with openpyxl, uploads, and the steps.

Holds no tests; the other test_import_* modules import from it.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from credits.intake.columns import HEADERS
from imports.steps import commit_upload, validate_upload
from imports.uploads import store_upload


@pytest.fixture
def media(settings, tmp_path):
    """Keep uploads of the test in a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def record_row(
    teacher, project, *, hours=40, leave=0, grade="合格", role="学员", done="2025-03-05"
):
    """Return one sheet row for `teacher` in `project`, as a school would type it."""
    return [teacher.id_number, teacher.name, project.code, hours, leave, grade, role, done]


def xlsx(rows, *, headers=HEADERS, setup=None, title="培训记录") -> bytes:
    """Return an .xlsx with `headers` in row 1 and `rows` below; `setup(sheet)` may alter it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if setup is not None:
        setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_in_sheet(content: bytes, old: str, new: str) -> bytes:
    """Return the workbook with text replaced in its first sheet's XML (e.g. a cached value)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in data, old
                data = data.replace(old.encode(), new.encode())
            target.writestr(item, data)
    return buffer.getvalue()


def uploaded(content: bytes, name: str = "records.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def check(content: bytes, by, name: str = "records.xlsx"):
    """Store and validate a file as `by`; return (upload, summary)."""
    upload = store_upload(file=uploaded(content, name), by=by)
    return upload, validate_upload(upload=upload, by=by)


def check_and_commit(content: bytes, by, name: str = "records.xlsx"):
    """Store, validate and commit a file as `by`; return (upload, summary of the commit)."""
    upload, _summary = check(content, by, name)
    return upload, commit_upload(upload=upload, by=by)


def errors_of(summary) -> list[tuple[int, str, str]]:
    """Return the summary's errors as (row, column letter, message)."""
    return [(e.row, e.column, e.message) for e in summary.errors]
