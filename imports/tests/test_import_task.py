"""Large files go through the Celery task (eager without Redis) and report their progress."""

import pytest
from django.urls import reverse

from credits.intake import writing
from imports import reading
from imports.steps import commit_upload, mark_queued, validate_upload
from imports.tasks import commit_import, validate_import
from imports.uploads import import_status, import_summary, store_upload
from institutions.choices import Role
from projects.models import TrainingRecord
from trainees.tests.factories import TeacherFactory

from .test_import_support import (
    media,  # noqa: F401 a fixture
    record_row,
    uploaded,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def admin(world):
    return world.users[Role.SCHOOL_ADMIN]


@pytest.fixture
def twelve_rows(world):
    teachers = [TeacherFactory(school=world.S1) for _ in range(12)]
    return xlsx([record_row(t, world.projN) for t in teachers])


def test_a_file_above_the_inline_limit_goes_through_the_task(
    client, settings, world, admin, twelve_rows
):
    """Above IMPORT_INLINE_ROW_LIMIT the page queues the task (sent at once, so that a Redis
    that does not take it is reported on the page); eager Celery runs it, and the status
    endpoint reports the rows validated, then written."""
    settings.IMPORT_INLINE_ROW_LIMIT = 5
    client.force_login(admin)
    response = client.post(reverse("imports:upload"), {"file": uploaded(twelve_rows)})
    assert response.status_code == 302
    upload_id = response.url.rstrip("/").rsplit("/", 1)[1]
    status = client.get(reverse("imports:status", args=[upload_id])).json()
    assert (status["state"], status["rows"], status["validated"]) == ("validated", 12, 12)
    client.post(reverse("imports:confirm"), {"upload": upload_id})
    status = client.get(reverse("imports:status", args=[upload_id])).json()
    assert (status["state"], status["written"], status["percent"]) == ("committed", 12, 100)
    assert TrainingRecord.objects.filter(project=world.projN).count() == 12


def test_progress_is_reported_while_reading_and_writing(admin, twelve_rows, monkeypatch):
    """Every 5 rows read and every 5 rows written, the status moves on."""
    monkeypatch.setattr(reading, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(writing, "WRITE_CHUNK", 5)
    upload = store_upload(file=uploaded(twelve_rows), by=admin)
    seen = []
    validate_upload(upload=upload, by=admin, progress=seen.append)
    assert [s["validated"] for s in seen if "validated" in s] == [0, 5, 10, 12, 12]
    seen.clear()
    commit_upload(upload=upload, by=admin, progress=seen.append)
    assert [s["written"] for s in seen if "written" in s and s.get("state") is None] == [5, 10, 12]
    assert import_status(upload=upload)["written"] == 12


def test_the_tasks_run_as_the_uploader(world, admin, twelve_rows):
    """validate_import and commit_import take ids only and act as the uploader."""
    upload = store_upload(file=uploaded(twelve_rows), by=admin)
    assert validate_import.delay(upload.id, admin.pk).get()["created"] == 12
    assert commit_import.delay(upload.id, admin.pk).get()["is_committed"] is True
    assert TrainingRecord.objects.filter(project=world.projN).count() == 12


def test_a_bad_file_ends_the_task_with_its_message_not_a_crash(admin):
    """A task given a file that cannot be read records the Chinese message as its status."""
    upload = store_upload(file=uploaded(b"\x89PNG\r\n\x1a\n", "photo.xlsx"), by=admin)
    result = validate_import.delay(upload.id, admin.pk).get()
    assert result["state"] == "failed"
    status = import_status(upload=upload)
    assert status["state"] == "failed"
    assert "“photo.xlsx”不是 Excel 表格" in status["message"]
    assert import_summary(upload=upload) is None


def test_preview_shows_a_progress_bar_while_the_task_runs(client, admin, twelve_rows):
    """While queued, the preview shows the progress bar that polls the status endpoint."""
    upload = store_upload(file=uploaded(twelve_rows), by=admin)
    mark_queued(upload=upload, rows=12)
    client.force_login(admin)
    page = client.get(reverse("imports:preview", args=[upload.id])).content.decode()
    assert 'role="progressbar"' in page
    assert reverse("imports:status", args=[upload.id]) in page
    assert "js/import.js" in page
    assert "已校验 0 / 12 行" in page
