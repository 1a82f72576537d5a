"""Where a form sends the user afterwards: a `next` on this site, never an address elsewhere."""

from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_to_next(request, fallback: str, *args, **kwargs):
    """Redirect to the request's `next` when it points at this site, else to `fallback`.

    `next` comes from the page, so anyone can forge it (`next=https://elsewhere/`); only a
    URL on one of ALLOWED_HOSTS, with the request's own scheme rules, is followed.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target,
        allowed_hosts={request.get_host(), *settings.ALLOWED_HOSTS},
        require_https=request.is_secure(),
    ):
        return redirect(target)
    return redirect(fallback, *args, **kwargs)
