"""Two-factor login with an authenticator app (TOTP): turning it on, logging in, requiring it."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from institutions.choices import Role
from institutions.two_factor import confirm_totp_device, start_totp_setup

pytestmark = pytest.mark.django_db

PASSWORD = "pass12345"  # the `world` accounts' password


def code(device, steps_from_now: int = 0) -> str:
    """Return the code the phone shows now (or `steps_from_now` 30-second steps away).

    django-otp accepts one step either side of where it last saw the phone's clock, never a
    step at or before the last one used, and moves its idea of the phone's clock to the step
    it accepted; tests that use several codes take steps -1, 0, +1 in that order.
    """
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, steps_from_now)
    return f"{value:0{device.digits}d}"


def wrong_code(device) -> str:
    right = {code(device, step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def enabled_for(user) -> TOTPDevice:
    """Turn two-factor login on for `user` as the page does: start, then confirm with a code."""
    device = start_totp_setup(user=user)
    return confirm_totp_device(user=user, token=code(device, -1))


def _verified(response) -> bool:
    return response.wsgi_request.user.is_verified()


@pytest.fixture
def officer(world):
    return world.users[Role.COUNTY_OFFICER]


# -- turning it on and off --------------------------------------------------------------------
def test_turning_on_shows_a_qr_code_and_the_first_code_confirms_it(client, officer):
    """Start makes an unconfirmed authenticator shown as a QR image; its code confirms it."""
    # given
    client.force_login(officer)
    page = reverse("accounts:two_factor")
    # when: the account starts the set-up
    client.post(page, {"action": "start"})
    device = TOTPDevice.objects.get(user=officer)
    setup = client.get(page)
    # then: the QR code is an <img> with a data: URI, no inline script or style (the CSP)
    html = setup.content.decode()
    assert not device.confirmed
    assert re.search(r'<img src="data:image/svg\+xml;charset=utf-8,%3Csvg[^"]*"', html)
    assert "<script" not in html.split("</footer>")[0].split("<main")[1]
    assert " style=" not in html
    assert "手动输入密钥" in html
    # when: confirm with the code the phone shows
    response = client.post(page, {"action": "confirm", "otp_token": code(device)}, follow=True)
    # then
    device.refresh_from_db()
    assert device.confirmed
    assert _verified(response)
    assert "两步验证已开启" in response.content.decode()


def test_a_wrong_code_does_not_turn_it_on(client, officer):
    """A mistyped first code leaves the authenticator unconfirmed and says why, in Chinese."""
    client.force_login(officer)
    page = reverse("accounts:two_factor")
    client.post(page, {"action": "start"})
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(page, {"action": "confirm", "otp_token": wrong_code(device)})
    device.refresh_from_db()
    assert not device.confirmed
    assert "验证码不正确或已过期" in response.content.decode()


def test_turning_off_needs_a_current_code(client, officer, settings):
    """Without a right code the authenticator stays; with one it is removed."""
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code then a right one, at once
    device = enabled_for(officer)
    client.force_login(officer)
    page = reverse("accounts:two_factor")
    # when / then
    client.post(page, {"action": "verify", "otp_token": code(device)})
    refused = client.post(page, {"action": "disable", "otp_token": wrong_code(device)})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    client.post(page, {"action": "disable", "otp_token": code(device, 1)})
    assert not TOTPDevice.objects.filter(user=officer).exists()


# -- logging in -------------------------------------------------------------------------------
def _password(client, user, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD, **extra})


def test_login_asks_for_the_code_after_the_password(client, officer):
    """A right password alone logs nobody in; the right code then does, verified."""
    # given
    device = enabled_for(officer)
    # when
    after_password = _password(client, officer, next="/credits/overview/")
    # then
    assert after_password.status_code == 302
    assert after_password.url == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    step = client.get(reverse("accounts:login_code"))
    assert "输入验证码" in step.content.decode()
    # when
    after_code = client.post(reverse("accounts:login_code"), {"otp_token": code(device)})
    # then
    assert after_code.status_code == 302
    assert after_code.url == "/credits/overview/"
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert _verified(home)


def test_without_an_authenticator_the_password_is_enough(client, officer):
    """Accounts that did not turn it on log in as before, unverified."""
    response = _password(client, officer)
    assert response.url == reverse("home")
    assert not _verified(client.get(reverse("home")))


def test_a_wrong_code_is_refused_and_counts_as_a_failed_login(client, officer):
    """A wrong code keeps the account out and is one failure for the login lock."""
    # given
    device = enabled_for(officer)
    _password(client, officer)
    # when
    response = client.post(reverse("accounts:login_code"), {"otp_token": wrong_code(device)})
    # then
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username=officer.username).failures_since_start == 1


def test_a_code_is_accepted_once_only(client, officer):
    """A code seen over someone's shoulder is worthless once its owner has used it."""
    # given
    device = enabled_for(officer)
    used = code(device)
    owner = Client()
    _password(owner, officer)
    assert owner.post(reverse("accounts:login_code"), {"otp_token": used}).status_code == 302
    # when
    _password(client, officer)
    response = client.post(reverse("accounts:login_code"), {"otp_token": used})
    # then
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_codes_slow_down(client, officer):
    """After a wrong code even the right one waits a moment (django-otp's throttling)."""
    device = enabled_for(officer)
    _password(client, officer)
    client.post(reverse("accounts:login_code"), {"otp_token": wrong_code(device)})
    response = client.post(reverse("accounts:login_code"), {"otp_token": code(device)})
    assert "秒后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ten_wrong_codes_lock_the_account_at_that_address(client, officer, settings):
    """Guessing codes is guessing passwords: the 10th wrong code locks, and then even the
    right password is refused."""
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = enabled_for(officer)
    _password(client, officer)
    # when
    statuses = [
        client.post(reverse("accounts:login_code"), {"otp_token": wrong_code(device)}).status_code
        for _ in range(10)
    ]
    # then
    assert statuses == [200] * 9 + [429]
    again = _password(client, officer)
    assert again.status_code == 429
    assert "账号已暂时锁定" in again.content.decode()
    assert Client(REMOTE_ADDR="198.51.100.7").post(
        reverse("login"), {"username": officer.username, "password": PASSWORD}
    ).url == reverse("accounts:login_code")


