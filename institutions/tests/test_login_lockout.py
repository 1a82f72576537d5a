"""Guessing passwords through the login page locks that account at that address (issue #14).

django-axes counts wrong passwords per account and address: the 10th locks the pair for 15
minutes (settings), and every attempt during the lock, right password or not, gets the
Chinese lockout page with HTTP 429. Another account at the same address, and the same account
at another address, keep logging in.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from institutions.choices import Role

pytestmark = pytest.mark.django_db

RIGHT = "pass12345"  # the `world` accounts' password


def _login(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def _guess(client, username, times, **headers):
    return [_login(client, username, f"guess-{i}", **headers).status_code for i in range(times)]


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, world):
    """The attack from issue #14: 30 guesses in a row, then the real password, is refused."""
    # given: a county officer's account
    officer = world.users[Role.COUNTY_OFFICER]
    # when
    statuses = _guess(client, officer.username, 30)
    response = _login(client, officer.username, RIGHT)
    # then: the first 9 guesses get the login form back, from the 10th on the lockout page
    assert statuses == [200] * 9 + [429] * 21
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert not _logged_in(client)
    assert client.get(reverse("home")).status_code == 302  # still sent to the login page


def test_lockout_page_says_why_for_how_long_and_whom_to_call(client, world):
    """The lockout page is the portal's, in Chinese: 10 failures, 15 minutes, who can help."""
    # given
    _guess(client, "c1", 10)
    # when
    response = _login(client, "c1", RIGHT)
    # then
    html = response.content.decode()
    assert response.status_code == 429
    assert 'lang="zh-hans"' in html
    assert 'name="viewport"' in html  # the portal's layout, readable on a phone
    assert "连续 10 次密码或验证码错误" in html
    assert "请在 15 分钟后再试" in html
    assert "本校管理员" in html
    assert "教育局" in html


def test_nine_wrong_passwords_do_not_lock(client, world):
    """The limit is 10: after 9 wrong passwords the right one still logs in."""
    _guess(client, "c1", 9)
    response = _login(client, "c1", RIGHT)
    assert response.status_code == 302
    assert _logged_in(client)


def test_a_successful_login_starts_the_count_again(client, world):
    """Nine typos, a right password, nine more typos: never ten in a row, never locked."""
    # given
    _guess(client, "c1", 9)
    assert _login(client, "c1", RIGHT).status_code == 302
    client.post(reverse("logout"))
    # when
    statuses = _guess(client, "c1", 9)
    # then
    assert statuses == [200] * 9
    assert _login(client, "c1", RIGHT).status_code == 302


def test_another_account_at_the_same_address_still_logs_in(client, world):
    """A county bureau behind one address: one locked account does not lock the others."""
    # given
    _guess(client, "c1", 30)
    # when
    response = _login(Client(), "s1", RIGHT)
    # then
    assert response.status_code == 302


def test_the_same_account_at_another_address_still_logs_in(world):
    """The lock holds at the address the guesses came from, not everywhere."""
    # given
    attacker, officer = Client(REMOTE_ADDR="203.0.113.66"), Client(REMOTE_ADDR="198.51.100.7")
    _guess(attacker, "c1", 30)
    # when
    locked = _login(attacker, "c1", RIGHT)
    elsewhere = _login(officer, "c1", RIGHT)
    # then
    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client, world):
    """Once the last failure is 15 minutes old the account logs in again."""
    # given
    _guess(client, "c1", 10)
    assert _login(client, "c1", RIGHT).status_code == 429
    # when: every counted failure is now older than the cool-off
    for attempt in AccessAttempt.objects.filter(username="c1"):
        attempt.attempt_time -= timedelta(minutes=16)
        attempt.save(update_fields=["attempt_time"])
    # then
    assert _login(client, "c1", RIGHT).status_code == 302


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forged_forwarded_address_does_not_escape_the_lock(client, world, settings, proxies):
    """A client writing a fresh X-Forwarded-For for every guess is still one address.

    Without a trusted proxy the header is ignored; behind one, the address the proxy appended
    (the right-most) is the one counted, whatever the client wrote before it.
    """
    # given
    settings.TRUSTED_PROXY_COUNT = proxies
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # when
    statuses = [
        _login(
            client, "c1", f"guess-{i}", HTTP_X_FORWARDED_FOR=f"1.1.{i}.1, 203.0.113.66", **proxy
        ).status_code
        for i in range(30)
    ]
    response = _login(client, "c1", RIGHT, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.66", **proxy)
    # then
    assert statuses.count(429) == 21
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(world, settings):
    """Behind our proxy, the same account from another client address still logs in."""
    # given: one proxy in front, which appends the client's address to X-Forwarded-For
    settings.TRUSTED_PROXY_COUNT = 1
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker, officer = Client(), Client()
    _guess(attacker, "c1", 30, HTTP_X_FORWARDED_FOR="203.0.113.66", **via_proxy)
    # when
    locked = _login(attacker, "c1", RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.66", **via_proxy)
    elsewhere = _login(officer, "c1", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy)
    # then
    assert locked.status_code == 429
    assert elsewhere.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
