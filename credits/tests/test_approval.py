"""Register → declare → approve: credits frozen in the ledger, every step transactional."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from credits.errors import (
    ReasonRequired,
    RecordsNotApprovable,
    RecordsNotDeclarable,
    RecordsNotEditable,
    RecordsNotFound,
)
from credits.models import CreditLedgerEntry, EntryType
from credits.selectors import active_policy
from credits.services import (
    approve_records,
    create_policy_version,
    declare_records,
    enrol_teachers,
    publish_policy,
    register_training_record,
    reject_records,
    update_training_record,
    withdraw_credits,
)
from institutions.choices import Role
from institutions.tests.factories import (
    CountyFactory,
    PrefectureFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from projects.choices import Category, Mode, RecordStatus, ReviewStatus, Tier
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def xinjiang():
    """A Kashgar county with a school, its admin, its officer and a region-tier project."""
    region = RegionFactory()
    county = CountyFactory(parent=PrefectureFactory(code="653100", parent=region), code="653101")
    other_county = CountyFactory(parent=county.parent, code="653121")
    school = SchoolFactory(county=county)
    project = TrainingProjectFactory(
        tier=Tier.REGION,
        issuing_unit=region,
        mode=Mode.CENTRALIZED,
        category=Category.COMPULSORY_PUBLIC,
        hours=Decimal(40),
    )
    return {
        "county": county,
        "school": school,
        "project": project,
        "admin": UserFactory(role=Role.SCHOOL_ADMIN, school=school),
        "officer": UserFactory(role=Role.COUNTY_OFFICER, unit=county),
        "other_officer": UserFactory(role=Role.COUNTY_OFFICER, unit=other_county),
        "teacher": TeacherFactory(school=school),
    }


def _declared(x, **values):
    record = register_training_record(
        by=x["admin"],
        teacher=x["teacher"],
        project=x["project"],
        hours=values.pop("hours", Decimal(40)),
        grade=values.pop("grade", "excellent"),
        **values,
    )
    declare_records(by=x["admin"], record_ids=[record.pk])
    return record


def test_approval_posts_base_and_bonus_with_the_policy_version(xinjiang):
    """40 centralized hours, region tier, excellent: 10 + 15% = 11.5 (004 五(二)1-2)."""
    # given
    record = _declared(xinjiang)
    # when
    result = approve_records(by=xinjiang["officer"], record_ids=[record.pk])
    # then
    entry = CreditLedgerEntry.objects.get(record=record)
    assert (entry.base, entry.bonus, entry.credits) == (
        Decimal("10.00"),
        Decimal("1.50"),
        Decimal("11.50"),
    )
    assert result.approved == 1
    assert result.credits == Decimal("11.50")
    assert entry.policy == active_policy("xinjiang-2024")
    assert entry.school_year == "2024-2025"
    assert "40 学时 − 0 请假 = 40 学时 ÷ 4 = 10.00 学分" in entry.explanation
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    latest = record.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (xinjiang["officer"], "认定学分")


def test_leave_is_deducted_before_conversion(xinjiang):
    """40 h with 8 h leave at region tier, pass: 32 ÷ 4 = 8, +5% = 8.4 (004 五(二)1, 五(三))."""
    record = _declared(xinjiang, leave_hours=Decimal(8), grade="pass")
    approve_records(by=xinjiang["officer"], record_ids=[record.pk])
    assert CreditLedgerEntry.objects.get(record=record).credits == Decimal("8.40")


def test_a_batch_is_approved_whole_or_not_at_all(xinjiang):
    """One record that is not declared stops the batch; nothing is posted."""
    good = _declared(xinjiang)
    draft = TrainingRecordFactory(teacher__school=xinjiang["school"], project=xinjiang["project"])
    with pytest.raises(RecordsNotApprovable, match="1 条记录不能认定"):
        approve_records(by=xinjiang["officer"], record_ids=[good.pk, draft.pk])
    assert not CreditLedgerEntry.objects.exists()
    good.refresh_from_db()
    assert good.status == RecordStatus.DECLARED


def test_records_of_an_unapproved_project_are_not_approved(xinjiang):
    """004 六(二): a project the bureau has not approved earns no credits."""
    record = _declared(xinjiang)
    xinjiang["project"].review_status = ReviewStatus.SUBMITTED
    xinjiang["project"].save()
    with pytest.raises(RecordsNotApprovable):
        approve_records(by=xinjiang["officer"], record_ids=[record.pk])
    assert not CreditLedgerEntry.objects.exists()


def test_another_countys_officer_cannot_approve(xinjiang):
    """Guessing record ids of another county finds nothing to approve."""
    record = _declared(xinjiang)
    with pytest.raises(RecordsNotFound):
        approve_records(by=xinjiang["other_officer"], record_ids=[record.pk])
    record.refresh_from_db()
    assert record.status == RecordStatus.DECLARED


def test_a_later_policy_version_never_changes_recognised_credits(xinjiang):
    """Credits are frozen with the version that computed them (issue #5)."""
    record = _declared(xinjiang)
    approve_records(by=xinjiang["officer"], record_ids=[record.pk])
    v2 = create_policy_version(policy=active_policy("xinjiang-2024"))
    v2.hours_per_credit_centralized = Decimal(8)
    v2.save()
    publish_policy(policy=v2, by=None)
    entry = CreditLedgerEntry.objects.get(record=record)
    assert entry.credits == Decimal("11.50")
    assert entry.policy.version == 1


def test_rejection_needs_a_reason_and_returns_the_record_to_the_school(xinjiang):
    """A rejected record goes back with the reason; the school edits and declares again."""
    record = _declared(xinjiang)
    with pytest.raises(ReasonRequired):
        reject_records(by=xinjiang["officer"], record_ids=[record.pk], reason="  ")
    reject_records(by=xinjiang["officer"], record_ids=[record.pk], reason="缺少签到表")
    record.refresh_from_db()
    assert (record.status, record.reject_reason) == (RecordStatus.REJECTED, "缺少签到表")
    update_training_record(by=xinjiang["admin"], record=record, leave_hours=Decimal(4))
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    declare_records(by=xinjiang["admin"], record_ids=[record.pk])
    record.refresh_from_db()
    assert record.status == RecordStatus.DECLARED


def test_declared_records_cannot_be_edited_by_the_school(xinjiang):
    """Once declared, a record waits for the county; the school cannot change it."""
    record = _declared(xinjiang)
    with pytest.raises(RecordsNotEditable):
        update_training_record(by=xinjiang["admin"], record=record, hours=Decimal(80))


def test_records_without_a_grade_cannot_be_declared(xinjiang):
    """The institution's grade comes first (004 五(三) 考核等次由承训院校确定)."""
    record = register_training_record(
        by=xinjiang["admin"],
        teacher=xinjiang["teacher"],
        project=xinjiang["project"],
        hours=Decimal(40),
    )
    with pytest.raises(RecordsNotDeclarable, match="须已录入考核等次"):
        declare_records(by=xinjiang["admin"], record_ids=[record.pk])


def test_withdrawal_posts_a_reversal_and_nets_to_zero(xinjiang):
    """The ledger is append-only: withdrawing credits adds a negative entry."""
    record = _declared(xinjiang)
    approve_records(by=xinjiang["officer"], record_ids=[record.pk])
    withdraw_credits(by=xinjiang["officer"], record_ids=[record.pk], reason="重复登记")
    entries = CreditLedgerEntry.objects.filter(record=record).order_by("pk")
    assert [e.entry_type for e in entries] == [EntryType.POSTING, EntryType.REVERSAL]
    assert sum(e.credits for e in entries) == 0
    assert entries[1].reverses == entries[0]
    record.refresh_from_db()
    assert record.status == RecordStatus.REJECTED


def test_the_ledger_refuses_inconsistent_entries(xinjiang):
    """credits = base + bonus is a database constraint, not a convention."""
    record = _declared(xinjiang)
    approve_records(by=xinjiang["officer"], record_ids=[record.pk])
    entry = CreditLedgerEntry.objects.get(record=record)
    entry.pk = None
    entry.credits = Decimal(99)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()


def test_school_admin_registers_only_for_their_own_teachers(xinjiang):
    """A teacher of another school is out of reach, whatever id the form sends."""
    stranger = TeacherFactory()
    with pytest.raises(stranger.__class__.DoesNotExist):
        register_training_record(
            by=xinjiang["admin"], teacher=stranger, project=xinjiang["project"], hours=Decimal(8)
        )
    assert not TrainingRecord.objects.exists()


def test_enrolment_creates_draft_records_once(xinjiang):
    """A school-based course enrols teachers once each (002 三(三)10 组班报名)."""
    course = TrainingProjectFactory(
        tier=Tier.SCHOOL,
        issuing_unit=xinjiang["county"],
        school=xinjiang["school"],
        institution=None,
        mode=Mode.SCHOOL_BASED,
        category=Category.SCHOOL_BASED,
        hours=Decimal(20),
        ends_on=datetime.date(2025, 6, 30),
    )
    other = TeacherFactory(school=xinjiang["school"])
    ids = [xinjiang["teacher"].pk, other.pk]
    assert enrol_teachers(by=xinjiang["admin"], project=course, teacher_ids=ids) == 2
    assert enrol_teachers(by=xinjiang["admin"], project=course, teacher_ids=ids) == 0
    assert set(TrainingRecord.objects.values_list("status", "hours")) == {("draft", Decimal(20))}
