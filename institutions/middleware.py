"""Middleware of institutions: the two-factor requirement for the most powerful accounts."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import is_two_factor_required_for

# Pages an account that still owes its code may open: logging in and out, the two-factor page
# itself, the language switch and the health check.
EXEMPT_VIEWS = frozenset(
    {
        "login",
        "logout",
        "admin:logout",
        "accounts:login_code",
        "accounts:two_factor",
        "set_language",
        "healthz",
    }
)


class TwoFactorRequiredMiddleware:
    """With OTP_REQUIRED, send superusers and region officers without a code-verified session
    to the two-factor page (to set up an authenticator, or to type its code) from every page
    except those in EXEMPT_VIEWS and static files.

    Goes after django-otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.OTP_REQUIRED:
            return None
        user = request.user
        if not is_two_factor_required_for(user) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:two_factor')}?{query}")
