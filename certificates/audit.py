"""The nightly audit of one county: progress, anomalies, numbers and certificates.

Called by the Celery task `certificates.tasks.audit_county` (one per county, in a chord) and by
`manage.py run_audit`. Every step is idempotent — progress and anomalies are upserted by
natural key, numbers are allocated only to teachers without one, a certificate is issued only
when the teacher has none for the cycle with the same content — so a rerun, or a rerun after a
worker was killed half-way, ends in the same state.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction

from credits.models import CycleProgress
from credits.selectors import PolicyCache
from credits.services import recompute_county_progress
from credits.services.anomalies import detect_anomalies
from credits.services.audit import clear_stale_marks, plan_recompute
from institutions.models import AdministrativeUnit
from trainees.models import Teacher

from .models import Certificate, CertificateKind, CertificateStatus
from .services import allocate_certificate_numbers, issue_certificate, issuing_bureau_for


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


def has_certificate_codes(county: AdministrativeUnit) -> bool:
    """Return whether the county and its prefecture carry the annex's certificate codes."""
    return bool(county.certificate_code and county.parent and county.parent.certificate_code)


def audit_county(
    *, county_id: int, as_of: datetime.date, issue: bool = True, full: bool = False
) -> CountyAuditReport:
    """Recompute one county's progress, list its anomalies, allocate numbers, issue certificates.

    On PostgreSQL only the teachers whose data changed are recomputed and re-checked (the
    others' statuses follow the date), unless `full` or credits.services.audit.plan_recompute
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
        clear_stale_marks(plan)
    allocated = issued = 0
    # The 9-digit numbers are Xinjiang's scheme (004 附件): a county without the annex's codes
    # (another region's policy) gets progress and anomalies, but no numbers or certificates.
    if has_certificate_codes(county):
        # Numbers are for life (一人一号): only teachers still without one are locked and numbered.
        teacher_ids = list(
            Teacher.objects.filter(
                school__county=county, is_active=True, certificate_number__isnull=True
            ).values_list("pk", flat=True)
        )
        allocated = allocate_certificate_numbers(teacher_ids=teacher_ids)
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


def issue_cycle_certificates(*, county: AdministrativeUnit, spec, school_id=None) -> int:
    """Issue a cycle certificate to each complete teacher of the county who has none yet.

    `school_id` narrows it to one school (the demo data issues only its showcase school's).
    """
    period = f"{spec.cycle_start:%Y}-{spec.cycle_end:%Y}"
    has_one = Certificate.objects.filter(
        kind=CertificateKind.CYCLE, period=period, status=CertificateStatus.ISSUED
    ).values("teacher_id")
    rows = (
        CycleProgress.objects.filter(
            teacher__school__county=county,
            policy_code=spec.code,
            cycle_start=spec.cycle_start,
            status="complete",
        )
        .exclude(teacher_id__in=has_one)
        .filter(**({"teacher__school_id": school_id} if school_id else {}))
        .select_related("teacher__school")
        .order_by("teacher_id")
    )
    labels = {row.key: row.label for row in spec.rows}
    bureau = issuing_bureau_for(county)
    issued = 0
    for row in rows:
        credits = {labels.get(k, k): Decimal(v) for k, v in row.counted.items() if k != "total"}
        issue_certificate(
            teacher=row.teacher,
            kind=CertificateKind.CYCLE,
            period=period,
            policy_code=row.policy_code,
            policy_version=row.policy_version,
            credits_by_category=credits,
            total=row.counted_total,
            issuing_bureau=bureau,
            issued_on=row.as_of,
        )
        issued += 1
    return issued
