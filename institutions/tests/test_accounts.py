"""Accounts act for exactly one unit, school or institution, with their role's permissions."""

import pytest
from django.db import IntegrityError, transaction

from institutions.choices import Role
from institutions.errors import AccountScopeMissing
from institutions.models import User
from institutions.services import create_account
from institutions.tests.factories import CountyFactory, PrefectureFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_county_officer_gets_the_role_permissions():
    """A county officer may approve records and review projects, not edit policies."""
    user = create_account(
        username="c", password="x-12345678", role=Role.COUNTY_OFFICER, unit=CountyFactory()
    )
    assert user.has_perm("projects.approve_trainingrecord")
    assert user.has_perm("projects.review_trainingproject")
    assert not user.has_perm("projects.declare_trainingrecord")


def test_school_admin_declares_but_does_not_approve():
    """School admins declare records to the county; they never approve them."""
    user = create_account(
        username="s", password="x-12345678", role=Role.SCHOOL_ADMIN, school=SchoolFactory()
    )
    assert user.has_perm("projects.declare_trainingrecord")
    assert not user.has_perm("projects.approve_trainingrecord")


@pytest.mark.parametrize(
    ("role", "kwargs", "message"),
    [
        (Role.COUNTY_OFFICER, {}, "必须指定县市区"),
        (Role.SCHOOL_ADMIN, {}, "必须指定学校"),
        (Role.INSTITUTION_STAFF, {}, "必须指定培训机构"),
    ],
)
def test_account_without_its_unit_is_refused(role, kwargs, message):
    """Every role names what it acts for; the service says which is missing, in Chinese."""
    with pytest.raises(AccountScopeMissing, match=message):
        create_account(username="x", password="x-12345678", role=role, **kwargs)
    assert not User.objects.filter(username="x").exists()


def test_officer_of_the_wrong_level_is_refused():
    """A county officer's unit must be a county, not a prefecture."""
    with pytest.raises(AccountScopeMissing):
        create_account(
            username="x", password="x-12345678", role=Role.COUNTY_OFFICER, unit=PrefectureFactory()
        )


def test_database_refuses_an_officer_without_a_unit():
    """The rule holds in the database too, whatever writes the row."""
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="y", role=Role.REGION_OFFICER)


def test_chinese_full_name_is_family_name_first():
    """姓名 shows as 李继教, not "继教 李"."""
    user = create_account(
        username="z",
        password="x-12345678",
        role=Role.COUNTY_OFFICER,
        unit=CountyFactory(),
        full_name="李继教",
    )
    assert user.get_full_name() == "李继教"
    assert str(user) == "李继教（z）"
