"""Factories of training projects and records."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from institutions.tests.factories import CountyFactory, TrainingInstitutionFactory
from projects.choices import Category, Grade, Mode, RecordStatus, ReviewStatus, Tier
from projects.models import TrainingProject, TrainingRecord
from trainees.tests.factories import TeacherFactory


class TrainingProjectFactory(DjangoModelFactory):
    class Meta:
        model = TrainingProject

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试培训项目{n}")
    tier = Tier.COUNTY
    issuing_unit = factory.SubFactory(CountyFactory)
    institution = factory.SubFactory(TrainingInstitutionFactory)
    mode = Mode.CENTRALIZED
    category = Category.COMPULSORY_PROFESSIONAL
    hours = Decimal(40)
    starts_on = datetime.date(2025, 3, 1)
    ends_on = datetime.date(2025, 3, 5)
    review_status = ReviewStatus.APPROVED


class TrainingRecordFactory(DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    teacher = factory.SubFactory(TeacherFactory)
    project = factory.SubFactory(TrainingProjectFactory)
    hours = Decimal(40)
    leave_hours = Decimal(0)
    grade = Grade.PASS
    completed_on = datetime.date(2025, 3, 5)
    status = RecordStatus.DRAFT
