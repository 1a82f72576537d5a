"""A large upload's step that no worker started is given up with a way forward (issue #15)."""

import os
import time

import pytest

from imports.queue import give_up_lost_step
from imports.steps import mark_queued
from imports.uploads import import_status, store_upload
from institutions.choices import Role

from .test_import_support import (
    media,  # noqa: F401 a fixture
    record_row,
    uploaded,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def queued(world):
    """An upload marked queued for its check 20 minutes ago."""
    admin = world.users[Role.SCHOOL_ADMIN]
    upload = store_upload(file=uploaded(xlsx([record_row(world.T1, world.projN)])), by=admin)
    mark_queued(upload=upload, rows=1)
    twenty_minutes_ago = time.time() - 20 * 60
    os.utime(upload.directory / "status.json", (twenty_minutes_ago, twenty_minutes_ago))
    return upload


def test_a_check_queued_past_the_timeout_fails_and_asks_for_the_file_again(queued, settings):
    """Queued 20 minutes at a 15-minute timeout: failed, "请重新上传这份文件"."""
    settings.IMPORT_QUEUE_TIMEOUT_SECONDS = 15 * 60
    assert give_up_lost_step(upload=queued) is True
    status = import_status(upload=queued)
    assert status["state"] == "failed"
    assert (
        status["message"]
        == "上传后 20 分钟后台仍未开始校验，没有写入任何记录。请重新上传这份文件。"
    )


def test_a_write_queued_past_the_timeout_can_be_confirmed_again(queued, settings):
    """A lost write goes back to validated, so the confirm button shows again."""
    settings.IMPORT_QUEUE_TIMEOUT_SECONDS = 15 * 60
    mark_queued(upload=queued, rows=1, step="commit")
    os.utime(queued.directory / "status.json", (time.time() - 1200, time.time() - 1200))
    assert give_up_lost_step(upload=queued) is True
    status = import_status(upload=queued)
    assert status["state"] == "validated"
    assert "请再点击“确认导入”" in status["message"]


def test_a_step_queued_within_the_timeout_keeps_waiting(queued, settings):
    """Queued 20 minutes at a 30-minute timeout: still queued, nothing written."""
    settings.IMPORT_QUEUE_TIMEOUT_SECONDS = 30 * 60
    assert give_up_lost_step(upload=queued) is False
    assert import_status(upload=queued)["state"] == "queued"
