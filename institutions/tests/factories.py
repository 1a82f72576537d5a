"""Factories of administrative units, schools, institutions and accounts."""

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from institutions.choices import ApprovalLevel, Role, SchoolType, UnitLevel
from institutions.models import AdministrativeUnit, School, TrainingInstitution, User
from institutions.roles import group_name


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = "650000"
    name = "新疆维吾尔自治区"
    level = UnitLevel.REGION
    parent = None


class PrefectureFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"65{50 + n % 40:02d}00")
    name = factory.Sequence(lambda n: f"测试地区{n}")
    level = UnitLevel.PREFECTURE
    parent = factory.SubFactory(RegionFactory)
    certificate_code = factory.Sequence(lambda n: f"{50 + n % 40:02d}")


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    parent = factory.SubFactory(PrefectureFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code[:4]}{1 + n % 99:02d}")
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = UnitLevel.COUNTY
    certificate_code = factory.LazyAttribute(lambda o: o.code[-2:])


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"测试第{n}中学")
    code = factory.Sequence(lambda n: f"1{n:09d}")
    county = factory.SubFactory(CountyFactory)
    school_type = SchoolType.JUNIOR


class TrainingInstitutionFactory(DjangoModelFactory):
    class Meta:
        model = TrainingInstitution

    name = factory.Sequence(lambda n: f"测试培训机构{n}")
    unit = factory.SubFactory(PrefectureFactory)
    approval_level = ApprovalLevel.PREFECTURE


class UserFactory(DjangoModelFactory):
    """An account in a role; its role group is attached, as create_account does."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass12345")
    role = ""

    @factory.post_generation
    def role_group(self, create, extracted, **kwargs):
        if create and self.role:
            self.groups.add(Group.objects.get(name=group_name(self.role)))


def officer(role: str, unit: AdministrativeUnit, **kwargs) -> User:
    """Return an officer account of `role` acting for `unit`."""
    return UserFactory(role=role, unit=unit, **kwargs)


__all__ = [
    "CountyFactory",
    "PrefectureFactory",
    "RegionFactory",
    "Role",
    "SchoolFactory",
    "TrainingInstitutionFactory",
    "UserFactory",
    "officer",
]
