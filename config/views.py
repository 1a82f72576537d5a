"""Views that belong to no domain: the health check, the home page and the login page."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from institutions.login_views import start_pending_login
from institutions.two_factor import confirmed_device_for

from .dashboard import home_summary_for
from .health import database_reachable, redis_reachable


@require_GET
@never_cache
def healthz(request):
    """Answer 200 when the database (and Redis, when configured) is reachable, 503 otherwise."""
    db_ok, db_error = database_reachable()
    checks = {"database": {"ok": db_ok, "error": db_error}}
    redis = redis_reachable()
    if redis is not None:
        checks["redis"] = {"ok": redis[0], "error": redis[1]}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


class PortalLoginView(LoginView):
    """Log in with username and password; accounts with an authenticator then give its code.

    django-axes refuses the password of an account locked at this address (10 wrong
    passwords, 15 minutes) and its middleware answers with the lockout page.
    """

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("登录")}

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device_for(user) is not None:
            return start_pending_login(self.request, user=user, redirect_to=self.get_success_url())
        return super().form_valid(form)


@login_required
def home(request):
    """Show the signed-in user's home page: what they act for, their numbers and next steps."""
    summary = home_summary_for(request.user)
    return render(request, "home.html", {"summary": summary})
