"""Reads of the projects app."""

from django.db.models import Count, QuerySet

from .choices import ReviewStatus
from .filtersets import TrainingProjectFilterSet
from .models import TrainingProject


def projects_for(user, filters) -> QuerySet:
    """Return the projects `user` may see, with their record counts, filtered like the page."""
    queryset = (
        TrainingProject.objects.restrict(user, "view")
        .select_related("issuing_unit", "institution", "school")
        .annotate(record_count=Count("records"))
        .order_by("-starts_on", "code", "pk")
    )
    return TrainingProjectFilterSet(filters, queryset).qs


def review_queue_for(user) -> QuerySet:
    """Return the submitted projects `user` may review, oldest first."""
    return (
        TrainingProject.objects.restrict(user, "review")
        .filter(review_status=ReviewStatus.SUBMITTED)
        .select_related("issuing_unit", "institution", "school")
        .order_by("created_at", "pk")
    )
