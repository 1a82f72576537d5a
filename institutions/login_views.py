"""Pages around logging in: the code step of a two-factor login, turning two-factor login on
and off, and the officers' list of login locks (mounted under /accounts/)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials, get_lockout_response
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from core.permissions import requires
from core.redirects import redirect_to_next

from .errors import LockoutNotFound, TwoFactorCodeWrong, TwoFactorError, TwoFactorNotEnabled
from .forms import LiftLockoutForm, OTPTokenForm
from .lockouts import current_lockouts_for, lift_lockout, lockout_rule, recent_unlocks_for
from .models import User
from .two_factor import (
    cancel_totp_setup,
    confirm_totp_device,
    confirmed_device_for,
    disable_totp,
    is_two_factor_required_for,
    pending_device_for,
    start_totp_setup,
    totp_qr_data_uri,
    totp_secret_for_typing,
    verify_totp,
)

# The session remembers, between the password and the code, whose password was right; only for
# this long, after which the password is asked again.
PENDING_LOGIN_KEY = "two_factor_pending_login"
PENDING_LOGIN_SECONDS = 5 * 60


# -- the code step of a login -----------------------------------------------------------------
def start_pending_login(request, *, user, redirect_to: str) -> HttpResponseRedirect:
    """Remember that `user`'s password was right and send the browser to the code step.

    Called by the login page instead of logging in when the account has an authenticator:
    nothing is logged in until the code is right.
    """
    request.session.cycle_key()
    request.session[PENDING_LOGIN_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": redirect_to,
        "started": int(time.time()),
    }
    return redirect("accounts:login_code")


def _pending_login(request):
    """Return (account, pending data) of a login waiting for its code, or (None, None)."""
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending or time.time() - pending.get("started", 0) > PENDING_LOGIN_SECONDS:
        return None, None
    account = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (account, pending) if account is not None else (None, None)


def _forget_pending_login(request) -> None:
    request.session.pop(PENDING_LOGIN_KEY, None)


def _count_wrong_code(request, account) -> None:
    """Count a wrong code as a failed login of `account` from this address (django-axes).

    axes marks the request as locked out when this failure reaches the limit, and its
    middleware then answers with the lockout page.
    """
    user_login_failed.send(
        sender=__name__, credentials=get_credentials(account.get_username()), request=request
    )


@never_cache
@sensitive_post_parameters("otp_token")
def login_code(request):
    """Ask for the authenticator's code after a right password, then log the account in."""
    account, pending = _pending_login(request)
    if account is None:
        _forget_pending_login(request)
        messages.warning(request, _("登录等待时间过长，请重新输入用户名和密码。"))
        return redirect("login")
    credentials = get_credentials(account.get_username())
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, credentials):
            _forget_pending_login(request)
            return get_lockout_response(request, None, credentials)
        if form.is_valid():
            try:
                device = verify_totp(user=account, token=form.cleaned_data["otp_token"])
            except TwoFactorNotEnabled:
                # Turned off in the meantime (by the account elsewhere, or an administrator).
                _forget_pending_login(request)
                return redirect("login")
            except TwoFactorError as error:
                form.add_error("otp_token", str(error))
                if isinstance(error, TwoFactorCodeWrong):
                    _count_wrong_code(request, account)
                    if getattr(request, "axes_locked_out", False):
                        _forget_pending_login(request)  # AxesMiddleware shows the lock
            else:
                _forget_pending_login(request)
                auth_login(request, account, backend=pending["backend"])
                otp_login(request, device)
                return HttpResponseRedirect(pending["next"])
    return render(
        request,
        "registration/login_code.html",
        {"form": form, "account": account, "title": _("输入验证码")},
    )


# -- turning two-factor login on and off ------------------------------------------------------
def _next_or_here(request) -> str:
    """Return where to go once two-factor login is settled: a `next` on this site, or here."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:two_factor")


@login_required
@never_cache
@sensitive_post_parameters("otp_token")
def two_factor(request):
    """Show and change the account's two-factor login: set up, confirm, verify, turn off.

    A session of an account with an authenticator that was not verified by a code (one
    logged in before the authenticator was added) is asked for a code here too.
    """
    user = request.user
    action = request.POST.get("action", "")
    form = OTPTokenForm(request.POST if action in {"confirm", "verify", "disable"} else None)
    if request.method == "POST":
        try:
            if action == "start":
                start_totp_setup(user=user)
                return redirect(_with_next(request))
            if action == "cancel":
                cancel_totp_setup(user=user)
                return redirect(_with_next(request))
            if form.is_bound and form.is_valid():
                token = form.cleaned_data["otp_token"]
                if action == "confirm":
                    otp_login(request, confirm_totp_device(user=user, token=token))
                    messages.success(
                        request, _("两步验证已开启：以后登录时，输入密码后还要输入手机上的验证码。")
                    )
                    return redirect_to_next(request, "accounts:two_factor")
                if action == "verify":
                    otp_login(request, verify_totp(user=user, token=token))
                    messages.success(request, _("验证通过。"))
                    return redirect_to_next(request, "accounts:two_factor")
                if action == "disable":
                    disable_totp(user=user, token=token)
                    messages.success(request, _("两步验证已关闭：以后登录只需用户名和密码。"))
                    return redirect("accounts:two_factor")
        except TwoFactorCodeWrong as error:
            form.add_error("otp_token", str(error))
            if action in {"verify", "disable"}:
                # The same guessing as at the login's code step: counted, and locked alike.
                _count_wrong_code(request, user)
                if getattr(request, "axes_locked_out", False):
                    credentials = get_credentials(user.get_username())
                    auth_logout(request)
                    return get_lockout_response(request, None, credentials)
        except TwoFactorError as error:
            messages.error(request, str(error))
            return redirect(_with_next(request))
    confirmed = confirmed_device_for(user)
    pending = None if confirmed else pending_device_for(user)
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            "title": _("两步验证"),
            "confirmed": confirmed,
            "is_verified": user.is_verified(),
            "pending": pending,
            "qr_code": totp_qr_data_uri(pending) if pending else "",
            "secret": totp_secret_for_typing(pending) if pending else "",
            "is_required": is_two_factor_required_for(user),
            "next": _next_or_here(request),
        },
    )


def _with_next(request) -> str:
    """Return this page's address, keeping where to go once two-factor login is settled."""
    here = reverse("accounts:two_factor")
    target = _next_or_here(request)
    return here if target == here else f"{here}?{urlencode({'next': target})}"


# -- login locks ------------------------------------------------------------------------------
@requires(User, "unlock")
@never_cache
def lockout_list(request):
    """List the accounts of the officer's jurisdiction that are locked out now, and recent lifts."""
    return render(
        request,
        "institutions/lockout_list.html",
        {
            "title": _("登录锁定"),
            "rule": lockout_rule(),
            "lockouts": current_lockouts_for(request.user),
            "unlocks": recent_unlocks_for(request.user),
        },
    )


@require_POST
@requires(User, "unlock")
def lockout_lift(request):
    """Lift one login lock of an account inside the officer's jurisdiction (404 otherwise)."""
    form = LiftLockoutForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        unlock = lift_lockout(
            username=form.cleaned_data["username"],
            ip_address=form.cleaned_data["ip_address"] or None,
            by=request.user,
        )
    except LockoutNotFound as error:
        raise Http404(str(error)) from error
    messages.success(
        request,
        _("已解除账号 %(account)s 在 %(address)s 的登录锁定，此操作已记录。")
        % {"account": unlock.account, "address": unlock.ip_address or _("未知地址")},
    )
    return redirect("accounts:lockouts")
