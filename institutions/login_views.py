"""Pages around logging in: the officers' list of login locks (mounted under /accounts/)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.permissions import requires

from .errors import LockoutNotFound
from .forms import LiftLockoutForm
from .lockouts import current_lockouts_for, lift_lockout, lockout_rule, recent_unlocks_for
from .models import User


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
