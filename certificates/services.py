"""Writes of the certificates app: allocating numbers, issuing and revoking certificates."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from credits.progress import teacher_progress
from institutions.models import AdministrativeUnit, School
from notices.models import NoticeKind
from notices.services import Message, tell
from trainees.models import Teacher

from .errors import (
    CertificateCodeMissing,
    CertificateCreditsInvalid,
    CertificateNotPermitted,
    CertificateNotRevocable,
    CertificatePeriodInvalid,
    CertificatePrefixExhausted,
    CertificateRevokeReasonMissing,
    SchoolTypeCodeInvalid,
    SchoolYearNotComplete,
)
from .models import (
    Certificate,
    CertificateCounter,
    CertificateKind,
    CertificateNumber,
    CertificateStatus,
    CreditRow,
)
from .numbers import MAX_SERIAL, SCHOOL_TYPE_CODES, build_prefix, format_number
from .selectors import verification_url_for

_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
_CENTS = Decimal("0.01")
CREDIT_ROW_ROLES = frozenset({"category", "part", "offset", "separate"})


# -- numbers ------------------------------------------------------------------------------------


def allocate_certificate_number(*, teacher: Teacher) -> CertificateNumber:
    """Return the teacher's certificate number, allocating one under their school's prefix.

    Idempotent: a teacher who has a number keeps it for life (004 六(三) 一人一证，一人一号),
    also after a move; the prefix records where it was first issued.
    """
    existing = CertificateNumber.objects.filter(teacher_id=teacher.pk).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        _allocate(teacher_ids=[teacher.pk])
    return CertificateNumber.objects.get(teacher_id=teacher.pk)


def allocate_certificate_numbers(*, teacher_ids: Sequence[int]) -> int:
    """Allocate numbers to the given teachers who have none; return how many were allocated.

    For the nightly audit: a fixed number of queries whatever the count. Each prefix's counter
    is locked once. All or nothing: a teacher without codes or a full prefix raises and writes
    nothing. Runs as the system on ids chosen by the caller.
    """
    with transaction.atomic():
        return _allocate(teacher_ids=teacher_ids)


def _allocate(*, teacher_ids: Sequence[int]) -> int:
    """Allocate numbers inside the caller's transaction; lock teachers, then counters.

    Lock order is fixed (teachers by pk, then counters by prefix) so concurrent callers queue
    instead of deadlocking. Teachers are locked first so two processes allocating for the same
    teacher cannot both see "no number yet". Returns how many numbers were allocated.
    """
    if connection.vendor == "postgresql":
        return _allocate_in_database(teacher_ids=teacher_ids)
    teachers = list(
        Teacher.objects.filter(pk__in=set(teacher_ids))
        .select_related("school__county__parent")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    numbered = set(
        CertificateNumber.objects.filter(teacher__in=teachers).values_list("teacher_id", flat=True)
    )
    by_prefix: dict[str, list[Teacher]] = defaultdict(list)
    for teacher in teachers:
        if teacher.pk not in numbered:
            by_prefix[_prefix_for(teacher)].append(teacher)
    if not by_prefix:
        return 0
    counters = _locked_counters(by_prefix)
    now = timezone.now()
    numbers = []
    for counter in counters:
        for teacher in by_prefix[counter.prefix]:
            counter.last_serial += 1
            numbers.append(
                CertificateNumber(
                    teacher=teacher,
                    number=format_number(counter.prefix, counter.last_serial),
                    prefix=counter.prefix,
                    serial=counter.last_serial,
                    school_id=teacher.school_id,
                    allocated_at=now,
                )
            )
    for counter in counters:
        counter.updated_at = now  # bulk_update does not apply auto_now
    CertificateCounter.objects.bulk_update(counters, ["last_serial", "updated_at"])
    return len(bulk_create_with_history(numbers, CertificateNumber, batch_size=1000))


def _locked_counters(by_prefix: Mapping[str, Sequence]) -> list[CertificateCounter]:
    """Create missing counters and lock them in prefix order; raise if one has no room left.

    INSERT … ON CONFLICT DO NOTHING, in prefix order: a counter another process is creating
    makes this one wait for it instead of failing.
    """
    prefixes = sorted(by_prefix)
    CertificateCounter.objects.bulk_create(
        [CertificateCounter(prefix=p) for p in prefixes], ignore_conflicts=True
    )
    counters = list(
        CertificateCounter.objects.filter(prefix__in=prefixes)
        .select_for_update()
        .order_by("prefix")
    )
    for counter in counters:
        needed = len(by_prefix[counter.prefix])
        if counter.last_serial + needed > MAX_SERIAL:
            raise CertificatePrefixExhausted(
                prefix=counter.prefix, used=counter.last_serial, needed=needed
            )
    return counters


def _allocate_in_database(*, teacher_ids: Sequence[int]) -> int:
    """`_allocate` for PostgreSQL in a fixed number of statements, for the nightly audit.

    The same locks in the same order, the same serials (by teacher pk within each prefix) and
    a history row per number, without building a model object per teacher: a county's 2,000
    new teachers take milliseconds instead of most of a second (docs/benchmarks.md).
    """
    ids = sorted(set(teacher_ids))
    if not ids:
        return 0
    teacher_table = Teacher._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {teacher_table} "  # nosec B608 # noqa: S608 name from _meta
            "WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            [ids],
        )
        # A new statement, a new snapshot: numbers committed while we waited are seen.
        cursor.execute(
            f"""
            SELECT t.id, t.school_id,
                CASE WHEN pf.certificate_code ~ '^[0-9]{{2}}$' AND c.certificate_code ~ '^[0-9]{{2}}$'
                     AND s.school_type = ANY(%(types)s)
                     THEN pf.certificate_code || c.certificate_code || s.school_type END
            FROM {teacher_table} t
            JOIN {School._meta.db_table} s ON s.id = t.school_id
            JOIN {AdministrativeUnit._meta.db_table} c ON c.id = s.county_id
            LEFT JOIN {AdministrativeUnit._meta.db_table} pf ON pf.id = c.parent_id
            WHERE t.id = ANY(%(ids)s)
              AND NOT EXISTS (SELECT 1 FROM {CertificateNumber._meta.db_table} n
                              WHERE n.teacher_id = t.id)
            ORDER BY t.id
            """,  # nosec B608 # noqa: S608 table names from _meta; values bound
            {"ids": ids, "types": sorted(SCHOOL_TYPE_CODES)},
        )
        rows = cursor.fetchall()
    if not rows:
        return 0
    for teacher_id, _school, prefix in rows:
        if prefix is None:  # let the one-by-one path name the missing code, in Chinese
            _prefix_for(Teacher.objects.select_related("school__county__parent").get(pk=teacher_id))
    by_prefix: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for teacher_id, school_id, prefix in rows:
        by_prefix[prefix].append((teacher_id, school_id))
    counters = _locked_counters(by_prefix)
    now = timezone.now()
    columns: dict[str, list] = defaultdict(list)
    for counter in counters:
        for teacher_id, school_id in by_prefix[counter.prefix]:
            counter.last_serial += 1
            columns["teacher"].append(teacher_id)
            columns["school"].append(school_id)
            columns["number"].append(format_number(counter.prefix, counter.last_serial))
            columns["prefix"].append(counter.prefix)
            columns["serial"].append(counter.last_serial)
        counter.updated_at = now
    history = CertificateNumber.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH new AS (
                INSERT INTO {CertificateNumber._meta.db_table}
                    (teacher_id, school_id, number, prefix, serial, allocated_at)
                SELECT teacher_id, school_id, number, prefix, serial, %(now)s
                FROM unnest(%(teacher)s::bigint[], %(school)s::bigint[], %(number)s::text[],
                            %(prefix)s::text[], %(serial)s::int[])
                    AS n(teacher_id, school_id, number, prefix, serial)
                RETURNING *
            )
            INSERT INTO {history} (id, number, prefix, serial, allocated_at, history_date,
                history_change_reason, history_type, history_user_id, school_id, teacher_id)
            SELECT id, number, prefix, serial, allocated_at, %(now)s, NULL, '+', NULL,
                school_id, teacher_id
            FROM new
            """,  # nosec B608 # noqa: S608 table names from _meta; values bound
            {**columns, "now": now},
        )
    CertificateCounter.objects.bulk_update(counters, ["last_serial", "updated_at"])
    return len(rows)


