"""Pages of e-certificates: public verification (no login) and the PDF download."""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.addresses import client_address

from .models import Certificate
from .numbers import is_well_formed, normalize_number
from .selectors import verification_for

VERIFY_RATE_LIMIT = 30  # requests per client address per minute, unless settings say otherwise
RATE_WINDOW_SECONDS = 60


def rate_limited(view):
    """Answer 429 (in Chinese) once a client address made too many requests this minute.

    A fixed one-minute window counted in the cache shared by all workers. The numbers are
    sequential, so the limit is what keeps anyone from walking through them.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        limit = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", VERIFY_RATE_LIMIT)
        now = time.time()
        window = int(now // RATE_WINDOW_SECONDS)
        client = hashlib.sha256((client_address(request) or "unknown").encode()).hexdigest()[:32]
        key = f"certificates:verify-rate:{client}:{window}"
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add() and incr()
            cache.set(key, 1, timeout=RATE_WINDOW_SECONDS + 5)
            count = 1
        if count > limit:
            retry_after = RATE_WINDOW_SECONDS - int(now) % RATE_WINDOW_SECONDS
            response = render(
                request,
                "certificates/rate_limited.html",
                {"limit": limit, "retry_after": retry_after, "title": _("查询过于频繁")},
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@never_cache
@rate_limited
def verify_form(request):
    """Let anyone type a certificate number to check it (证书核验)."""
    error = ""
    typed = request.GET.get("number")
    if typed is not None:
        number = normalize_number(typed)
        if is_well_formed(number):
            return redirect("certificates:verify", number=number)
        error = _("证书编号应为9位数字，例如 130120001，请核对后重新输入。")
    return _private(
        render(
            request,
            "certificates/verify_form.html",
            {"typed": typed or "", "error": error, "title": _("证书核验")},
        )
    )


@require_GET
@never_cache
@rate_limited
def verify(request, number):
    """Show a certificate number's status and masked name; with a valid signed code, its content."""
    result = verification_for(number=number, code=request.GET.get("code"))
    return _private(
        render(
            request,
            "certificates/verify.html",
            {"result": result, "title": _("证书核验")},
            status=200 if result.is_found else 404,
        )
    )


@require_GET
@login_required
def download(request, pk):
    """Send the certificate's PDF to its teacher or to those whose jurisdiction holds it."""
    certificate = get_object_or_404(
        Certificate.objects.restrict(request.user, "view").select_related("number"), pk=pk
    )
    if not certificate.pdf:
        raise Http404(_("证书文件尚未生成。"))
    filename = (
        f"certificate-{certificate.number.number}-{certificate.kind}-{certificate.period}"
        f"-v{certificate.version}.pdf"
    )
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
