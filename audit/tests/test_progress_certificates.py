"""The progress page lists the teacher's certificates and issues yearly proofs on request."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.county import audit_county
from certificates.errors import SchoolYearNotComplete
from certificates.models import Certificate
from certificates.services import issue_year_proof
from credits.services import approve_records
from institutions.choices import Role
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def _year_of_credits(world, teacher):
    """12 + 2 + 4 in school year 2024-2025: 18 credits, the yearly minimum (004 六(三))."""
    plan = [
        (Category.COMPULSORY_PROFESSIONAL, Mode.CENTRALIZED, 48),  # 12 + 5% = 12.6
        (Category.ELECTIVE, Mode.CENTRALIZED, 8),  # 2 + 5% = 2.1
        (Category.SCHOOL_BASED, Mode.SCHOOL_BASED, 20),  # 4 + 5% = 4.2
    ]
    records = [
        TrainingRecordFactory(
            teacher=teacher,
            hours=Decimal(hours),
            completed_on=datetime.date(2025, 3, 5),
            project=TrainingProjectFactory(
                tier=Tier.REGION, issuing_unit=world.R, category=category, mode=mode, hours=hours
            ),
            status=RecordStatus.DECLARED,
        )
        for category, mode, hours in plan
    ]
    approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[r.pk for r in records])


def test_teacher_requests_a_yearly_proof_and_downloads_it(client, world, settings, tmp_path):
    """A complete school year offers a proof; after issuing, the page links its PDF."""
    settings.MEDIA_ROOT = tmp_path
    _year_of_credits(world, world.T1)
    client.force_login(world.users[Role.TEACHER])
    page = client.get(reverse("certificates:my_progress")).content.decode()
    assert "生成 2024-2025 学年学分证明" in page
    client.post(reverse("certificates:year_proof", args=[world.T1.pk, "2024-2025"]))
    proof = Certificate.objects.get(teacher=world.T1, kind="year")
    assert proof.period == "2024-2025"
    assert proof.total_credits == Decimal("18.90")
    page = client.get(reverse("certificates:my_progress")).content.decode()
    assert reverse("certificates:download", args=[proof.pk]) in page
    assert client.get(reverse("certificates:download", args=[proof.pk])).status_code == 200


def test_incomplete_year_has_no_proof(world):
    """A school year short of 18 credits cannot be proven."""
    with pytest.raises(SchoolYearNotComplete, match="2024-2025"):
        issue_year_proof(teacher=world.T1, school_year="2024-2025", as_of=datetime.date(2026, 1, 1))


def test_another_teacher_cannot_request_my_proof(client, world):
    """The yearly-proof URL of another teacher is a 404."""
    client.force_login(world.users[Role.TEACHER])
    url = reverse("certificates:year_proof", args=[world.T2.pk, "2024-2025"])
    assert client.post(url).status_code == 404


def test_cycle_certificate_appears_after_the_audit(client, world, settings, tmp_path):
    """The nightly audit's certificate shows on the teacher's page with its number."""
    settings.MEDIA_ROOT = tmp_path
    plan = [
        (Category.COMPULSORY_PUBLIC, 2),
        (Category.COMPULSORY_PROFESSIONAL, 4),
        (Category.ELECTIVE, 1),
    ]
    records = [
        TrainingRecordFactory(
            teacher=world.T1,
            project=TrainingProjectFactory(tier=Tier.REGION, issuing_unit=world.R, category=c),
            status=RecordStatus.DECLARED,
        )
        for c, n in plan
        for _ in range(n)
    ] + [
        TrainingRecordFactory(
            teacher=world.T1,
            hours=Decimal(50),
            project=TrainingProjectFactory(
                tier=Tier.REGION,
                issuing_unit=world.R,
                category=Category.SCHOOL_BASED,
                mode=Mode.SCHOOL_BASED,
                hours=50,
            ),
            status=RecordStatus.DECLARED,
        )
        for _ in range(2)
    ]
    approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[r.pk for r in records])
    audit_county(county_id=world.C1.pk, as_of=datetime.date(2026, 6, 30))
    client.force_login(world.users[Role.TEACHER])
    page = client.get(reverse("certificates:my_progress")).content.decode()
    certificate = Certificate.objects.get(teacher=world.T1, kind="cycle")
    assert certificate.number.number in page
    assert "继续教育学分证书 2024-2028" in page