def _prefix_for(teacher: Teacher) -> str:
    """Return `PP CC T` for the teacher's current school, or raise why there is none."""
    school = teacher.school
    county = school.county
    prefecture = county.parent
    if not county.certificate_code:
        raise CertificateCodeMissing(
            teacher=teacher.name, level=_("县（市、区）"), unit=county.name, unit_code=county.code
        )
    if prefecture is None or not prefecture.certificate_code:
        unit = prefecture or county
        raise CertificateCodeMissing(
            teacher=teacher.name, level=_("地（州、市）"), unit=unit.name, unit_code=unit.code
        )
    if school.school_type not in SCHOOL_TYPE_CODES:
        raise SchoolTypeCodeInvalid(
            teacher=teacher.name, school=school.name, school_type=school.school_type
        )
    return build_prefix(
        prefecture_code=prefecture.certificate_code,
        county_code=county.certificate_code,
        school_type=school.school_type,
    )


# -- certificates -------------------------------------------------------------------------------


def issue_certificate(
    *,
    teacher: Teacher,
    kind: str,
    period: str,
    policy_code: str,
    policy_version: int,
    credits_by_category: Mapping[str, Decimal] | Sequence,
    total: Decimal,
    issuing_bureau: str,
    issued_on: datetime.date,
    by=None,
) -> Certificate:
    """Issue a teacher's cycle certificate or school-year proof, with its PDF.

    The number is allocated if the teacher has none. Issuing again for the same teacher, kind
    and period returns the existing certificate when its content (policy, credits, bureau,
    name) is unchanged, so a rerun or an upgrade reissues nothing; a change issues version + 1
    and marks the old one superseded. A revoked certificate is not revived by a rerun with the
    same content.
    """
    _check_period(kind=kind, period=period)
    rows = _credit_rows(credits_by_category)
    total = _credits(_("总学分"), total)
    # The number first, in its own transaction when the caller holds none: the prefix's counter
    # is then not kept locked while the PDF renders. A number once allocated is the teacher's
    # for life, so keeping it if the rest fails leaves no gap.
    number = allocate_certificate_number(teacher=teacher)
    with transaction.atomic():
        return _issue(
            teacher=teacher,
            number=number,
            kind=kind,
            period=period,
            policy_version=policy_version,
            issued_on=issued_on,
            content={
                "policy_code": policy_code,
                "credits_by_category": rows,
                "total_credits": total,
                "issuing_bureau": issuing_bureau,
            },
            by=by,
        )


