"""Celery tasks of the certificates app."""

from celery import shared_task

from core.tasks import RETRY


@shared_task(**RETRY)
def purge_orphan_certificate_pdfs() -> int:
    """Delete PDFs left by certificate issues that rolled back (nightly, by beat)."""
    from .services import purge_orphan_certificate_pdfs as purge

    return purge()
