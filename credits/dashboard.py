"""Reads of the anomaly list the nightly audit keeps for the bureaus."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditAnomaly


def anomalies_for(user, filters: dict) -> QuerySet:
    """Return the anomalies in the user's jurisdiction, filtered like the anomaly page.

    `filters` holds what `AnomalyFilterForm` cleaned, with `unit` and `school` already looked
    up inside the jurisdiction: kind, unit, school and handled ("no", "yes" or "all").
    """
    rows = (
        AuditAnomaly.objects.restrict(user, "view")
        .select_related("teacher__school", "county", "resolved_by")
        .order_by("-found_at", "pk")
    )
    handled = filters.get("handled", "no")
    if handled != "all":
        rows = rows.filter(is_resolved=handled == "yes")
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("unit") is not None:
        rows = rows.filter(county__path__startswith=filters["unit"].path)
    if filters.get("school") is not None:
        rows = rows.filter(teacher__school=filters["school"])
    return rows
