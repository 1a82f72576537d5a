"""Two-factor login with a TOTP authenticator app (django-otp): turning it on and off, codes.

An account turns it on in two steps: `start_totp_setup` makes an unconfirmed TOTPDevice whose
secret the page shows as a QR code, and `confirm_totp_device` confirms it with the first code
the phone shows. From then on the login asks for a code after the password
(institutions.login_views). Turning it off takes a current code. django-otp checks the codes:
it refuses a code that was used before and, after wrong codes, refuses every code for 1, 2,
4, 8 … seconds (ThrottlingMixin). Wrong codes at login also count as failed logins for the
login lock (institutions.lockouts).
"""

from __future__ import annotations

import logging
import math
from base64 import b32encode

import segno
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from .choices import Role
from .errors import (
    TwoFactorAlreadyEnabled,
    TwoFactorCodeWrong,
    TwoFactorNotEnabled,
    TwoFactorNotStarted,
    TwoFactorThrottled,
)

__all__ = [
    "cancel_totp_setup",
    "confirm_totp_device",
    "confirmed_device_for",
    "disable_totp",
    "is_two_factor_required_for",
    "pending_device_for",
    "start_totp_setup",
    "totp_qr_data_uri",
    "totp_secret_for_typing",
    "verify_totp",
]

log = logging.getLogger(__name__)


# -- selectors --------------------------------------------------------------------------------
def confirmed_device_for(user) -> TOTPDevice | None:
    """Return the account's confirmed authenticator, or None when two-factor login is off."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_device_for(user) -> TOTPDevice | None:
    """Return the authenticator being set up (shown as a QR code, not yet confirmed)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()


def is_two_factor_required_for(user) -> bool:
    """Return whether OTP_REQUIRED applies to `user`: superusers and region officers."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.REGION_OFFICER)


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """Return the device's otpauth:// address as an SVG QR code in a data: URI (for <img>)."""
    qr = segno.make(device.config_url, error="m")
    # No fixed size: the SVG scales to the <img> box; a white quiet zone scans in dark mode too.
    return qr.svg_data_uri(border=4, omitsize=True, dark="#000", light="#fff")


def totp_secret_for_typing(device: TOTPDevice) -> str:
    """Return the secret in base32 in groups of four, for phones that cannot scan the code."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# -- services ---------------------------------------------------------------------------------
@transaction.atomic
def start_totp_setup(*, user) -> TOTPDevice:
    """Make a new, unconfirmed authenticator for `user`, replacing one left half set up."""
    if confirmed_device_for(user) is not None:
        raise TwoFactorAlreadyEnabled()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=gettext("手机身份验证器"), confirmed=False)
    device.full_clean()
    device.save()
    return device


def cancel_totp_setup(*, user) -> None:
    """Drop the authenticator being set up; a confirmed one stays."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def _verify(device: TOTPDevice, token: str) -> TOTPDevice:
    """Check `token` on `device`; raise TwoFactorThrottled or TwoFactorCodeWrong when refused.

    The check runs in its own transaction with the device row locked, so two requests cannot
    both use one code; the error is raised after it commits, so the count of wrong codes that
    django-otp keeps for throttling is not rolled back with it.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        verified = allowed and device.verify_token(token.replace(" ", ""))
    if not allowed:
        wait = (details or {}).get("locked_until", timezone.now()) - timezone.now()
        raise TwoFactorThrottled(seconds=max(1, math.ceil(wait.total_seconds())))
    if not verified:
        raise TwoFactorCodeWrong()
    return device


def confirm_totp_device(*, user, token: str) -> TOTPDevice:
    """Turn two-factor login on: confirm the authenticator being set up with its first code."""
    pending = pending_device_for(user)
    if pending is None:
        raise TwoFactorNotStarted()
    if confirmed_device_for(user) is not None:
        raise TwoFactorAlreadyEnabled()
    device = _verify(pending, token)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log.info("two-factor login turned on: account=%s device=%d", user.username, device.pk)
    return device


def verify_totp(*, user, token: str) -> TOTPDevice:
    """Return the account's authenticator when `token` is its current code; raise otherwise."""
    device = confirmed_device_for(user)
    if device is None:
        raise TwoFactorNotEnabled()
    return _verify(device, token)


@transaction.atomic
def _remove_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def disable_totp(*, user, token: str) -> None:
    """Turn two-factor login off, given a current code from the authenticator."""
    verify_totp(user=user, token=token)
    _remove_devices(user)
    log.info("two-factor login turned off: account=%s", user.username)
