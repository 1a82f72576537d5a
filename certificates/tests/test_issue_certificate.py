"""issue_certificate and revoke_certificate: frozen certificates, versions, revocation."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.errors import (
    CertificateCodeMissing,
    CertificateCreditsInvalid,
    CertificateNotPermitted,
    CertificateNotRevocable,
    CertificatePeriodInvalid,
    CertificateRevokeReasonMissing,
)
from certificates.models import Certificate, CertificateKind, CertificateNumber, CertificateStatus
from certificates.services import revoke_certificate
from institutions.choices import Role
from institutions.tests.factories import CountyFactory, SchoolFactory, UserFactory
from trainees.tests.factories import TeacherFactory

from .factories import CYCLE_CREDITS, issue

YEAR_CREDITS = {
    "必修课程": Decimal("12.00"),
    "选修课程": Decimal("2.00"),
    "校本研修课程": Decimal("4.50"),
}


@pytest.fixture
def teacher(annex):
    return TeacherFactory(school=annex.kashgar_junior, name="张三华")


@pytest.fixture
def revoker(db):
    """A superuser: no role is granted certificates.revoke_certificate by default."""
    return UserFactory(username="revoker", is_superuser=True, is_staff=True)


@pytest.mark.django_db
def test_first_issue_allocates_the_number_and_freezes_the_content(teacher):
    """The first certificate allocates the number and stores what was issued, with its PDF."""
    # when
    certificate = issue(teacher)
    # then
    assert certificate.number.number == "130120001"
    assert certificate.number == CertificateNumber.objects.get(teacher=teacher)
    assert (certificate.kind, certificate.period, certificate.version) == ("cycle", "2024-2028", 1)
    assert certificate.status == CertificateStatus.ISSUED
    assert [row[:2] for row in certificate.credit_rows] == list(CYCLE_CREDITS.items())  # in order
    assert certificate.total_credits == Decimal("92.50")
    assert (certificate.teacher_name, certificate.school_name) == ("张三华", "喀什市第一初级中学")
    assert certificate.masked_id_number == teacher.masked_id_number
    assert certificate.pdf.name.endswith("130120001/cycle-2024-2028-v1.pdf")
    with certificate.pdf.open("rb") as pdf:
        assert hashlib.sha256(pdf.read()).hexdigest() == certificate.pdf_sha256


@pytest.mark.django_db
def test_rerun_with_the_same_content_is_a_no_op(teacher):
    """The nightly audit may run again, on another day or policy version: nothing is reissued."""
    # given
    first = issue(teacher)
    # when
    again = issue(
        teacher,
        issued_on=datetime.date(2029, 1, 5),
        policy_version=2,
        credits_by_category={
            k: Decimal(str(v)) + Decimal("0.000") for k, v in CYCLE_CREDITS.items()
        },
    )
    # then
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    assert again.pdf_sha256 == first.pdf_sha256
    assert again.issued_on == datetime.date(2028, 12, 31)


@pytest.mark.django_db
def test_changed_content_issues_a_new_version_that_supersedes_the_old(teacher):
    """A correction is version + 1; the old one stays, marked superseded, pointing to it."""
    # given
    first = issue(teacher)
    corrected = {**CYCLE_CREDITS, "选修课程": Decimal("12.00")}
    # when
    second = issue(teacher, credits_by_category=corrected, total=Decimal("94.50"))
    # then
    first.refresh_from_db()
    assert second.version == 2
    assert second.number_id == first.number_id  # the same number for life
    assert second.status == CertificateStatus.ISSUED
    assert first.status == CertificateStatus.SUPERSEDED
    assert first.superseded_by == second
    assert second.pdf_sha256 != first.pdf_sha256
    assert Certificate.objects.in_force().get(teacher=teacher) == second
    assert first.total_credits == Decimal("92.50")  # the old content is never edited


@pytest.mark.django_db
def test_cycle_certificate_and_yearly_proofs_are_separate(teacher):
    """Each school year has its own proof (004 六(三)); they share the teacher's one number."""
    # when
    cycle = issue(teacher)
    year1 = issue(
        teacher,
        kind=CertificateKind.YEAR,
        period="2024-2025",
        credits_by_category=YEAR_CREDITS,
        total=Decimal("18.50"),
    )
    year2 = issue(
        teacher,
        kind=CertificateKind.YEAR,
        period="2025-2026",
        credits_by_category=YEAR_CREDITS,
        total=Decimal("18.50"),
    )
    # then
    assert {c.version for c in (cycle, year1, year2)} == {1}
    assert {c.number.number for c in (cycle, year1, year2)} == {"130120001"}
    assert Certificate.objects.in_force().count() == 3


@pytest.mark.django_db
def test_teacher_who_moved_keeps_the_number_on_later_certificates(annex, teacher):
    """The yearly proof after a move carries the number of first issue (一人一号)."""
    # given
    issue(
        teacher,
        kind=CertificateKind.YEAR,
        period="2024-2025",
        credits_by_category=YEAR_CREDITS,
        total=Decimal("18.50"),
    )
    teacher.school = annex.gaochang_senior
    teacher.save()
    # when
    later = issue(
        teacher,
        kind=CertificateKind.YEAR,
        period="2025-2026",
        credits_by_category=YEAR_CREDITS,
        total=Decimal("18.50"),
        issuing_bureau="高昌区教育局",
    )
    # then
    assert later.number.number == "130120001"
    assert later.school_name == "高昌区企业高中"


