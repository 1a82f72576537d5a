"""Factories of teachers, with ID numbers that pass the national checksum."""

import datetime

import factory
from factory.django import DjangoModelFactory
from stdnum.cn import ric

from institutions.tests.factories import SchoolFactory
from trainees.choices import Gender, Subject
from trainees.models import Teacher


def make_id_number(
    place: str = "650102", born_on=datetime.date(1985, 6, 15), serial: int = 1
) -> str:
    """Return a valid 18-character ID number for a birth place code, date and serial."""
    body = f"{place}{born_on:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class TeacherFactory(DjangoModelFactory):
    class Meta:
        model = Teacher
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="zh_CN")
    id_number = factory.Sequence(
        lambda n: make_id_number(
            born_on=datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 1000), serial=n
        )
    )
    gender = Gender.FEMALE
    school = factory.SubFactory(SchoolFactory)
    subject = Subject.MATHEMATICS
    hired_on = datetime.date(2010, 9, 1)
