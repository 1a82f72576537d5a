"""Celery tasks of the Excel import: each one service call, for the user who uploaded the file.

Unlike most tasks these act as a person: the service scopes every lookup with
`restrict(by, …)` for the uploader, whose id the page passes along with the upload id.
"""

from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


# No result is stored: the upload's own status and result files are what its page reads, and
# a page that queues one does not wait on the result store while Redis is down.
@shared_task(acks_late=True, ignore_result=True)
def validate_import(upload_id: str, user_id: int) -> dict:
    """Read and check every row of an upload (the preview); writes nothing."""
    from .steps import (
        run_import_step,  # imported in the body (STYLE §11): the queue imports this module
    )

    result = run_import_step(upload_id=upload_id, user_id=user_id, step="validate")
    logger.info("import %s checked: %s", upload_id, result.get("state", "validated"))
    return result


@shared_task(acks_late=True, ignore_result=True)
def commit_import(upload_id: str, user_id: int) -> dict:
    """Check an upload again and write it, all or nothing (the confirm). Safe to run twice."""
    from .steps import run_import_step

    result = run_import_step(upload_id=upload_id, user_id=user_id, step="commit")
    logger.info("import %s committed: %s", upload_id, result.get("state", "done"))
    return result


@shared_task(ignore_result=True)
def purge_expired_uploads() -> None:
    """Delete the working files of uploads older than two days, every night (they hold IDs)."""
    from .uploads import remove_expired_uploads

    remove_expired_uploads()