def test_the_code_step_without_a_right_password_goes_back_to_login(client, officer):
    """Nobody reaches the code step without the password first."""
    enabled_for(officer)
    response = client.post(reverse("accounts:login_code"), {"otp_token": "123456"})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_admin_login_goes_through_the_portal_login(client):
    """The admin's own login form would skip the code step, so it sends people to ours."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/"


# -- OTP_REQUIRED -----------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["superuser", Role.REGION_OFFICER])
def test_required_accounts_are_sent_to_set_it_up(client, world, settings, who):
    """With OTP_REQUIRED, a superuser or region officer without a verified session reaches no
    page but the two-factor page (and logging out)."""
    # given
    settings.OTP_REQUIRED = True
    user = world.superuser if who == "superuser" else world.users[who]
    client.force_login(user)
    # when
    home = client.get(reverse("home"))
    records = client.get(reverse("records:list"))
    admin = client.get("/admin/")
    setup = client.get(reverse("accounts:two_factor"))
    # then
    assert home.status_code == 302
    assert home.url == f"{reverse('accounts:two_factor')}?next=%2F"
    assert records.status_code == 302
    assert admin.status_code == 302
    assert setup.status_code == 200
    assert "必须使用两步验证" in setup.content.decode()
    assert client.post(reverse("logout")).status_code == 302


def test_next_pointing_elsewhere_is_not_followed(client, officer):
    """After turning it on the page returns to a `next` on this site only."""
    client.force_login(officer)
    page = reverse("accounts:two_factor")
    client.post(page, {"action": "start"})
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(
        page, {"action": "confirm", "otp_token": code(device), "next": "https://evil.example/"}
    )
    assert response.url == page


def test_required_accounts_go_on_once_verified(client, world, settings):
    """A region officer who confirmed an authenticator in this session reaches every page."""
    settings.OTP_REQUIRED = True
    region_officer = world.users[Role.REGION_OFFICER]
    client.force_login(region_officer)
    page = reverse("accounts:two_factor")
    client.post(page, {"action": "start"})
    device = TOTPDevice.objects.get(user=region_officer)
    done = client.post(page, {"action": "confirm", "otp_token": code(device), "next": "/"})
    assert done.url == "/"
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("role", [Role.TEACHER, Role.COUNTY_OFFICER, Role.SCHOOL_ADMIN])
def test_other_accounts_are_not_required(client, world, settings, role):
    """Teachers, county officers and school admins may choose; OTP_REQUIRED leaves them be."""
    settings.OTP_REQUIRED = True
    client.force_login(world.users[role])
    assert client.get(reverse("home")).status_code == 200


def test_nothing_is_required_when_the_setting_is_off(client, world, settings):
    """OTP_REQUIRED is off by default (the demo): a superuser works without a code."""
    settings.OTP_REQUIRED = False
    client.force_login(world.superuser)
    assert client.get(reverse("home")).status_code == 200
