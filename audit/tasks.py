"""Celery tasks of the nightly audit: one per county, gathered by a chord.

Tasks run as the system on ids chosen by the schedule or an officer's command; they take ids
and ISO dates, never model instances.
"""

from __future__ import annotations

import datetime

from celery import chord, shared_task
from celery.utils.log import get_task_logger
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.tasks import RETRY

logger = get_task_logger(__name__)
# Closing a run writes one row: keep trying at the longest back-off, for about a day.
CLOSE_RETRY = {**RETRY, "max_retries": 24 * 3600 // max(settings.AUDIT_RETRY_BACKOFF_MAX, 1)}


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def audit_county(county_id: int, as_of: str, run_id: int | None = None, full: bool = False) -> dict:
    """Audit one county (idempotent: safe to run twice, or again after a worker died)."""
    from credits.models import AuditRun

    from .county import audit_county as audit

    report = audit(county_id=county_id, as_of=datetime.date.fromisoformat(as_of), full=full)
    if run_id is not None:
        AuditRun.objects.filter(pk=run_id).update(
            counties_done=F("counties_done") + 1, teachers=F("teachers") + report.teachers
        )
    logger.info("audited county %s: %s", county_id, report.by_status)
    return report.as_dict()


@shared_task(**CLOSE_RETRY)
def finish_audit(reports: list[dict], run_id: int) -> dict:
    """Close the run once every county has reported."""
    from .progress import finish_audit_run

    finish_audit_run(run_id=run_id)
    return {"run_id": run_id, "counties": len(reports)}


@shared_task(**CLOSE_RETRY)
def fail_audit(run_id: int) -> int:
    """Mark the run failed: a county gave up after its retries (the chord's error callback)."""
    from .progress import fail_audit_run

    return fail_audit_run(run_id=run_id)


@shared_task(**RETRY)
def close_stale_audit_runs() -> int:
    """Mark runs failed that have been running for longer than AUDIT_RUN_TIMEOUT_MINUTES."""
    from .progress import close_stale_audit_runs as close

    return close(older_than=datetime.timedelta(minutes=settings.AUDIT_RUN_TIMEOUT_MINUTES))


@shared_task(**RETRY)
def run_nightly_audit(
    as_of: str | None = None, county_ids: list[int] | None = None, full: bool = False
) -> int:
    """Fan the audit out over every county that has teachers; return the run's id.

    `full` recomputes every teacher; by default only those whose data changed (operations.md).
    """
    from credits.models import AuditRun
    from institutions.models import AdministrativeUnit

    from .progress import purge_orphan_marks

    day = as_of or timezone.localdate().isoformat()
    counties = county_ids or list(
        AdministrativeUnit.objects.filter(schools__teachers__is_active=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    purge_orphan_marks()
    close_stale_audit_runs()
    run = AuditRun.objects.create(as_of=day, counties_total=len(counties))
    # A county that gives up fails the run; the next run recomputes what it left (the stale
    # marks of a rolled-back county are still there, and every step is idempotent).
    closing = finish_audit.s(run.pk).on_error(fail_audit.si(run.pk))
    chord(audit_county.s(pk, day, run.pk, full) for pk in counties)(closing)
    return run.pk