def _issue(*, teacher, number, kind, period, policy_version, issued_on, content, by):
    """Return the unchanged certificate, or issue the next version (inside a transaction)."""
    teacher = (
        Teacher.objects.select_related("school").select_for_update(of=("self",)).get(pk=teacher.pk)
    )
    content = {**content, "teacher_name": teacher.name}
    latest = (
        Certificate.objects.filter(teacher=teacher, kind=kind, period=period)
        .select_for_update()
        .order_by("-version")
        .first()
    )
    if (
        latest is not None
        and latest.status != CertificateStatus.SUPERSEDED
        and _same_content(latest, content)
    ):
        return latest
    certificate = Certificate(
        teacher=teacher,
        number=number,
        kind=kind,
        period=period,
        policy_version=policy_version,
        issued_on=issued_on,
        masked_id_number=teacher.masked_id_number,
        school_name=teacher.school.name,
        version=latest.version + 1 if latest else 1,
        **content,
    )
    if latest is not None and latest.status == CertificateStatus.ISSUED:
        latest.status = CertificateStatus.SUPERSEDED
        _save(latest, by=by, reason=_("更正：由新版本取代"))
    certificate.full_clean(exclude=["pdf", "pdf_sha256"])
    _save(certificate, by=by, reason=_("签发"))
    if latest is not None and latest.superseded_by_id is None:
        latest.superseded_by = certificate
        _save(latest, by=by, reason=_("更正：由新版本取代"))
    _attach_pdf(certificate, by=by)
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, reason: str, by) -> Certificate:
    """Revoke a certificate in force; the row stays, with when, why and by whom."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateRevokeReasonMissing()
    locked = (
        Certificate.objects.restrict(by, "revoke")
        .select_related("number")
        .select_for_update(of=("self",))
        .filter(pk=certificate.pk)
        .first()
    )
    if locked is None:
        raise CertificateNotPermitted(number=certificate.number.number)
    if locked.status != CertificateStatus.ISSUED:
        raise CertificateNotRevocable(
            number=locked.number.number,
            period=locked.period,
            version=locked.version,
            status=locked.get_status_display(),
        )
    locked.status = CertificateStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoke_reason = reason[:200]
    locked.revoked_by = by
    _save(locked, by=by, reason=_("撤销：%(reason)s") % {"reason": reason})
    return locked


@transaction.atomic
def withdraw_certificate(*, certificate: Certificate, reason: str) -> Certificate | None:
    """Revoke a certificate for the audit, with no officer: its ledger no longer backs it.

    Returns the revoked certificate, or None when it was no longer in force (another run got
    there first). History records the reason and no user: the audit did it.
    """
    locked = (
        Certificate.objects.select_related("number", "teacher__user")
        .select_for_update(of=("self",))
        .filter(pk=certificate.pk, status=CertificateStatus.ISSUED)
        .first()
    )
    if locked is None:
        return None
    locked.status = CertificateStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoke_reason = reason[:200]
    _save(locked, by=None, reason=_("撤销：%(reason)s") % {"reason": reason})
    return locked


def tell_teacher_of_correction(certificate: Certificate, *, replaced: Certificate | None) -> int:
    """Tell the teacher (their account, if any) that a certificate changed and how.

    `replaced` is the version `certificate` superseded, or None when `certificate` itself
    was revoked. Told once per certificate version (the notice's event key).
    """
    user_id = Teacher.objects.filter(pk=certificate.teacher_id).values_list("user_id", flat=True)
    user_id = next(iter(user_id), None)
    if user_id is None:
        return 0
    label = certificate.get_kind_display()
    if replaced is not None:
        message = Message(
            recipient_id=user_id,
            kind=NoticeKind.CERTIFICATE_CORRECTED,
            title=_("您的%(kind)s已更正") % {"kind": label},
            body=_(
                "学分变更后，%(kind)s（%(period)s，编号 %(number)s）已重新签发为第 %(new)d 版，"
                "总学分 %(total)s。原第 %(old)d 版已作废，请下载新版本。"
            )
            % {
                "kind": label,
                "period": certificate.period,
                "number": certificate.number.number,
                "new": certificate.version,
                "old": replaced.version,
                "total": certificate.total_credits,
            },
            event_key=f"certificate:{certificate.pk}:issued",
            link=reverse("certificates:my_progress"),
        )
    else:
        message = Message(
            recipient_id=user_id,
            kind=NoticeKind.CERTIFICATE_REVOKED,
            title=_("您的%(kind)s已撤销") % {"kind": label},
            body=_(
                "%(kind)s（%(period)s，编号 %(number)s，第 %(version)d 版）已撤销：%(reason)s。"
                "补足学分后将重新签发。"
            )
            % {
                "kind": label,
                "period": certificate.period,
                "number": certificate.number.number,
                "version": certificate.version,
                "reason": certificate.revoke_reason,
            },
            event_key=f"certificate:{certificate.pk}:revoked",
            link=reverse("certificates:my_progress"),
        )
    return tell([message])


def _attach_pdf(certificate: Certificate, *, by) -> None:
    """Render the certificate's PDF, store it under MEDIA_ROOT and record its SHA-256."""
    from .pdf import render_certificate_pdf  # WeasyPrint loads native libraries: import late

    content = render_certificate_pdf(certificate, verify_url=verification_url_for(certificate))
    name = (
        f"{certificate.number.number}/{certificate.kind}-{certificate.period}"
        f"-v{certificate.version}.pdf"
    )
    certificate.pdf.save(name, ContentFile(content), save=False)
    certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
    _save(certificate, by=by, reason=_("生成PDF"))


def _save(instance, *, by, reason: str) -> None:
    instance._history_user = by
    instance._change_reason = reason
    instance.save()


def _same_content(certificate: Certificate, content: Mapping) -> bool:
    return (
        certificate.policy_code == content["policy_code"]
        and certificate.credit_rows
        == [CreditRow.from_stored(line) for line in content["credits_by_category"]]
        and certificate.total_credits == content["total_credits"]
        and certificate.issuing_bureau == content["issuing_bureau"]
        and certificate.teacher_name == content["teacher_name"]
    )


def _credit_rows(lines) -> list[list[str]]:
    """Return the stored lines in the order given, checking each value.

    `lines` is a mapping label → credits (every line a category) or a sequence of lines
    with `label`, `credits` and `role` (`credits.rules.StatementLine`, `CreditRow`).
    """
    if isinstance(lines, Mapping):
        lines = [CreditRow(str(label), credits) for label, credits in lines.items()]
    rows = []
    for line in lines:
        row = CreditRow(str(line.label), _credits(str(line.label), line.credits), str(line.role))
        if row.role not in CREDIT_ROW_ROLES:
            raise CertificateCreditsInvalid(label=row.label, credits=line.credits)
        rows.append(row.stored())
    return rows


def _credits(label: str, value) -> Decimal:
    try:
        credits = Decimal(str(value))
    except InvalidOperation:
        raise CertificateCreditsInvalid(label=label, credits=value) from None
    if not credits.is_finite() or credits < 0 or credits != credits.quantize(_CENTS):
        raise CertificateCreditsInvalid(label=label, credits=value)
    return credits.quantize(_CENTS)


def _check_period(*, kind: str, period: str) -> None:
    """A cycle is "2024-2028" (end after start); a school year is "2024-2025" (one year)."""
    match = _PERIOD.match(period or "")
    if kind == CertificateKind.CYCLE:
        if not match or int(match[2]) <= int(match[1]):
            raise CertificatePeriodInvalid(
                kind=CertificateKind.CYCLE.label, period=period, expected="“2024-2028”"
            )
    elif kind == CertificateKind.YEAR:
        if not match or int(match[2]) != int(match[1]) + 1:
            raise CertificatePeriodInvalid(
                kind=CertificateKind.YEAR.label, period=period, expected="“2024-2025”"
            )
    else:
        raise CertificatePeriodInvalid(kind=kind, period=period, expected="cycle / year")


def issuing_bureau_for(county) -> str:
    """Name the bureau that issues a county's certificates (县级教育局认定, 004 五(三))."""
    return _("%(prefecture)s%(county)s教育局") % {
        "prefecture": county.parent.name if county.parent else "",
        "county": county.name,
    }


def issue_year_proof(*, teacher: Teacher, school_year: str, as_of: datetime.date, by=None):
    """Issue the proof of one complete school year (学年学分证明), on request.

    004 六(三) 每学年 18 学分 is a precondition for title review, so a teacher asks for the
    proof of a year when they need it; asking again returns the same certificate.
    """
    view = teacher_progress(teacher, as_of=as_of)
    year = next((y for y in view.progress.years if y.year == school_year), None)
    if year is None or not (year.is_complete and year.is_owed):
        raise SchoolYearNotComplete(year=school_year)
    labels = {row.key: row.label for row in view.policy.requirements.all() if row.scope == "year"}
    credits = {labels.get(k, k): v for k, v in year.counted.items() if k != "total"}
    return issue_certificate(
        teacher=teacher,
        kind=CertificateKind.YEAR,
        period=school_year,
        policy_code=view.policy.code,
        policy_version=view.policy.version,
        credits_by_category=credits,
        total=year.counted.get("total", sum(year.counted.values())),
        issuing_bureau=issuing_bureau_for(teacher.school.county),
        issued_on=as_of,
        by=by,
    )


ORPHAN_PDF_GRACE = datetime.timedelta(hours=1)


def purge_orphan_certificate_pdfs(
    *, older_than: datetime.timedelta = ORPHAN_PDF_GRACE, batch: int = 1000
) -> int:
    """Delete certificate PDFs that no certificate refers to; return how many.

    A PDF is written before its certificate's transaction commits (its SHA-256 goes into the
    row), so an issue that rolls back — a failure later in the same transaction — leaves the
    file behind. Files younger than `older_than` are kept: their transaction may still be open.
    Names are checked against the table `batch` at a time, so memory does not grow with the
    number of certificates.
    """
    storage = Certificate._meta.get_field("pdf").storage
    cutoff = timezone.now() - older_than
    deleted = 0
    for names in _batches(_files_under(storage, "certificates"), batch):
        known = set(Certificate.objects.filter(pdf__in=names).values_list("pdf", flat=True))
        for name in names:
            if name not in known and storage.get_modified_time(name) < cutoff:
                storage.delete(name)
                deleted += 1
    return deleted


def _files_under(storage, top: str):
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{top}/{name}"
    for directory in sorted(directories):
        yield from _files_under(storage, f"{top}/{directory}")


def _batches(items, size: int):
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
