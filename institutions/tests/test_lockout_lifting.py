"""Officers see the login locks of their jurisdiction's accounts and lift them, on the record."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from institutions.choices import Role
from institutions.models import LoginUnlock
from institutions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.66"


def lock_out(username: str, address: str = ADDRESS, times: int = 10) -> None:
    """Lock `username` at `address` the way an attacker would: wrong passwords on the page."""
    client = Client(REMOTE_ADDR=address)
    for i in range(times):
        client.post(reverse("login"), {"username": username, "password": f"guess-{i}"})


def _listed(client) -> set[str]:
    response = client.get(reverse("accounts:lockouts"))
    assert response.status_code == 200
    return {lockout.account.username for lockout in response.context["lockouts"]}


def _lift(client, username, address=ADDRESS):
    return client.post(
        reverse("accounts:lockout_lift"), {"username": username, "ip_address": address}
    )


@pytest.fixture
def teacher_elsewhere(world):
    """The account of 李三, a teacher of 乙一县 (another prefecture than the county officer's)."""
    account = UserFactory(username="t3", role=Role.TEACHER)
    world.T3.user = account
    world.T3.save()
    return account


@pytest.fixture
def locks(world, teacher_elsewhere):
    """Locks on a teacher, a school admin and a county officer of 甲一县, a prefecture officer,
    an institution's staff, a teacher of 乙一县 and the superuser; c1 is locked nowhere."""
    for username in ("t1", "s1", "p1", "i1", "t3", "root"):
        lock_out(username)
    lock_out("c1", address="198.51.100.7")
    return world


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COUNTY_OFFICER, {"t1", "s1", "c1"}),
        (Role.PREFECTURE_OFFICER, {"t1", "s1", "c1", "p1", "i1"}),
        (Role.REGION_OFFICER, {"t1", "s1", "c1", "p1", "i1", "t3"}),
    ],
)
def test_officer_lists_the_locks_of_their_jurisdiction_only(client, locks, role, expected):
    """County: its schools, teachers and officers; region: every account of the region. No
    officer sees the superuser's lock."""
    client.force_login(locks.users[role])
    assert _listed(client) == expected


def test_superuser_sees_every_locked_account(client, locks):
    """Superusers see the locks of all accounts, their own kind included."""
    client.force_login(locks.superuser)
    assert _listed(client) == {"t1", "s1", "c1", "p1", "i1", "t3", "root"}


def test_page_shows_address_failures_and_when_the_lock_ends(client, world):
    """Each lock names the account, its unit, the address and the number of failures."""
    # given
    lock_out("t1", times=12)
    client.force_login(world.users[Role.COUNTY_OFFICER])
    # when
    response = client.get(reverse("accounts:lockouts"))
    # then
    html = response.content.decode()
    assert f"地址 {ADDRESS} · 连续失败 12 次" in html
    assert "甲一县第一中学" in html  # the teacher's school
    assert "自动解除" in html
    assert "连续 10 次输错密码或验证码的账号，会在当时所用的网络地址被锁定 15 分钟。" in html


def test_failures_below_the_limit_and_expired_locks_are_not_listed(client, world):
    """Nine failures lock nothing; a lock whose last failure is 16 minutes old is over."""
    # given
    lock_out("t1", times=9)
    lock_out("s1")
    AccessAttempt.objects.filter(username="s1").update(
        attempt_time=AccessAttempt.objects.get(username="s1").attempt_time - timedelta(minutes=16)
    )
    client.force_login(world.users[Role.COUNTY_OFFICER])
    # then
    assert _listed(client) == set()


