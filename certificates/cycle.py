"""A county's certificates after its audit: a number for each teacher without one, and a
cycle certificate for each teacher whose cycle is complete.

Called by the nightly audit (audit/county.py) and by the demo data. Both steps are
idempotent: numbers are for life and only teachers still without one are numbered, and a
certificate is issued only to a complete teacher who has none for the cycle.
"""

from __future__ import annotations

from decimal import Decimal

from credits.models import CycleProgress
from institutions.models import AdministrativeUnit
from trainees.models import Teacher

from .models import Certificate, CertificateKind, CertificateStatus
from .services import allocate_certificate_numbers, issue_certificate, issuing_bureau_for


def has_certificate_codes(county: AdministrativeUnit) -> bool:
    """Return whether the county and its prefecture carry the annex's certificate codes."""
    return bool(county.certificate_code and county.parent and county.parent.certificate_code)


def number_county_teachers(*, county: AdministrativeUnit) -> int:
    """Give each active teacher of the county without a certificate number one; return how many.

    Numbers are for life (一人一号): only teachers still without one are locked and numbered.
    """
    teacher_ids = list(
        Teacher.objects.filter(
            school__county=county, is_active=True, certificate_number__isnull=True
        ).values_list("pk", flat=True)
    )
    return allocate_certificate_numbers(teacher_ids=teacher_ids)


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
