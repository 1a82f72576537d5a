"""Celery tasks of the institutions app."""

from celery import shared_task


@shared_task(name="institutions.tasks.purge_api_call_log")
def purge_api_call_log() -> int:
    """Delete API call-log lines past their retention (nightly, by beat)."""
    from .api_clients import purge_api_call_log as purge

    return purge()
