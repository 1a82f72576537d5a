"""Accounts are scoped like every other row: `User.objects.restrict(user, action)`."""

import pytest
from django.urls import reverse

from institutions.choices import Role
from institutions.models import User

T, SA, CO, PO, RO, IS = (
    Role.TEACHER,
    Role.SCHOOL_ADMIN,
    Role.COUNTY_OFFICER,
    Role.PREFECTURE_OFFICER,
    Role.REGION_OFFICER,
    Role.INSTITUTION_STAFF,
)

# role → usernames of the `world` accounts it reaches. t1 teaches at 甲一县第一中学 (甲一县,
# 甲地区), s1 administers that school, c1/p1/r are the officers of 甲一县/甲地区/the region,
# i1 works for 甲地区教育学院; root (superuser) and nobody act for no unit.
VIEW = {
    T: set(),
    SA: {"t1", "s1"},
    CO: {"t1", "s1", "c1"},
    PO: {"t1", "s1", "c1", "p1", "i1"},
    RO: {"t1", "s1", "c1", "p1", "r", "i1"},
    IS: set(),
}
UNLOCK = {**VIEW, SA: set()}  # school admins see their school's accounts, lift no locks


def _usernames(queryset) -> set[str]:
    return set(queryset.values_list("username", flat=True))


@pytest.mark.parametrize("role", list(VIEW))
def test_role_reaches_exactly_the_accounts_of_its_jurisdiction(world, role):
    """Officers reach the accounts of their unit and below, school admins their school's."""
    user = world.users[role]
    assert _usernames(User.objects.restrict(user, "view")) == VIEW[role]
    assert _usernames(User.objects.restrict(user, "unlock")) == UNLOCK[role]
    assert _usernames(User.objects.restrict(user, "change")) == set()


def test_superuser_reaches_every_account_and_a_roleless_one_none(world):
    """Superusers are unrestricted; an account without a role reaches nothing."""
    assert User.objects.restrict(world.superuser, "unlock").count() == User.objects.count()
    assert not User.objects.restrict(world.nobody, "view").exists()


def test_a_teacher_moved_to_another_county_leaves_the_old_county(world):
    """An account follows its teacher record's school."""
    county_officer = world.users[CO]
    world.T1.school = world.S3
    world.T1.save()
    assert "t1" not in _usernames(User.objects.restrict(county_officer, "unlock"))


def test_teacher_admin_keeps_a_linked_account_for_an_officer(client, world):
    """An officer editing a teacher in the admin sees (and so keeps) the teacher's account:
    the form's account choices come from restrict(), which must reach it."""
    officer = world.users[CO]
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    response = client.get(reverse("admin:trainees_teacher_change", args=[world.T1.pk]))
    assert response.status_code == 200
    field = response.context["adminform"].form.fields["user"]
    assert set(field.queryset.values_list("username", flat=True)) == VIEW[CO]


def test_officer_reads_accounts_in_the_admin_only_inside_the_jurisdiction(client, world):
    """The admin's account list goes through restrict() too, and officers only read it."""
    officer = world.users[CO]
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    listing = client.get(reverse("admin:institutions_user_changelist"))
    assert {user.username for user in listing.context["cl"].result_list} == VIEW[CO]
    outside = client.get(reverse("admin:institutions_user_change", args=[world.users[PO].pk]))
    assert outside.status_code in {302, 403, 404}
    inside = client.get(reverse("admin:institutions_user_change", args=[world.users[T].pk]))
    assert inside.status_code == 200
    assert not inside.context["has_change_permission"]
