"""A county's certificates after its audit: a number for each teacher without one, and a
cycle certificate for each teacher whose cycle is complete.

Called by the nightly audit (audit/county.py) and by the demo data. Both steps are
idempotent: numbers are for life and only teachers still without one are numbered, and a
certificate changes only when what it would print changes (a new version, or a revocation
when the teacher no longer completes the cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from credits import rules
from credits.models import CycleProgress
from institutions.models import AdministrativeUnit
from trainees.models import Teacher

from .models import Certificate, CertificateKind, CertificateStatus, CreditRow
from .services import (
    allocate_certificate_numbers,
    issue_certificate,
    issuing_bureau_for,
    tell_teacher_of_correction,
    withdraw_certificate,
)


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


def cycle_certificate_lines(spec, row: CycleProgress) -> list[rules.StatementLine]:
    """Return the credit lines of a cycle certificate from the teacher's progress row."""
    earned = row.earned
    rows = [r for r in spec.rows_in(rules.Scope.CYCLE) if r.key in earned]
    return list(
        rules.statement_lines(
            rows,
            earned,
            row.offset,
            sources=rules.offset_sources(spec.offsets, rules.Scope.CYCLE),
        )
    )


@dataclass(frozen=True)
class CycleCertificateRun:
    """What one county's certificate step did: first issues, new versions, revocations."""

    issued: int = 0
    reissued: int = 0
    revoked: int = 0

    @property
    def changed(self) -> int:
        return self.issued + self.reissued + self.revoked


def issue_cycle_certificates(*, county: AdministrativeUnit, spec, school_id=None) -> int:
    """Issue, correct or revoke the county's cycle certificates; return how many changed."""
    return sync_cycle_certificates(county=county, spec=spec, school_id=school_id).changed


def sync_cycle_certificates(
    *, county: AdministrativeUnit, spec, school_id=None
) -> CycleCertificateRun:
    """Bring the county's cycle certificates in line with its teachers' progress.

    - A complete teacher without a certificate gets one.
    - A complete teacher whose certificate would now read differently (a credit withdrawn
      or corrected, a category moved) gets a new version that supersedes the old one
      (`issue_certificate` keeps one version in force), and is told.
    - A teacher who is no longer complete (credits withdrawn below the requirement) has the
      certificate revoked by the audit with the reason, and is told: a certificate must
      never claim a completion the ledger no longer shows (decisions.md, corrections).

    `school_id` narrows it to one school (the demo data issues only its showcase school's).
    Comparing first keeps a night without changes to two reads per county.
    """
    period = f"{spec.cycle_start:%Y}-{spec.cycle_end:%Y}"
    rows = CycleProgress.objects.filter(
        teacher__school__county=county, policy_code=spec.code, cycle_start=spec.cycle_start
    ).filter(**({"teacher__school_id": school_id} if school_id else {}))
    in_force = {
        c.teacher_id: c
        for c in Certificate.objects.filter(
            kind=CertificateKind.CYCLE,
            period=period,
            status=CertificateStatus.ISSUED,
            teacher_id__in=rows.values("teacher_id"),
        )
    }
    bureau = issuing_bureau_for(county)
    issued = reissued = revoked = 0
    complete = rows.filter(status="complete").select_related("teacher__school")
    for row in complete.order_by("teacher_id").iterator(chunk_size=500):
        current = in_force.get(row.teacher_id)
        lines = cycle_certificate_lines(spec, row)
        if current is not None and _reads_the_same(current, row=row, lines=lines, bureau=bureau):
            continue
        certificate = issue_certificate(
            teacher=row.teacher,
            kind=CertificateKind.CYCLE,
            period=period,
            policy_code=row.policy_code,
            policy_version=row.policy_version,
            credits_by_category=lines,
            total=row.counted_total,
            issuing_bureau=bureau,
            issued_on=row.as_of,
        )
        if current is None:
            issued += 1
        elif certificate.pk != current.pk:
            reissued += 1
            tell_teacher_of_correction(certificate, replaced=current)
    lapsed = rows.exclude(status="complete").filter(teacher_id__in=list(in_force))
    for teacher_id in lapsed.values_list("teacher_id", flat=True):
        certificate = withdraw_certificate(
            certificate=in_force[teacher_id],
            reason=_("学分更正后，周期学分未达到要求，证书撤销"),
        )
        if certificate is not None:
            revoked += 1
            tell_teacher_of_correction(certificate, replaced=None)
    return CycleCertificateRun(issued=issued, reissued=reissued, revoked=revoked)


def _reads_the_same(certificate: Certificate, *, row, lines, bureau: str) -> bool:
    """Return whether issuing now would print the same certificate (see issue_certificate)."""
    return (
        certificate.policy_code == row.policy_code
        and certificate.total_credits == row.counted_total
        and certificate.issuing_bureau == bureau
        and certificate.teacher_name == row.teacher.name
        and certificate.credit_rows
        == [CreditRow(line.label, line.credits, str(line.role)) for line in lines]
    )
