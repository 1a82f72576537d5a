"""The nightly audit of one county: progress, anomalies, summaries, numbers and certificates.

Called by the Celery task `audit.tasks.audit_county` (one per county, in a chord) and by
`manage.py run_audit`. Every step is idempotent — progress and anomalies are upserted by
natural key, numbers are allocated only to teachers without one, a certificate is issued only
when the teacher has none for the cycle with the same content — so a rerun, or a rerun after a
worker was killed half-way, ends in the same state.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.db import transaction

from certificates.cycle import (
    has_certificate_codes,
    issue_cycle_certificates,
    number_county_teachers,
)
from credits.selectors import PolicyCache
from institutions.models import AdministrativeUnit

from .anomalies import detect_anomalies
from .progress import clear_stale_marks, plan_recompute, recompute_county_progress
from .summaries import summarize_county


@dataclass(frozen=True)
class CountyAuditReport:
    """What one county's audit did, as JSON-able values (a Celery result)."""

    county_id: int
    teachers: int
    by_status: dict[str, int]
    recomputed: int | None  # teachers recomputed; None: the whole county
    anomalies: int
    numbers_allocated: int
    certificates_issued: int

    def as_dict(self) -> dict:
        return asdict(self)


def audit_county(
    *, county_id: int, as_of: datetime.date, issue: bool = True, full: bool = False
) -> CountyAuditReport:
    """Recompute one county's progress, list its anomalies, allocate numbers, issue certificates.

    On PostgreSQL only the teachers whose data changed are recomputed and re-checked (the
    others' statuses follow the date), unless `full` or audit.progress.plan_recompute
    finds a reason to recompute everyone.
    """
    county = AdministrativeUnit.objects.select_related("parent").get(pk=county_id)
    policy, spec = PolicyCache().for_county(county)
    # Progress, anomalies and the stale marks they consumed commit together: a worker killed
    # half-way leaves the marks, and the retry recomputes the same teachers.
    with transaction.atomic():
        plan = plan_recompute(county_id, spec, as_of, full=full)
        progress = recompute_county_progress(county_id=county_id, as_of=as_of, plan=plan, spec=spec)
        anomalies = detect_anomalies(
            county_id=county_id,
            policy=policy,
            teacher_ids=None if plan.everyone else plan.teacher_ids,
        )
        summarize_county(county_id=county_id, spec=spec, as_of=as_of)
        clear_stale_marks(plan)
    allocated = issued = 0
    # The 9-digit numbers are Xinjiang's scheme (004 附件): a county without the annex's codes
    # (another region's policy) gets progress and anomalies, but no numbers or certificates.
    if has_certificate_codes(county):
        allocated = number_county_teachers(county=county)
        issued = issue_cycle_certificates(county=county, spec=spec) if issue else 0
    return CountyAuditReport(
        county_id=county_id,
        teachers=progress.teachers,
        recomputed=progress.recomputed,
        by_status={str(k): v for k, v in progress.by_status.items()},
        anomalies=anomalies,
        numbers_allocated=allocated,
        certificates_issued=issued,
    )
