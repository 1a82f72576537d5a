"""The anomaly list of the nightly audit: filter, read, mark handled."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import requires
from core.redirects import redirect_to_next

from .dashboard import anomalies_for
from .forms import AnomalyFilterForm
from .models import AnomalyKind, AuditAnomaly
from .oversight_views import query_without_page, school_or_404, unit_or_404
from .services import resolve_anomaly


@requires(AuditAnomaly, "view")
def anomalies(request):
    """The anomalies the nightly audit listed, by kind, unit, school and handled or not."""
    filters = AnomalyFilterForm(request.GET).filters()
    if "unit" in filters:
        filters["unit"] = unit_or_404(request.user, filters["unit"])
    if "school" in filters:
        filters["school"] = school_or_404(request.user, filters["school"])
    page = Paginator(anomalies_for(request.user, filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/anomalies.html",
        {
            "page": page,
            "filters": filters,
            "kinds": AnomalyKind.choices,
            "handled_choices": [("no", _("待处理")), ("yes", _("已处理")), ("all", _("全部"))],
            "query": query_without_page(request),
            "here": request.get_full_path(),
            "title": _("核查异常"),
        },
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
    return redirect_to_next(request, "credits:anomalies")
