"""Reads of the certificates app: public verification and the signed codes behind it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .models import Certificate, CertificateStatus
from .numbers import is_well_formed, normalize_number

# The salt keeps these signatures from being valid anywhere else SECRET_KEY signs things.
VERIFY_SALT = "certificates.verify"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def _signer() -> signing.Signer:
    # "." separates value and signature, so the code needs no escaping in a URL.
    return signing.Signer(salt=VERIFY_SALT, sep=".")


def verification_code_for(certificate: Certificate) -> str:
    """Return the signed code printed in the certificate's QR code ("17.Xa9…")."""
    return _signer().sign(str(certificate.pk))


def certificate_pk_from_code(code: str) -> int | None:
    """Return the certificate id a code was signed for, or None if it is not a valid code."""
    try:
        value = _signer().unsign(code or "")
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def verification_path_for(certificate: Certificate) -> str:
    """Return the verification page's path with the signed code, as the QR code links it."""
    path = reverse("certificates:verify", args=[certificate.number.number])
    return f"{path}?{urlencode({'code': verification_code_for(certificate)})}"


def verification_url_for(certificate: Certificate) -> str:
    """Return the absolute verification URL printed in the QR code.

    Certificates are issued by the nightly audit, where there is no request to build the host
    from, so the public address comes from settings.PUBLIC_BASE_URL.
    """
    base = getattr(settings, "PUBLIC_BASE_URL", "") or DEFAULT_PUBLIC_BASE_URL
    return base.rstrip("/") + verification_path_for(certificate)


def mask_name(name: str) -> str:
    """Hide a name's middle: 张三华 → 张*华, 欧阳明华 → 欧**华, 张三 → 张*; never the full name."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


@dataclass(frozen=True)
class CertificateContent:
    """What the verification page shows of one certificate once its signed code checks out."""

    kind_label: str
    period: str
    version: int
    status: str
    status_label: str
    credit_rows: list[tuple[str, Decimal]]
    total_credits: Decimal
    issuing_bureau: str
    issued_on: datetime.date
    pdf_sha256: str
    revoked_on: datetime.date | None
    superseded_by_version: int | None
    # The version in force now (the end of the chain of corrections), with its signed link.
    current_version: int | None = None
    current_url: str = ""


@dataclass(frozen=True)
class Verification:
    """The answer to "is this certificate number genuine?", without any full name or ID."""

    number: str
    is_found: bool
    masked_name: str = ""
    status: str = ""  # the number's status: issued (some certificate valid) or revoked
    status_label: str = ""
    revoked_on: datetime.date | None = None
    code_given: bool = False
    code_valid: bool = False
    certificate: CertificateContent | None = None
    certificates_in_force: int = 0


def verification_for(*, number: str, code: str | None = None) -> Verification:
    """Return what the public may learn about a certificate number (two queries at most).

    A bare number gives only the status and the masked name: numbers are sequential, so
    anyone can guess one. A valid signed code (from the QR code) adds the content of the one
    certificate it was signed for, and the SHA-256 of its PDF.
    """
    number = normalize_number(number)
    code_given = bool(code)
    if not is_well_formed(number):
        return Verification(number=number, is_found=False, code_given=code_given)
    certificates = list(
        Certificate.objects.filter(number__number=number)
        .select_related("superseded_by")
        .order_by("-issued_on", "-created_at", "-pk")
    )
    if not certificates:
        return Verification(number=number, is_found=False, code_given=code_given)
    latest = certificates[0]
    in_force = [c for c in certificates if c.status == CertificateStatus.ISSUED]
    if in_force:
        status = CertificateStatus.ISSUED
        revoked_on = None
    elif latest.status == CertificateStatus.REVOKED:
        status = CertificateStatus.REVOKED
        revoked_on = _local_date(latest.revoked_at)
    else:
        status = latest.status
        revoked_on = None
    pk = certificate_pk_from_code(code) if code_given else None
    signed = next((c for c in certificates if c.pk == pk), None)
    return Verification(
        number=number,
        is_found=True,
        masked_name=mask_name((in_force[0] if in_force else latest).teacher_name),
        status=status,
        status_label=str(CertificateStatus(status).label),
        revoked_on=revoked_on,
        code_given=code_given,
        code_valid=signed is not None,
        certificate=_content(signed) if signed is not None else None,
        certificates_in_force=len(in_force),
    )


def _current_of(certificate: Certificate) -> Certificate | None:
    """Follow `superseded_by` to the version that replaced all others (None if none did)."""
    current = certificate.superseded_by
    for _hop in range(50):  # versions are few; the bound only guards against a cycle
        if current is None or current.superseded_by_id is None:
            return current
        current = Certificate.objects.select_related("superseded_by").get(
            pk=current.superseded_by_id
        )
    return current


def _content(certificate: Certificate) -> CertificateContent:
    revoked = certificate.status == CertificateStatus.REVOKED
    successor = certificate.superseded_by
    current = _current_of(certificate) if successor is not None else None
    return CertificateContent(
        kind_label=str(certificate.get_kind_display()),
        period=certificate.period,
        version=certificate.version,
        status=certificate.status,
        status_label=str(certificate.get_status_display()),
        # A revoked certificate proves nothing: its credits are not shown.
        credit_rows=[] if revoked else certificate.credit_rows,
        total_credits=certificate.total_credits,
        issuing_bureau=certificate.issuing_bureau,
        issued_on=certificate.issued_on,
        pdf_sha256=certificate.pdf_sha256,
        revoked_on=_local_date(certificate.revoked_at) if revoked else None,
        superseded_by_version=successor.version if successor is not None else None,
        current_version=current.version if current is not None else None,
        current_url=verification_path_for(current) if current is not None else "",
    )


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None
