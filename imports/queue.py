"""Handing a large upload to a Celery worker, so that it never waits for one that will not come.

A worker checks (validate) or writes (commit) an upload above the inline limit; the page only
queues the step. When Redis does not take the task within a few seconds (the publish retry
policy in settings), the school is told so in Chinese at once and nothing was written: the
check asks for the file again, the write for another click on 确认导入. A step that was queued
but never started — Redis restarted and lost it — is given up after IMPORT_QUEUE_TIMEOUT_SECONDS
the same way (docs/operations.md, "Faults").
"""

from __future__ import annotations

import time

from celery.utils.log import get_task_logger
from django.conf import settings
from django.utils.translation import gettext as _t
from kombu.exceptions import OperationalError as BrokerError

from .errors import ImportCheckNotQueued, ImportWriteNotQueued
from .steps import mark_queued
from .tasks import commit_import, validate_import
from .uploads import ImportUpload, import_status, set_status

logger = get_task_logger(__name__)
# What sending a task raises when Redis is down or unreachable, once the retries are spent.
BROKER_ERRORS = (BrokerError, OSError)
TASKS = {"validate": validate_import, "commit": commit_import}


def queue_import_step(*, upload: ImportUpload, by, step: str, rows: int) -> None:
    """Queue the upload's check (`step="validate"`) or write (`"commit"`) for a worker.

    Raise ImportCheckNotQueued or ImportWriteNotQueued, within a few seconds, when Redis does
    not take the task; a write's upload is then back to "validated" with the message.
    """
    mark_queued(upload=upload, rows=rows, step=step)
    try:
        TASKS[step].apply_async((upload.id, by.pk))
    except BROKER_ERRORS as exc:
        logger.warning("import %s: the %s step could not be queued: %r", upload.id, step, exc)
        if step == "validate":
            raise ImportCheckNotQueued() from exc
        error = ImportWriteNotQueued()
        set_status(upload, state="validated", step="validate", message=str(error))
        raise error from exc


def give_up_lost_step(*, upload: ImportUpload) -> bool:
    """Give up a step queued longer than IMPORT_QUEUE_TIMEOUT_SECONDS ago that never started.

    Its task was lost (Redis restarted without its data): a check ends failed and asks for the
    file again, a write goes back to "validated" and asks for another click. A worker that
    starts the step later still does it. Return whether the step was given up.
    """
    status = import_status(upload=upload)
    if status["state"] != "queued":
        return False
    try:
        queued_for = time.time() - (upload.directory / "status.json").stat().st_mtime
    except OSError:
        return False
    if queued_for < settings.IMPORT_QUEUE_TIMEOUT_SECONDS:
        return False
    minutes = max(round(queued_for / 60), 1)
    if status["step"] == "commit":
        message = _t(
            "确认导入后 %(minutes)d 分钟后台仍未开始处理，没有写入任何记录。请再点击“确认导入”。"
        ) % {"minutes": minutes}
        set_status(upload, state="validated", step="validate", message=message)
    else:
        message = _t(
            "上传后 %(minutes)d 分钟后台仍未开始校验，没有写入任何记录。请重新上传这份文件。"
        ) % {"minutes": minutes}
        set_status(upload, state="failed", message=message)
    logger.warning("import %s: the queued %s step was given up", upload.id, status["step"])
    return True
