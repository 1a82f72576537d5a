"""Celery tasks of the nightly audit: one per county, gathered by a chord.

Tasks run as the system on ids chosen by the schedule or an officer's command; they take ids
and ISO dates, never model instances.
"""

from __future__ import annotations

import datetime

from celery import chord, shared_task
from celery.utils.log import get_task_logger
from django.db import InterfaceError, OperationalError
from django.db.models import F
from django.utils import timezone

logger = get_task_logger(__name__)
RETRYABLE = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=True,
    max_retries=5,
)
def audit_county(county_id: int, as_of: str, run_id: int | None = None, full: bool = False) -> dict:
    """Audit one county (idempotent: safe to run twice, or again after a worker died)."""
    from credits.models import AuditRun

    from .audit import audit_county as audit

    report = audit(county_id=county_id, as_of=datetime.date.fromisoformat(as_of), full=full)
    if run_id is not None:
        AuditRun.objects.filter(pk=run_id).update(
            counties_done=F("counties_done") + 1, teachers=F("teachers") + report.teachers
        )
    logger.info("audited county %s: %s", county_id, report.by_status)
    return report.as_dict()


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def finish_audit(reports: list[dict], run_id: int) -> dict:
    """Close the run once every county has reported."""
    from credits.models import AuditRun

    AuditRun.objects.filter(pk=run_id).update(status="finished", finished_at=timezone.now())
    return {"run_id": run_id, "counties": len(reports)}


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def run_nightly_audit(
    as_of: str | None = None, county_ids: list[int] | None = None, full: bool = False
) -> int:
    """Fan the audit out over every county that has teachers; return the run's id.

    `full` recomputes every teacher; by default only those whose data changed (operations.md).
    """
    from credits.models import AuditRun
    from credits.services.audit import purge_orphan_marks
    from institutions.models import AdministrativeUnit

    day = as_of or timezone.localdate().isoformat()
    counties = county_ids or list(
        AdministrativeUnit.objects.filter(schools__teachers__is_active=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    purge_orphan_marks()
    run = AuditRun.objects.create(as_of=day, counties_total=len(counties))
    chord(audit_county.s(pk, day, run.pk, full) for pk in counties)(finish_audit.s(run.pk))
    return run.pk


@shared_task(autoretry_for=RETRYABLE, retry_backoff=True, max_retries=5)
def purge_orphan_certificate_pdfs() -> int:
    """Delete PDFs left by certificate issues that rolled back (nightly, by beat)."""
    from .services import purge_orphan_certificate_pdfs as purge

    return purge()
