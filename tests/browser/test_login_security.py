"""The lockout page, two-factor set-up and the code step in Chromium at 375 px, under the CSP."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from institutions.choices import Role

from .conftest import fits_phone_width


@pytest.fixture
def browser_world(django_db_serialized_rollback, transactional_db, world):
    return world


@pytest.fixture
def csp_refusals(page):
    """Collect what the browser refuses under the Content-Security-Policy."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def _submit_login(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def _code(device, steps_from_now=0):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, steps_from_now):06d}"


def test_lockout_page_fits_a_phone(page, live_server, browser_world, screenshot, csp_refusals):
    """Ten wrong passwords on the real form show the Chinese lockout page, readable at 375 px."""
    for attempt in range(10):
        _submit_login(page, live_server, "c1", f"wrong-{attempt}")
    assert page.get_by_role("heading", name="账号已暂时锁定").is_visible()
    assert "请在 15 分钟后再试" in page.locator("main").inner_text()
    assert fits_phone_width(page)
    assert csp_refusals == []
    screenshot("locked-out-375")


def test_two_factor_set_up_and_login_on_a_phone(
    page, live_server, browser_world, screenshot, csp_refusals
):
    """A county officer turns two-factor login on (QR code shown), then logs in with a code."""
    officer = browser_world.users[Role.COUNTY_OFFICER]
    # given: logged in with the password
    _submit_login(page, live_server, officer.username, "pass12345")
    page.goto(f"{live_server.url}/accounts/two-factor/")
    # when: the officer starts the set-up
    page.get_by_role("button", name="开启两步验证").click()
    page.wait_for_load_state("networkidle")
    # then: the QR code is drawn (a data: image the CSP allows) and the page fits the phone
    qr = page.get_by_role("img", name=re.compile("两步验证二维码"))
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    assert qr.bounding_box()["width"] <= 375
    assert fits_phone_width(page)
    screenshot("two-factor-setup-375")
    # when: the code from the "phone" confirms it
    device = TOTPDevice.objects.get(user=officer)
    page.get_by_label("6 位验证码").fill(_code(device, -1))
    page.get_by_role("button", name="确认开启").click()
    page.wait_for_load_state("networkidle")
    assert "两步验证已开启" in page.locator("main").inner_text()
    # when: logging out and in again
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")
    _submit_login(page, live_server, officer.username, "pass12345")
    # then: the code step, then home
    assert page.get_by_role("heading", name="输入验证码").is_visible()
    assert fits_phone_width(page)
    screenshot("login-code-375")
    page.get_by_label("6 位验证码").fill(_code(device))  # the step after the one confirmed
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "甲一县" in page.locator("main").inner_text()
    assert csp_refusals == []
