"""Corrections of approved credits, end to end: the ledger posts reversals, the teacher is
told, and the next audit reissues or revokes the certificate (issue: daily work)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from audit.county import audit_county
from certificates.models import Certificate, CertificateStatus
from certificates.selectors import verification_path_for
from credits.errors import (
    CorrectionReasonRequired,
    NothingToCorrect,
    RecordsNotCorrectable,
    RecordsNotFound,
)
from credits.models import CreditLedgerEntry, EntryType
from credits.services import approve_records, correct_credits, withdraw_credits
from institutions.choices import Role, SchoolType
from institutions.tests.factories import (
    CountyFactory,
    PrefectureFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from notices.models import Notice, NoticeKind
from projects.choices import Category, Grade, Mode, RecordStatus, Tier
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 11, 20)


@pytest.fixture
def county_world():
    """A Kashgar county with one complete teacher (with an account) and its officer."""
    region = RegionFactory()
    prefecture = PrefectureFactory(code="653100", parent=region, name="喀什地区")
    prefecture.certificate_code = "13"
    prefecture.save()
    county = CountyFactory(parent=prefecture, code="653101", name="喀什市")
    county.certificate_code = "01"
    county.save()
    other = CountyFactory(parent=prefecture, code="653121", name="疏附县")
    school = SchoolFactory(county=county, school_type=SchoolType.JUNIOR, name="喀什市第二中学")
    user = UserFactory(role=Role.TEACHER, username="t-corr")
    teacher = TeacherFactory(school=school, user=user, hired_on=datetime.date(2010, 9, 1))
    officer = UserFactory(role=Role.COUNTY_OFFICER, unit=county, username="c-corr")
    records = {}
    for key, mode, category, hours, day in [
        ("public", Mode.CENTRALIZED, Category.COMPULSORY_PUBLIC, 80, datetime.date(2024, 10, 8)),
        (
            "professional",
            Mode.CENTRALIZED,
            Category.COMPULSORY_PROFESSIONAL,
            200,
            datetime.date(2025, 3, 3),
        ),
        ("elective", Mode.ONLINE, Category.ELECTIVE, 75, datetime.date(2025, 11, 3)),
        ("school", Mode.SCHOOL_BASED, Category.SCHOOL_BASED, 125, datetime.date(2026, 5, 11)),
    ]:
        project = TrainingProjectFactory(
            name=f"{key}项目",
            tier=Tier.COUNTY,
            issuing_unit=county,
            mode=mode,
            category=category,
            hours=Decimal(hours),
            starts_on=day - datetime.timedelta(days=4),
            ends_on=day,
        )
        records[key] = TrainingRecordFactory(
            teacher=teacher,
            project=project,
            hours=Decimal(hours),
            grade=Grade.PASS,
            completed_on=day,
            status=RecordStatus.DECLARED,
        )
    approve_records(by=officer, record_ids=[r.pk for r in records.values()])
    audit_county(county_id=county.pk, as_of=AS_OF)
    return {
        "county": county,
        "other": other,
        "teacher": teacher,
        "user": user,
        "officer": officer,
        "records": records,
    }


def _net(record) -> Decimal:
    return CreditLedgerEntry.objects.filter(record=record).aggregate(s=Sum("credits"))["s"]


def _cycle_certificates(teacher):
    return list(Certificate.objects.filter(teacher=teacher, kind="cycle").order_by("version"))


def test_a_correction_reverses_and_reposts_keeps_the_record_approved_and_tells_the_teacher(
    county_world,
):
    w = county_world
    record = w["records"]["professional"]
    before = _net(record)
    result = correct_credits(
        by=w["officer"], record_id=record.pk, reason="考勤核对后学时有误", hours=Decimal("160")
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    assert record.hours == Decimal("160")
    assert (result.credits_before, result.credits_after) == (before, _net(record))
    assert result.credits_after < before
    entries = list(CreditLedgerEntry.objects.filter(record=record).order_by("pk"))
    # The ledger never edits: the first posting stands, a reversal cancels it, a new posting.
    assert [e.entry_type for e in entries] == [
        EntryType.POSTING,
        EntryType.REVERSAL,
        EntryType.POSTING,
    ]
    assert entries[1].reverses_id == entries[0].pk
    assert {e.reason for e in entries[1:]} == {"考勤核对后学时有误"}
    assert {e.posted_by_id for e in entries[1:]} == {w["officer"].pk}
    latest = record.history.latest()
    assert latest.history_user_id == w["officer"].pk
    assert "考勤核对后学时有误" in latest.history_change_reason
    notice = Notice.objects.get(recipient=w["user"], kind=NoticeKind.CREDITS_CORRECTED)
    assert str(before) in notice.body
    assert str(result.credits_after) in notice.body
    assert "考勤核对后学时有误" in notice.body


def test_a_correction_needs_a_reason_a_change_an_approved_record_and_the_approving_officer(
    county_world,
):
    w = county_world
    record = w["records"]["professional"]
    entries = CreditLedgerEntry.objects.count()
    with pytest.raises(CorrectionReasonRequired):
        correct_credits(by=w["officer"], record_id=record.pk, reason="  ", hours=Decimal(1))
    with pytest.raises(NothingToCorrect):
        correct_credits(by=w["officer"], record_id=record.pk, reason="核对", hours=record.hours)
    stranger = UserFactory(role=Role.COUNTY_OFFICER, unit=w["other"])
    with pytest.raises(RecordsNotFound):
        correct_credits(by=stranger, record_id=record.pk, reason="核对", hours=Decimal(1))
    with pytest.raises(Exception, match="请假学时"):  # leave above hours: refused, named
        correct_credits(
            by=w["officer"], record_id=record.pk, reason="核对", leave_hours=Decimal(500)
        )
    draft = TrainingRecordFactory(teacher=w["teacher"], status=RecordStatus.DRAFT)
    with pytest.raises(RecordsNotCorrectable):
        correct_credits(by=w["officer"], record_id=draft.pk, reason="核对", hours=Decimal(1))
    assert CreditLedgerEntry.objects.count() == entries  # nothing half-written
    assert not Notice.objects.exists()


def test_withdrawn_credits_supersede_the_certificate_at_the_next_audit_and_verify_links_it(
    client, county_world
):
    w = county_world
    (first,) = _cycle_certificates(w["teacher"])
    assert first.status == CertificateStatus.ISSUED
    withdraw_credits(by=w["officer"], record_ids=[w["records"]["elective"].pk], reason="重复登记")
    assert TrainingRecord.objects.get(pk=w["records"]["elective"].pk).status == "rejected"
    assert Notice.objects.filter(recipient=w["user"], kind=NoticeKind.CREDITS_WITHDRAWN).exists()
    report = audit_county(county_id=w["county"].pk, as_of=AS_OF)
    assert report.certificates_issued == 1
    old, new = _cycle_certificates(w["teacher"])
    assert (old.status, new.status) == (CertificateStatus.SUPERSEDED, CertificateStatus.ISSUED)
    assert old.superseded_by_id == new.pk
    assert new.version == 2
    assert new.total_credits < old.total_credits
    # The new table still adds up; the elective requirement is now met by offset (004 五(一)).
    summed = sum(row.credits for row in new.credit_rows if row.is_summed)
    assert summed == new.total_credits
    assert any(row.role == "offset" and "选修" in row.label for row in new.credit_rows)
    notice = Notice.objects.get(recipient=w["user"], kind=NoticeKind.CERTIFICATE_CORRECTED)
    assert "第 2 版" in notice.body
    # Verifying the old version's code says it was replaced and links the current one.
    page = client.get(verification_path_for(old)).content.decode()
    assert "已被更正" in page
    assert verification_path_for(new) in page
    assert "证书有效" in client.get(verification_path_for(new)).content.decode()
    # A second night with no change issues nothing and tells nobody again.
    again = audit_county(county_id=w["county"].pk, as_of=AS_OF)
    assert again.certificates_issued == 0
    assert len(_cycle_certificates(w["teacher"])) == 2
    assert Notice.objects.filter(kind=NoticeKind.CERTIFICATE_CORRECTED).count() == 1


def test_a_certificate_whose_credits_fall_below_the_requirement_is_revoked_and_the_teacher_told(
    county_world,
):
    w = county_world
    withdraw_credits(
        by=w["officer"],
        record_ids=[w["records"]["school"].pk, w["records"]["elective"].pk],
        reason="培训未实际参加",
    )
    audit_county(county_id=w["county"].pk, as_of=AS_OF)
    (only,) = _cycle_certificates(w["teacher"])
    assert only.status == CertificateStatus.REVOKED
    assert only.revoked_by is None
    assert "未达到要求" in only.revoke_reason
    assert Notice.objects.filter(recipient=w["user"], kind=NoticeKind.CERTIFICATE_REVOKED).exists()
    audit_county(county_id=w["county"].pk, as_of=AS_OF)  # idempotent
    assert Notice.objects.filter(kind=NoticeKind.CERTIFICATE_REVOKED).count() == 1


def test_the_record_page_the_ledger_and_the_api_correct_and_withdraw(client, county_world):
    w = county_world
    record = w["records"]["professional"]
    client.force_login(w["officer"])
    detail = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "更正或撤销认定" in detail
    # A correction without a reason is refused with the reason named, nothing written.
    url = reverse("records:correct", args=[record.pk])
    body = {
        "hours": "160",
        "leave_hours": "0",
        "grade": "pass",
        "role": "trainee",
        "completed_on": "2025-03-03",
    }
    page = client.post(url, body)
    assert page.status_code == 200
    assert "请填写更正原因" in page.content.decode()
    assert CreditLedgerEntry.objects.filter(record=record).count() == 1
    response = client.post(url, {**body, "reason": "学时有误"})
    assert response.status_code == 302
    assert CreditLedgerEntry.objects.filter(record=record).count() == 3
    # Bulk from the ledger: two ticked records, one reason.
    ledger = client.get(reverse("credits:ledger")).content.decode()
    assert 'name="record_ids"' in ledger
    ids = [w["records"]["public"].pk, w["records"]["school"].pk]
    client.post(reverse("records:withdraw"), {"record_ids": ids, "reason": ""})
    assert TrainingRecord.objects.filter(pk__in=ids, status="approved").count() == 2
    client.post(reverse("records:withdraw"), {"record_ids": ids, "reason": "重复登记"})
    assert TrainingRecord.objects.filter(pk__in=ids, status="rejected").count() == 2
    # Over the API: the approving officer corrects; a prefecture officer gets 404 (one level).
    api = reverse("credits-api:record-correct", args=[record.pk])
    answer = client.post(
        api, {"reason": "再次核对", "hours": "200"}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["credits_after"] > answer.json()["credits_before"]
    prefecture = UserFactory(role=Role.PREFECTURE_OFFICER, unit=w["county"].parent)
    client.force_login(prefecture)
    withdraw = reverse("credits-api:record-withdraw", args=[record.pk])
    assert (
        client.post(withdraw, {"reason": "x"}, content_type="application/json").status_code == 404
    )
    # A school admin sees no correction controls and may not post one.
    admin = UserFactory(role=Role.SCHOOL_ADMIN, school=w["teacher"].school)
    client.force_login(admin)
    assert (
        "更正或撤销认定"
        not in client.get(reverse("records:detail", args=[record.pk])).content.decode()
    )
    assert client.post(withdraw, {"reason": "x"}, content_type="application/json").status_code in (
        403,
        404,
    )
