"""Celery tasks of the platforms app."""

from celery import shared_task


@shared_task(name="platforms.tasks.purge_api_call_log")
def purge_api_call_log() -> int:
    """Delete API call-log lines past their retention (nightly, by beat)."""
    from .call_log import purge_api_call_log as purge

    return purge()