def test_lifting_a_lock_lets_the_account_in_and_is_recorded(client, world, caplog):
    """The officer lifts the lock: the teacher logs in again at that address at once, and
    the lift is kept (who, whose, which address, when) and logged."""
    # given
    lock_out("t1")
    officer = world.users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    # when
    with caplog.at_level(logging.WARNING, logger="institutions.lockouts"):
        response = _lift(client, "t1")
    # then
    assert response.status_code == 302
    assert response.url == reverse("accounts:lockouts")
    unlock = LoginUnlock.objects.get()
    assert (unlock.account, unlock.ip_address, unlock.failures, unlock.lifted_by) == (
        world.users[Role.TEACHER],
        ADDRESS,
        10,
        officer,
    )
    assert "login lock lifted: account=t1 address=203.0.113.66 failures=10 by=c1" in caplog.text
    assert not AccessAttempt.objects.filter(username="t1").exists()
    teacher = Client(REMOTE_ADDR=ADDRESS)
    login = teacher.post(reverse("login"), {"username": "t1", "password": "pass12345"})
    assert login.status_code == 302
    # and the page lists the lift
    page = client.get(reverse("accounts:lockouts"))
    assert list(page.context["unlocks"]) == [unlock]
    assert "已解除账号" in page.content.decode()


def test_lifting_a_lock_outside_the_jurisdiction_is_404(client, locks):
    """A county officer cannot lift the lock of a prefecture officer, another prefecture's
    teacher or the superuser, even by posting the form by hand."""
    client.force_login(locks.users[Role.COUNTY_OFFICER])
    for username in ("p1", "t3", "root"):
        assert _lift(client, username).status_code == 404
    assert not LoginUnlock.objects.exists()
    assert set(AccessAttempt.objects.values_list("username", flat=True)) >= {"p1", "t3", "root"}


def test_lifting_a_lock_that_is_not_there_is_404(client, world):
    """No lock at that address (or none at all): nothing to lift and nothing recorded."""
    lock_out("t1", address="198.51.100.7")
    client.force_login(world.users[Role.COUNTY_OFFICER])
    assert _lift(client, "t1", address=ADDRESS).status_code == 404
    assert _lift(client, "s1").status_code == 404
    assert not LoginUnlock.objects.exists()


def test_a_forged_lift_without_the_csrf_token_is_refused(world):
    """A page elsewhere cannot make an officer's browser lift a lock."""
    # given
    lock_out("t1")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users[Role.COUNTY_OFFICER])
    # when
    response = _lift(browser, "t1")
    # then
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="t1").exists()
    assert not LoginUnlock.objects.exists()


@pytest.mark.parametrize("role", [Role.TEACHER, Role.SCHOOL_ADMIN, Role.INSTITUTION_STAFF])
def test_accounts_that_are_not_officers_may_not_open_or_lift(client, world, role):
    """Only officers (and superusers) deal with locks."""
    lock_out("t1")
    client.force_login(world.users[role])
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    assert _lift(client, "t1").status_code == 403
    assert not LoginUnlock.objects.exists()


def test_officers_find_the_page_in_their_menu(client, world):
    """The officers' navigation links to the lock list; a teacher's does not."""
    client.force_login(world.users[Role.COUNTY_OFFICER])
    assert reverse("accounts:lockouts") in client.get(reverse("home")).content.decode()
    client.force_login(world.users[Role.TEACHER])
    assert reverse("accounts:lockouts") not in client.get(reverse("home")).content.decode()


def test_the_page_reads_in_the_same_number_of_queries_for_2_and_6_locks(
    client, locks, django_assert_num_queries, django_assert_max_num_queries
):
    """No query per lock: the locks and their accounts are read in one query each."""
    region_officer = locks.users[Role.REGION_OFFICER]
    client.force_login(region_officer)
    AccessAttempt.objects.exclude(username__in=("t1", "s1")).delete()
    client.get(reverse("accounts:lockouts"))  # warm the session and permission caches
    with django_assert_max_num_queries(20) as two:
        assert len(client.get(reverse("accounts:lockouts")).context["lockouts"]) == 2
    queries_for_two = len(two)
    for username in ("c1", "p1", "i1", "t3"):
        lock_out(username)
    with django_assert_num_queries(queries_for_two):
        assert len(client.get(reverse("accounts:lockouts")).context["lockouts"]) == 6
