"""Reads of the bureau's overview: teachers by progress status, at-risk lists, anomalies."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from .models import AuditAnomaly, CountySummary, CycleProgress, ProgressStatus

STATUS_ORDER = [
    ProgressStatus.COMPLETE,
    ProgressStatus.ON_TRACK,
    ProgressStatus.AT_RISK,
    ProgressStatus.BEHIND,
]


@dataclass(frozen=True)
class StatusShare:
    status: str
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class CountyRow:
    county: str
    teachers: int
    shares: list[StatusShare]
    anomalies: int


def _shares(counts: dict[str, int], total: int) -> list[StatusShare]:
    return [
        StatusShare(
            status=str(status),
            label=str(status.label),
            count=counts.get(str(status), 0),
            percent=round(counts.get(str(status), 0) * 100 / total) if total else 0,
        )
        for status in STATUS_ORDER
    ]


def overview_for(user) -> tuple[list[StatusShare], list[CountyRow], int]:
    """Return the jurisdiction's teachers by status, one row per county, and the teacher total.

    Reads the summaries the nightly audit keeps: two queries whatever the size.
    """
    summaries = list(
        CountySummary.objects.restrict(user, "view")
        .select_related("county")
        .order_by("county__path")
    )
    open_anomalies = dict(
        AuditAnomaly.objects.restrict(user, "view")
        .filter(is_resolved=False)
        .values("county_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("county_id", "n")
    )
    totals: dict[str, int] = {}
    rows = []
    for summary in summaries:
        counts = {s: getattr(summary, s) for s in ("complete", "on_track", "at_risk", "behind")}
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        rows.append(
            CountyRow(
                county=summary.county.name,
                teachers=summary.teachers,
                shares=_shares(counts, summary.teachers),
                anomalies=open_anomalies.get(summary.county_id, 0),
            )
        )
    teachers = sum(totals.values())
    return _shares(totals, teachers), rows, teachers


def teachers_by_status(user, status: str) -> QuerySet:
    """Return the cycle progress of teachers with `status` in the user's jurisdiction."""
    return (
        CycleProgress.objects.restrict(user, "view")
        .filter(status=status)
        .select_related("teacher__school")
        .order_by("counted_total", "teacher__school__name", "teacher__name", "pk")
    )


def open_anomalies_for(user) -> QuerySet:
    """Return the anomalies the user's jurisdiction has not handled yet."""
    return (
        AuditAnomaly.objects.restrict(user, "view")
        .filter(is_resolved=False)
        .select_related("teacher__school", "county")
        .order_by("-found_at", "pk")
    )
