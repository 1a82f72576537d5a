"""Helpers that issue certificates through the service, with Xinjiang-shaped defaults."""

import datetime
from decimal import Decimal

from certificates.models import Certificate, CertificateKind
from certificates.services import issue_certificate

CYCLE_CREDITS = {
    "必修课程（公共课）": Decimal("16.00"),
    "必修课程（专业课）": Decimal("46.50"),
    "选修课程": Decimal("10.00"),
    "校本研修课程": Decimal("20.00"),
}


def issue(teacher, **overrides) -> Certificate:
    """Issue a 2024-2028 cycle certificate of 92.50 credits unless told otherwise."""
    values = {
        "kind": CertificateKind.CYCLE,
        "period": "2024-2028",
        "policy_code": "xinjiang-2024",
        "policy_version": 1,
        "credits_by_category": CYCLE_CREDITS,
        "total": Decimal("92.50"),
        "issuing_bureau": "喀什市教育局",
        "issued_on": datetime.date(2028, 12, 31),
    }
    values.update(overrides)
    return issue_certificate(teacher=teacher, **values)
