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
from .exports import anomalies_export
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
    rows = anomalies_for(request.user, filters)
    if request.GET.get("export") == "xlsx":
        return anomalies_export(rows, user=request.user, filters=_anomaly_labels(filters))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
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


def _anomaly_labels(filters: dict) -> list[tuple[str, str]]:
    labels = []
    if filters.get("kind"):
        labels.append((_("类型"), str(AnomalyKind(filters["kind"]).label)))
    if filters.get("unit") is not None:
        labels.append((_("单位"), filters["unit"].name))
    if filters.get("school") is not None:
        labels.append((_("学校"), filters["school"].name))
    handled = {"no": _("待处理"), "yes": _("已处理"), "all": _("全部")}
    labels.append((_("处理状态"), handled[filters.get("handled", "no")]))
    return labels


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
