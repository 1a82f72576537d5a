"""Fixtures of the audit tests: certificates it issues are written under the test's own
directory, never into media/; and a region with credits over three school years."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.db.models import Count

from audit.county import audit_county
from credits.models import CreditLedgerEntry
from credits.services import approve_records, withdraw_credits
from institutions.choices import Role, SchoolType
from institutions.tests.factories import (
    CountyFactory,
    PrefectureFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.choices import CareerStage
from trainees.tests.factories import TeacherFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


AS_OF = datetime.date(2026, 11, 20)
YEAR = "2026-2027"


@pytest.fixture
def region():
    """Three counties of two prefectures, 5 schools, 36 teachers, records over three years."""
    rng = random.Random(17)
    region = RegionFactory()
    p1 = PrefectureFactory(code="653100", parent=region, name="喀什地区")
    p2 = PrefectureFactory(code="652900", parent=region, name="阿克苏地区")
    counties = [
        CountyFactory(parent=p1, code="653101", name="喀什市"),
        CountyFactory(parent=p1, code="653121", name="疏附县"),
        CountyFactory(parent=p2, code="652901", name="阿克苏市"),
    ]
    types = [SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.KINDERGARTEN]
    schools = [
        SchoolFactory(county=counties[0], school_type=types[0], name="喀什市第一小学"),
        SchoolFactory(county=counties[0], school_type=types[1], name="喀什市第二中学"),
        SchoolFactory(county=counties[1], school_type=types[2], name="疏附县幼儿园"),
        SchoolFactory(county=counties[2], school_type=types[0], name="阿克苏市第三小学"),
        SchoolFactory(county=counties[2], school_type=types[1], name="阿克苏市第五中学"),
    ]
    stages = [CareerStage.NEW, CareerStage.MATURE, CareerStage.BACKBONE]
    teachers = [
        TeacherFactory(
            school=schools[i % len(schools)],
            career_stage=stages[i % 3],
            hired_on=datetime.date(2010, 9, 1) if i % 4 else datetime.date(2025, 9, 1),
        )
        for i in range(36)
    ]
    TeacherFactory(school=schools[0], is_active=False)  # left the school: counted nowhere
    projects = [
        TrainingProjectFactory(
            tier=tier,
            issuing_unit=region,
            mode=mode,
            category=category,
            hours=Decimal(hours),
            starts_on=start,
            ends_on=start + datetime.timedelta(days=4),
        )
        for tier, mode, category, hours, start in [
            (
                Tier.REGION,
                Mode.CENTRALIZED,
                Category.COMPULSORY_PUBLIC,
                40,
                datetime.date(2024, 10, 8),
            ),
            (
                Tier.REGION,
                Mode.ONLINE,
                Category.COMPULSORY_PROFESSIONAL,
                50,
                datetime.date(2025, 3, 3),
            ),
            (
                Tier.NATIONAL,
                Mode.CENTRALIZED,
                Category.COMPULSORY_PROFESSIONAL,
                80,
                datetime.date(2025, 11, 3),
            ),
            (Tier.REGION, Mode.ONLINE, Category.ELECTIVE, 60, datetime.date(2026, 9, 14)),
        ]
    ]
    for teacher in teachers:
        for project in rng.sample(projects, rng.randint(0, 4)):
            TrainingRecordFactory(
                teacher=teacher,
                project=project,
                hours=project.hours,
                completed_on=project.ends_on,
                status=RecordStatus.DECLARED,
            )
    officers = {c.code: UserFactory(role=Role.COUNTY_OFFICER, unit=c) for c in counties}
    for county in counties:
        ids = list(
            TrainingRecordFactory._meta.model.objects.filter(
                teacher__school__county=county
            ).values_list("pk", flat=True)
        )
        if ids:
            approve_records(by=officers[county.code], record_ids=ids)
    # A withdrawn record: its reversal nets the teacher's year to 0, so they did not train.
    withdrawn = (
        CreditLedgerEntry.objects.filter(school_year=YEAR)
        .values("teacher")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .order_by("teacher")
        .values_list("teacher", flat=True)
        .first()
    )
    entry = CreditLedgerEntry.objects.get(teacher=withdrawn, school_year=YEAR)
    county = entry.teacher.school.county
    withdraw_credits(by=officers[county.code], record_ids=[entry.record_id], reason="重复登记")
    for county in counties:
        audit_county(county_id=county.pk, as_of=AS_OF, issue=False)
    return {
        "region": region,
        "prefectures": [p1, p2],
        "counties": counties,
        "schools": schools,
        "officers": {
            "region": UserFactory(role=Role.REGION_OFFICER, unit=region),
            "653100": UserFactory(role=Role.PREFECTURE_OFFICER, unit=p1),
            **officers,
        },
    }