@pytest.mark.django_db
def test_issue_records_history_with_the_issuer(teacher, revoker):
    """Who issued and who superseded shows in the history (django-simple-history)."""
    # when
    certificate = issue(teacher, by=revoker)
    # then
    latest = certificate.history.latest()
    assert latest.history_user == revoker
    assert certificate.history.filter(history_change_reason="签发").exists()


@pytest.mark.django_db
def test_revoking_keeps_the_row_with_time_reason_and_user(teacher, revoker):
    """A revoked certificate stays, with when, why and by whom."""
    # given
    certificate = issue(teacher)
    # when
    revoked = revoke_certificate(certificate=certificate, reason="学分材料造假", by=revoker)
    # then
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoke_reason == "学分材料造假"
    assert certificate.revoked_by == revoker
    assert timezone.now() - certificate.revoked_at < datetime.timedelta(minutes=1)
    assert revoked.pk == certificate.pk
    assert certificate.history.latest().history_user == revoker


@pytest.mark.django_db
def test_a_rerun_does_not_revive_a_revoked_certificate(teacher, revoker):
    """The same content again returns the revoked certificate; only a change issues anew."""
    # given
    certificate = issue(teacher)
    revoke_certificate(certificate=certificate, reason="学分材料造假", by=revoker)
    # when
    again = issue(teacher)
    # then
    assert again.pk == certificate.pk
    assert again.status == CertificateStatus.REVOKED
    # when the ledger was corrected
    corrected = issue(
        teacher, credits_by_category={"必修课程（公共课）": Decimal("15")}, total=Decimal("15")
    )
    # then
    certificate.refresh_from_db()
    assert corrected.version == 2
    assert corrected.status == CertificateStatus.ISSUED
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.superseded_by == corrected


@pytest.mark.django_db
def test_only_a_certificate_in_force_can_be_revoked(teacher, revoker):
    """Revoking twice, or revoking a superseded version, is refused in Chinese."""
    # given
    first = issue(teacher)
    issue(teacher, total=Decimal("93.00"))
    # when / then
    with pytest.raises(CertificateNotRevocable, match="已被更正版本取代"):
        revoke_certificate(certificate=first, reason="重复", by=revoker)
    second = Certificate.objects.in_force().get(teacher=teacher)
    revoke_certificate(certificate=second, reason="撤销", by=revoker)
    with pytest.raises(CertificateNotRevocable, match="已撤销"):
        revoke_certificate(certificate=second, reason="再次撤销", by=revoker)


@pytest.mark.django_db
def test_revoking_needs_a_reason(teacher, revoker):
    """An empty reason is refused and nothing changes."""
    certificate = issue(teacher)
    with pytest.raises(CertificateRevokeReasonMissing, match="原因"):
        revoke_certificate(certificate=certificate, reason="  ", by=revoker)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED


@pytest.mark.django_db
def test_officer_without_the_revoke_permission_cannot_revoke(world):
    """Roles get view_certificate only; revoking needs certificates.revoke_certificate."""
    # given
    world.C1.certificate_code = "01"
    world.C1.save()
    certificate = issue(world.T1)
    officer = world.users[Role.COUNTY_OFFICER]
    # when / then
    with pytest.raises(CertificateNotPermitted, match=certificate.number.number):
        revoke_certificate(certificate=certificate, reason="测试", by=officer)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED


@pytest.mark.parametrize(
    ("kind", "period"),
    [
        (CertificateKind.CYCLE, "2028-2024"),
        (CertificateKind.CYCLE, "2024"),
        (CertificateKind.YEAR, "2024-2026"),
        (CertificateKind.YEAR, "2024/2025"),
        ("decade", "2020-2030"),
    ],
)
@pytest.mark.django_db
def test_malformed_period_is_refused(teacher, kind, period):
    """A cycle is "2024-2028", a school year "2024-2025"; nothing is written otherwise."""
    with pytest.raises(CertificatePeriodInvalid, match="格式不对"):
        issue(teacher, kind=kind, period=period)
    assert not CertificateNumber.objects.exists()


@pytest.mark.parametrize("credits", [Decimal("-1"), Decimal("1.005"), "十二", Decimal("NaN")])
@pytest.mark.django_db
def test_negative_or_unrounded_credits_are_refused(teacher, credits):
    """Credits arrive rounded by the credit rules (0.01); anything else is a caller's bug."""
    with pytest.raises(CertificateCreditsInvalid, match="选修课程"):
        issue(teacher, credits_by_category={**CYCLE_CREDITS, "选修课程": credits})
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_teacher_in_an_uncoded_county_gets_no_certificate(annex):
    """No number, no certificate: the missing code is named, nothing is written."""
    county = CountyFactory(parent=annex.kashgar, code="653198", certificate_code="")
    teacher = TeacherFactory(school=SchoolFactory(county=county))
    with pytest.raises(CertificateCodeMissing):
        issue(teacher)
    assert not Certificate.objects.exists()
