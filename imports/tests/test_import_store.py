"""Uploads keep their file only until it is read, and each school has a bounded share."""

import os
import time

import pytest
from django.urls import reverse

from imports import uploads
from imports.errors import UploadLimitReached, UploadNotFound
from imports.steps import mark_queued, run_import_step, validate_upload
from imports.uploads import get_upload, import_status, store_upload
from imports.workbooks import build_report
from institutions.choices import Role
from institutions.tests.factories import UserFactory

from .test_import_support import (
    check,
    media,  # noqa: F401 a fixture
    record_row,
    uploaded,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def admin(world):
    return world.users[Role.SCHOOL_ADMIN]


def _age(upload, seconds: float) -> None:
    """Make an upload's status look `seconds` old."""
    then = time.time() - seconds
    os.utime(upload.directory / "status.json", (then, then))


def test_the_uploaded_file_is_removed_once_checked(admin, world):
    """After the preview only the parsed rows are kept; the report still comes from them."""
    upload, summary = check(xlsx([record_row(world.T2, world.projR)]), admin)
    assert summary.created == 1
    assert not upload.source.exists()
    assert (upload.directory / "rows.json").exists()
    assert build_report(upload=upload)[:2] == b"PK"


def test_a_refused_file_is_removed_and_its_message_kept(admin):
    """A file the task cannot read leaves only its status, for the preview's message."""
    upload = store_upload(file=uploaded(b"\x89PNG\r\n\x1a\n", "photo.xlsx"), by=admin)
    result = run_import_step(upload_id=upload.id, user_id=admin.pk, step="validate")
    assert result["state"] == "failed"
    assert not upload.source.exists()
    assert "“photo.xlsx”不是 Excel 表格" in import_status(upload=upload)["message"]


def test_checking_again_after_the_file_was_removed_gives_the_same_result(admin, world):
    """A validate task delivered twice finds the result, not a missing file."""
    upload, first = check(xlsx([record_row(world.T2, world.projR)]), admin)
    again = validate_upload(upload=upload, by=admin)
    assert again.to_json() == first.to_json()


def test_a_schools_oldest_uploads_expire_to_make_room(admin, world, monkeypatch):
    """With room for 3, a 4th upload of the school removes its oldest; another school's stays."""
    monkeypatch.setattr(uploads, "MAX_UPLOADS_PER_SCHOOL", 3)
    other_admin = UserFactory(role=Role.SCHOOL_ADMIN, school=world.S3)
    other, _summary = check(xlsx([record_row(world.T3, world.proj3)]), other_admin)
    content = xlsx([record_row(world.T2, world.projR)])
    first, second, third = (check(content, admin)[0] for _ in range(3))
    fourth, _summary = check(content, admin)
    with pytest.raises(UploadNotFound):
        get_upload(upload_id=first.id, by=admin)
    for upload in (second, third, fourth):
        assert get_upload(upload_id=upload.id, by=admin) == upload
    assert get_upload(upload_id=other.id, by=other_admin) == other


def test_the_bytes_a_school_keeps_are_capped(admin, world, monkeypatch):
    """Past the school's bytes, the oldest upload goes first."""
    first, _summary = check(xlsx([record_row(world.T2, world.projR)]), admin)
    kept = sum(f.stat().st_size for f in first.directory.iterdir())
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES_PER_SCHOOL", kept + 100)
    second = store_upload(file=uploaded(b"x" * 200, "b.csv"), by=admin)
    assert not first.directory.exists()
    assert second.source.exists()


def test_uploads_in_progress_are_not_expired_and_a_new_one_is_refused(admin, world, monkeypatch):
    """When every upload of the school is being checked or written, the new one waits."""
    monkeypatch.setattr(uploads, "MAX_UPLOADS_PER_SCHOOL", 2)
    content = xlsx([record_row(world.T2, world.projR)])
    running = [store_upload(file=uploaded(content), by=admin) for _ in range(2)]
    for upload in running:
        mark_queued(upload=upload, rows=1)
    with pytest.raises(UploadLimitReached) as excinfo:
        store_upload(file=uploaded(content), by=admin)
    assert str(excinfo.value) == (
        "本校已有 2 个上传的文件正在校验或写入（最多同时保留 2 个），请等它们处理完成后再上传。"
    )
    assert all(upload.source.exists() for upload in running)
    _age(running[0], 2 * 3600)  # a step not heard of for two hours is not running
    newest = store_upload(file=uploaded(content), by=admin)
    assert not running[0].directory.exists()
    assert newest.source.exists()


def test_the_upload_page_shows_the_limit_message(client, admin, world, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOADS_PER_SCHOOL", 1)
    mark_queued(upload=store_upload(file=uploaded(b"x", "a.csv"), by=admin), rows=1)
    client.force_login(admin)
    response = client.post(
        reverse("imports:upload"),
        {"file": uploaded(xlsx([record_row(world.T2, world.projR)]))},
    )
    assert response.status_code == 200
    assert "本校已有 1 个上传的文件正在校验或写入" in response.content.decode()


def test_nightly_purge_removes_expired_uploads_of_schools_that_upload_no_more(admin):
    """The 04:15 task deletes an upload past UPLOAD_TTL even if its school never uploads again."""
    # given
    from imports.tasks import purge_expired_uploads

    old = store_upload(file=uploaded(b"x" * 200, "old.csv"), by=admin)
    fresh = store_upload(file=uploaded(b"x" * 200, "fresh.csv"), by=admin)
    then = time.time() - uploads.UPLOAD_TTL.total_seconds() - 60
    os.utime(old.directory, (then, then))
    # when
    purge_expired_uploads.delay()
    # then
    assert not old.directory.exists()
    assert fresh.directory.exists()
