"""The bureau's overview of the nightly audit: who is complete, on track, at risk or behind."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import requires

from .dashboard import STATUS_ORDER, open_anomalies_for, overview_for, teachers_by_status
from .models import AuditAnomaly, CountySummary, ProgressStatus
from .services import resolve_anomaly


@requires(CountySummary, "view")
def overview(request):
    """Teachers by progress status across the user's jurisdiction, county by county."""
    status = request.GET.get("status", ProgressStatus.AT_RISK)
    if status not in ProgressStatus.values:
        status = ProgressStatus.AT_RISK
    shares, rows, teachers = overview_for(request.user)
    page = Paginator(teachers_by_status(request.user, status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/overview.html",
        {
            "shares": shares,
            "rows": rows,
            "teachers": teachers,
            "status": status,
            "statuses": [(str(s), s.label) for s in STATUS_ORDER],
            "page": page,
            "query": f"status={status}",
            "title": _("进度总览"),
        },
    )


@requires(AuditAnomaly, "view")
def anomalies(request):
    """The anomalies the nightly audit listed for the county to review."""
    page = Paginator(open_anomalies_for(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request, "credits/anomalies.html", {"page": page, "query": "", "title": _("核查异常")}
    )


@require_POST
@requires(AuditAnomaly, "change")
def anomaly_resolve(request, pk):
    """Mark an anomaly handled, with who and when; another jurisdiction's is a 404."""
    try:
        resolved = resolve_anomaly(anomaly_id=pk, by=request.user)
    except AuditAnomaly.DoesNotExist as error:
        raise Http404 from error
    if resolved:
        messages.success(request, _("已标记为已处理。"))
    return redirect("credits:anomalies")
